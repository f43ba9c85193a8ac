#include "sim/linkedin/linkedin_data.hpp"

#include <array>
#include <charconv>
#include <cstdio>

#include <boost/json/array.hpp>

namespace adbatch::sim::linkedin {

namespace json = boost::json;

namespace {

// splitmix64: cheap, well-mixed, stable across platforms.
std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// 2024-01-01T00:00:00Z in ms: objects were "created" around then.
constexpr std::int64_t epoch_2024_ms = 1704067200000;
constexpr std::int64_t hour_ms = 3600 * 1000;

json::object audit_stamps(std::int64_t created_ms, std::int64_t modified_ms) {
  return json::object{
    {"created", json::object{{"actor", "urn:li:unknown:0"}, {"time", created_ms}}},
    {"lastModified",
     json::object{{"actor", "urn:li:unknown:0"}, {"time", modified_ms}}}};
}

json::object money(std::string amount) {
  return json::object{{"amount", std::move(amount)}, {"currencyCode", "USD"}};
}

std::string micros_to_decimal(std::int64_t micros) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%06lld",
                static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  return buf;
}

// Splits `total` into `parts` shares; share k of them.
std::int64_t share(std::int64_t total, int parts, int k) {
  if (parts <= 1) return total;
  std::int64_t base = total / parts;
  return k == parts - 1 ? total - base * (parts - 1) : base;
}

} // namespace

std::string account_urn(std::int64_t id) {
  return "urn:li:sponsoredAccount:" + std::to_string(id);
}
std::string campaign_group_urn(std::int64_t id) {
  return "urn:li:sponsoredCampaignGroup:" + std::to_string(id);
}
std::string campaign_urn(std::int64_t id) {
  return "urn:li:sponsoredCampaign:" + std::to_string(id);
}
std::string creative_urn(std::int64_t id) {
  return "urn:li:sponsoredCreative:" + std::to_string(id);
}
std::string lead_form_urn(std::int64_t id) {
  return "urn:li:leadGenForm:" + std::to_string(id);
}

std::optional<std::int64_t> urn_id(std::string_view key, std::string_view type) {
  std::string_view digits = key;
  if (key.substr(0, 7) == "urn:li:") {
    auto rest = key.substr(7);
    if (rest.substr(0, type.size()) != type || rest.size() <= type.size()
        || rest[type.size()] != ':')
      return std::nullopt;
    digits = rest.substr(type.size() + 1);
  }
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || ptr != digits.data() + digits.size() || digits.empty())
    return std::nullopt;
  return id;
}

metrics& metrics::operator+=(const metrics& o) {
  impressions += o.impressions;
  clicks += o.clicks;
  landing_page_clicks += o.landing_page_clicks;
  likes += o.likes;
  shares += o.shares;
  comments += o.comments;
  follows += o.follows;
  video_views += o.video_views;
  one_click_leads += o.one_click_leads;
  external_website_conversions += o.external_website_conversions;
  lead_contact_shares += o.lead_contact_shares;
  cost_micros += o.cost_micros;
  return *this;
}

std::optional<json::value> metrics::field(std::string_view name) const {
  if (name == "impressions") return json::value(impressions);
  if (name == "clicks") return json::value(clicks);
  if (name == "landingPageClicks") return json::value(landing_page_clicks);
  if (name == "likes") return json::value(likes);
  if (name == "shares") return json::value(shares);
  if (name == "comments") return json::value(comments);
  if (name == "follows") return json::value(follows);
  if (name == "videoViews") return json::value(video_views);
  if (name == "oneClickLeads") return json::value(one_click_leads);
  if (name == "leadGenerationMailContactInfoShares")
    return json::value(lead_contact_shares);
  if (name == "externalWebsiteConversions")
    return json::value(external_website_conversions);
  if (name == "totalEngagements")
    return json::value(clicks + likes + shares + comments + follows);
  if (name == "costInLocalCurrency" || name == "costInUsd")
    return json::value(micros_to_decimal(cost_micros));
  return std::nullopt;
}

catalog::catalog(std::uint64_t seed, catalog_options opts)
  : seed_(seed), opts_(opts) {}

std::uint64_t catalog::mix(std::uint64_t a, std::uint64_t b) const {
  return splitmix(splitmix(seed_ ^ splitmix(a)) ^ b);
}

std::vector<std::int64_t> catalog::account_ids() const {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < opts_.accounts; ++i) ids.push_back(account_base + i);
  return ids;
}

bool catalog::has_account(std::int64_t id) const {
  return id >= account_base && id < account_base + opts_.accounts;
}

json::object catalog::account(std::int64_t id) const {
  auto r = mix(static_cast<std::uint64_t>(id));
  auto i = id - account_base;
  // Most accounts are active; a few are drafts or canceled, so status
  // filters have something to filter.
  const char* status = (r % 10 == 0) ? "CANCELED" : (r % 10 == 1) ? "DRAFT" : "ACTIVE";
  std::int64_t created = epoch_2024_ms - static_cast<std::int64_t>(r % 1000) * 24 * hour_ms;
  return json::object{
    {"id", id},
    {"name", "Sim LinkedIn Account " + std::to_string(i + 1)},
    {"currency", "USD"},
    {"type", "BUSINESS"},
    {"status", status},
    {"test", false},
    {"reference", "urn:li:organization:" + std::to_string(2400000 + i)},
    {"servingStatuses",
     json::array{std::string_view(status) == "ACTIVE" ? "RUNNABLE" : "STOPPED"}},
    {"notifiedOnCampaignOptimization", true},
    {"notifiedOnCreativeApproval", true},
    {"notifiedOnCreativeRejection", true},
    {"notifiedOnEndOfCampaign", true},
    {"notifiedOnNewFeaturesEnabled", false},
    {"version", json::object{{"versionTag", std::to_string(1 + r % 9)}}},
    {"changeAuditStamps", audit_stamps(created, created + 30 * 24 * hour_ms)}};
}

std::int64_t catalog::campaign_group_of(std::int64_t account) const {
  return campaign_group_base + (account - account_base);
}

std::optional<std::int64_t> catalog::account_of_group(std::int64_t group) const {
  auto acct = account_base + (group - campaign_group_base);
  if (group < campaign_group_base || !has_account(acct)) return std::nullopt;
  return acct;
}

json::object catalog::campaign_group(std::int64_t id) const {
  auto acct = account_base + (id - campaign_group_base);
  return json::object{
    {"id", id},
    {"account", account_urn(acct)},
    {"name", "Sim Campaign Group " + std::to_string(id - campaign_group_base + 1)},
    {"status", "ACTIVE"},
    {"test", false},
    {"servingStatuses", json::array{"RUNNABLE"}},
    {"runSchedule", json::object{{"start", epoch_2024_ms}}},
    {"totalBudget", money("10000.00")}};
}

std::vector<std::int64_t> catalog::campaign_ids(std::int64_t account) const {
  std::vector<std::int64_t> ids;
  if (!has_account(account)) return ids;
  auto first = campaign_base + (account - account_base) * opts_.campaigns_per_account;
  for (int j = 0; j < opts_.campaigns_per_account; ++j) ids.push_back(first + j);
  return ids;
}

std::optional<std::int64_t> catalog::account_of_campaign(std::int64_t campaign) const {
  if (campaign < campaign_base || opts_.campaigns_per_account <= 0) return std::nullopt;
  auto acct = account_base + (campaign - campaign_base) / opts_.campaigns_per_account;
  if (!has_account(acct)) return std::nullopt;
  return acct;
}

json::object catalog::campaign(std::int64_t id) const {
  auto r = mix(static_cast<std::uint64_t>(id), 1);
  auto acct = *account_of_campaign(id);
  static constexpr std::array statuses{"ACTIVE", "ACTIVE", "ACTIVE", "PAUSED",
                                       "ARCHIVED", "DRAFT"};
  static constexpr std::array objectives{"WEBSITE_VISIT", "LEAD_GENERATION",
                                         "BRAND_AWARENESS", "ENGAGEMENT",
                                         "VIDEO_VIEW"};
  const char* status = statuses[r % statuses.size()];
  return json::object{
    {"id", id},
    {"account", account_urn(acct)},
    {"campaignGroup", campaign_group_urn(campaign_group_of(acct))},
    {"name", "Sim Campaign " + std::to_string(id - campaign_base + 1)},
    {"status", status},
    {"type", "SPONSORED_UPDATES"},
    {"costType", (r >> 8) % 2 ? "CPC" : "CPM"},
    {"objectiveType", objectives[(r >> 12) % objectives.size()]},
    {"format", "SINGLE_IMAGE"},
    {"creativeSelection", "OPTIMIZED"},
    {"offsiteDeliveryEnabled", false},
    {"test", false},
    {"locale", json::object{{"country", "US"}, {"language", "en"}}},
    {"dailyBudget", money(std::to_string(20 + (r >> 16) % 180) + ".00")},
    {"unitCost", money(std::to_string(2 + (r >> 24) % 9) + ".50")},
    {"runSchedule", json::object{{"start", epoch_2024_ms + static_cast<std::int64_t>((r >> 32) % 90) * 24 * hour_ms}}},
    {"servingStatuses",
     json::array{std::string_view(status) == "ACTIVE" ? "RUNNABLE" : "CAMPAIGN_STOPPED"}},
    {"version", json::object{{"versionTag", std::to_string(1 + (r >> 40) % 5)}}},
    {"changeAuditStamps", audit_stamps(epoch_2024_ms, epoch_2024_ms + 7 * 24 * hour_ms)}};
}

std::vector<std::int64_t> catalog::creative_ids_of_campaign(std::int64_t campaign) const {
  std::vector<std::int64_t> ids;
  if (!account_of_campaign(campaign)) return ids;
  auto first = creative_base + (campaign - campaign_base) * opts_.creatives_per_campaign;
  for (int k = 0; k < opts_.creatives_per_campaign; ++k) ids.push_back(first + k);
  return ids;
}

std::optional<std::int64_t> catalog::campaign_of_creative(std::int64_t creative) const {
  if (creative < creative_base || opts_.creatives_per_campaign <= 0) return std::nullopt;
  auto campaign = campaign_base + (creative - creative_base) / opts_.creatives_per_campaign;
  if (!account_of_campaign(campaign)) return std::nullopt;
  return campaign;
}

json::object catalog::creative(std::int64_t id) const {
  auto r = mix(static_cast<std::uint64_t>(id), 2);
  auto campaign = *campaign_of_creative(id);
  auto acct = *account_of_campaign(campaign);
  bool active = r % 5 != 0;
  return json::object{
    {"id", creative_urn(id)},
    {"account", account_urn(acct)},
    {"campaign", campaign_urn(campaign)},
    {"content", json::object{{"reference", "urn:li:share:" + std::to_string(7100000000000000000LL + static_cast<std::int64_t>(r % 1000000000))}}},
    {"intendedStatus", active ? "ACTIVE" : "PAUSED"},
    {"isServing", active},
    {"isTest", false},
    {"review", json::object{{"status", "APPROVED"}}},
    {"createdAt", epoch_2024_ms},
    {"createdBy", "urn:li:person:sim" + std::to_string(acct - account_base)},
    {"lastModifiedAt", epoch_2024_ms + 24 * hour_ms},
    {"lastModifiedBy", "urn:li:person:sim" + std::to_string(acct - account_base)}};
}

std::string catalog::lead_id(std::int64_t account, int n) const {
  // UUID-shaped; the last group encodes (account index, n) so lead() can
  // find it again without a table, the rest comes from the seed.
  auto r = mix(static_cast<std::uint64_t>(account), 0x1ead0000ULL + static_cast<std::uint64_t>(n));
  auto tail = (static_cast<std::uint64_t>(account - account_base) << 20) | static_cast<std::uint64_t>(n);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-a%03llx-%012llx",
                static_cast<unsigned long long>(r >> 32),
                static_cast<unsigned long long>((r >> 16) & 0xffff),
                static_cast<unsigned long long>((r >> 4) & 0xfff),
                static_cast<unsigned long long>(r & 0xfff),
                static_cast<unsigned long long>(tail & 0xffffffffffffULL));
  return buf;
}

std::vector<std::string> catalog::lead_ids(std::int64_t account) const {
  std::vector<std::string> ids;
  if (!has_account(account)) return ids;
  for (int n = 0; n < opts_.leads_per_account; ++n) ids.push_back(lead_id(account, n));
  return ids;
}

std::int64_t catalog::lead_form_of(std::int64_t account, int n) const {
  // Two forms per account.
  return lead_form_base + (account - account_base) * 2 + n % 2;
}

std::optional<json::object> catalog::lead(std::string_view id) const {
  if (id.size() != 36) return std::nullopt;
  std::uint64_t tail = 0;
  auto last = id.substr(24);
  auto [ptr, ec] = std::from_chars(last.data(), last.data() + last.size(), tail, 16);
  if (ec != std::errc{} || ptr != last.data() + last.size()) return std::nullopt;
  auto account = account_base + static_cast<std::int64_t>(tail >> 20);
  int n = static_cast<int>(tail & 0xfffff);
  if (!has_account(account) || n >= opts_.leads_per_account) return std::nullopt;
  if (lead_id(account, n) != id) return std::nullopt;

  auto r = mix(static_cast<std::uint64_t>(account), 0x1ead0000ULL + static_cast<std::uint64_t>(n));
  auto campaigns = campaign_ids(account);
  auto campaign = campaigns.empty() ? campaign_base : campaigns[static_cast<std::size_t>(n) % campaigns.size()];
  auto creatives = creative_ids_of_campaign(campaign);
  auto creative = creatives.empty() ? creative_base : creatives.front();
  static constexpr std::array first_names{"Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret"};
  static constexpr std::array last_names{"Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton"};
  std::string first = first_names[r % first_names.size()];
  std::string last_name = last_names[(r >> 8) % last_names.size()];
  auto text_answer = [](int question, std::string answer) {
    return json::object{
      {"questionId", question},
      {"answerDetails",
       json::object{{"textQuestionAnswer", json::object{{"answer", std::move(answer)}}}}}};
  };
  return json::object{
    {"id", std::string{id}},
    {"owner", json::object{{"sponsoredAccount", account_urn(account)}}},
    {"leadType", "SPONSORED"},
    {"testLead", false},
    {"submitter", "urn:li:person:simlead" + std::to_string(r % 100000)},
    {"versionedLeadGenFormUrn",
     "urn:li:versionedLeadGenForm:(" + lead_form_urn(lead_form_of(account, n)) + ",1)"},
    {"submittedAt", epoch_2024_ms + static_cast<std::int64_t>(n) * 6 * hour_ms},
    {"associatedEntity", json::object{{"associatedCreative", creative_urn(creative)}}},
    {"leadMetadata",
     json::object{{"sponsoredLeadMetadata", json::object{{"campaign", campaign_urn(campaign)}}}}},
    {"formResponse",
     json::object{
       {"answers",
        json::array{text_answer(1, first), text_answer(2, last_name),
                    text_answer(3, first + "." + last_name + "@example.com")}},
       {"consentResponses", json::array{}}}}};
}

namespace {

// Ids base + index * per + n of `per` objects per account.
std::vector<std::int64_t> dense_ids(const catalog& c, std::int64_t account,
                                    std::int64_t base, int per) {
  std::vector<std::int64_t> ids;
  if (!c.has_account(account)) return ids;
  for (int n = 0; n < per; ++n) ids.push_back(base + (account - account_base) * per + n);
  return ids;
}

std::optional<std::int64_t> dense_owner(const catalog& c, std::int64_t id,
                                        std::int64_t base, int per) {
  if (id < base) return std::nullopt;
  auto acct = account_base + (id - base) / per;
  if (!c.has_account(acct)) return std::nullopt;
  return acct;
}

} // namespace

std::vector<std::int64_t> catalog::lead_form_ids(std::int64_t account) const {
  return dense_ids(*this, account, lead_form_base, lead_forms_per_account);
}

std::optional<std::int64_t> catalog::account_of_lead_form(std::int64_t form) const {
  return dense_owner(*this, form, lead_form_base, lead_forms_per_account);
}

json::object catalog::lead_form(std::int64_t id) const {
  auto acct = *account_of_lead_form(id);
  auto n = (id - lead_form_base) % lead_forms_per_account;
  auto r = mix(static_cast<std::uint64_t>(id), 3);
  std::int64_t created = epoch_2024_ms + static_cast<std::int64_t>(r % 60) * 24 * hour_ms;
  auto question = [](int qid, const char* name, const char* field) {
    return json::object{{"questionId", qid},
                        {"name", name},
                        {"predefinedField", field},
                        {"question", json::object{{"localized", json::object{{"en_US", name}}}}}};
  };
  return json::object{
    {"id", id},
    {"owner", json::object{{"sponsoredAccount", account_urn(acct)}}},
    {"name", "Sim Lead Form " + std::to_string(id - lead_form_base + 1)},
    {"state", n == 0 ? "PUBLISHED" : "DRAFT"},
    {"versionId", 1},
    {"creationLocale", json::object{{"country", "US"}, {"language", "en"}}},
    {"content",
     json::object{{"headline", json::object{{"localized", json::object{{"en_US", "Get the guide"}}}}},
                  {"questions", json::array{question(1, "firstName", "FIRST_NAME"),
                                            question(2, "lastName", "LAST_NAME"),
                                            question(3, "email", "EMAIL")}}}},
    {"created", created},
    {"lastModified", created + 2 * 24 * hour_ms}};
}

std::vector<std::int64_t> catalog::segment_ids(std::int64_t account) const {
  return dense_ids(*this, account, dmp_segment_base, segments_per_account);
}

std::optional<std::int64_t> catalog::account_of_segment(std::int64_t segment) const {
  return dense_owner(*this, segment, dmp_segment_base, segments_per_account);
}

json::object catalog::segment(std::int64_t id) const {
  auto acct = *account_of_segment(id);
  auto n = (id - dmp_segment_base) % segments_per_account;
  auto r = mix(static_cast<std::uint64_t>(id), 4);
  static constexpr std::array types{"COMPANY_LIST_UPLOAD", "USER_LIST_UPLOAD", "RETARGETING"};
  bool ready = r % 4 != 0;
  std::int64_t created = epoch_2024_ms + static_cast<std::int64_t>(r % 90) * 24 * hour_ms;
  auto size = static_cast<std::int64_t>(300 + (r >> 8) % 90000);
  return json::object{
    {"id", id},
    {"account", account_urn(acct)},
    {"name", "Sim Audience " + std::to_string(id - dmp_segment_base + 1)},
    {"type", types[static_cast<std::size_t>(n) % types.size()]},
    {"sourcePlatform", n == 2 ? "LINKEDIN" : "LIST_UPLOAD"},
    {"destinations",
     json::array{json::object{{"destination", "LINKEDIN"},
                              {"status", ready ? "READY" : "BUILDING"},
                              {"audienceSize", ready ? size : 0},
                              {"matchedCount", ready ? size * 7 / 10 : 0}}}},
    {"created", created},
    {"lastModified", created + 3 * 24 * hour_ms}};
}

std::vector<std::int64_t> catalog::conversion_ids(std::int64_t account) const {
  return dense_ids(*this, account, conversion_base, conversions_per_account);
}

std::optional<std::int64_t> catalog::account_of_conversion(std::int64_t conv) const {
  return dense_owner(*this, conv, conversion_base, conversions_per_account);
}

json::object catalog::conversion(std::int64_t id) const {
  auto acct = *account_of_conversion(id);
  auto n = (id - conversion_base) % conversions_per_account;
  auto r = mix(static_cast<std::uint64_t>(id), 5);
  json::array campaigns;
  auto cids = campaign_ids(acct);
  for (std::size_t i = 0; i < cids.size() && i < 2; ++i) campaigns.push_back(json::value(campaign_urn(cids[i])));
  std::int64_t created = epoch_2024_ms + static_cast<std::int64_t>(r % 30) * 24 * hour_ms;
  return json::object{
    {"id", id},
    {"account", account_urn(acct)},
    {"name", n == 0 ? "Sim Lead Conversion " + std::to_string(id - conversion_base + 1)
                    : "Sim Purchase " + std::to_string(id - conversion_base + 1)},
    {"type", n == 0 ? "LEAD" : "PURCHASE"},
    {"attributionType", (r >> 4) % 2 ? "LAST_TOUCH_BY_CAMPAIGN" : "LAST_TOUCH_BY_CONVERSION"},
    {"postClickAttributionWindowSize", 30},
    {"viewThroughAttributionWindowSize", 7},
    {"enabled", (r >> 8) % 5 != 0},
    {"conversionMethod", "INSIGHT_TAG"},
    {"value", money(std::to_string(5 + (r >> 12) % 95) + ".00")},
    {"campaigns", std::move(campaigns)},
    {"created", created},
    {"lastModified", created + 24 * hour_ms}};
}

std::vector<json::object> catalog::targeting_facets() const {
  struct facet {
    const char* name;
    const char* entity;
    bool typeahead;
  };
  static constexpr std::array facets{
    facet{"locations", "GEO", true},          facet{"profileLocations", "GEO", true},
    facet{"interfaceLocales", "LOCALE", false}, facet{"industries", "INDUSTRY", false},
    facet{"seniorities", "SENIORITY", false}, facet{"titles", "TITLE", true},
    facet{"skills", "SKILL", true},           facet{"employers", "ORGANIZATION", true},
    facet{"staffCountRanges", "STAFF_COUNT_RANGE", false},
    facet{"ageRanges", "AGE_RANGE", false},   facet{"genders", "GENDER", false},
    facet{"audienceMatchingSegments", "DMP_SEGMENT", false}};
  std::vector<json::object> out;
  for (auto& f : facets) {
    json::array finders{"AD_TARGETING_FACET"};
    if (f.typeahead) finders.push_back("TYPEAHEAD");
    out.push_back(json::object{{"facetName", f.name},
                               {"adTargetingFacetUrn", std::string{"urn:li:adTargetingFacet:"} + f.name},
                               {"entityTypes", json::array{f.entity}},
                               {"availableEntityFinders", std::move(finders)}});
  }
  return out;
}

metrics catalog::campaign_day(std::int64_t campaign, std::int64_t day) const {
  auto r = mix(static_cast<std::uint64_t>(campaign), 0xda70000000ULL + static_cast<std::uint64_t>(day));
  metrics m;
  m.impressions = 200 + static_cast<std::int64_t>(r % 4800);
  m.clicks = m.impressions * (4 + static_cast<std::int64_t>((r >> 16) % 26)) / 1000;
  m.landing_page_clicks = m.clicks * 8 / 10;
  m.likes = static_cast<std::int64_t>((r >> 24) % 12);
  m.shares = static_cast<std::int64_t>((r >> 28) % 3);
  m.comments = static_cast<std::int64_t>((r >> 30) % 4);
  m.follows = static_cast<std::int64_t>((r >> 34) % 3);
  m.video_views = static_cast<std::int64_t>((r >> 36) % 40);
  m.one_click_leads = m.clicks / 20;
  m.external_website_conversions = m.clicks / 15;
  m.lead_contact_shares = m.one_click_leads / 2;
  m.cost_micros = m.clicks * (2000000 + static_cast<std::int64_t>((r >> 40) % 7000000));
  return m;
}

metrics catalog::creative_day(std::int64_t creative, std::int64_t day) const {
  auto campaign = campaign_of_creative(creative);
  if (!campaign) return {};
  auto c = campaign_day(*campaign, day);
  int parts = opts_.creatives_per_campaign;
  int k = static_cast<int>((creative - creative_base) % parts);
  metrics m;
  m.impressions = share(c.impressions, parts, k);
  m.clicks = share(c.clicks, parts, k);
  m.landing_page_clicks = share(c.landing_page_clicks, parts, k);
  m.likes = share(c.likes, parts, k);
  m.shares = share(c.shares, parts, k);
  m.comments = share(c.comments, parts, k);
  m.follows = share(c.follows, parts, k);
  m.video_views = share(c.video_views, parts, k);
  m.one_click_leads = share(c.one_click_leads, parts, k);
  m.external_website_conversions = share(c.external_website_conversions, parts, k);
  m.lead_contact_shares = share(c.lead_contact_shares, parts, k);
  m.cost_micros = share(c.cost_micros, parts, k);
  return m;
}

} // namespace adbatch::sim::linkedin
