// GET /rest/adAnalytics: q=analytics (one pivot) and q=statistics (up to three
// pivots) over accounts / campaign groups / campaigns / creatives.

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <boost/json/array.hpp>

#include "sim/linkedin/linkedin_internal.hpp"

namespace adbatch::sim::linkedin {

namespace json = boost::json;
namespace chr = std::chrono;

namespace {

enum class pivot_kind { account = 0, campaign_group = 1, campaign = 2, creative = 3 };

std::optional<pivot_kind> pivot_of(std::string_view s) {
  if (s == "ACCOUNT") return pivot_kind::account;
  if (s == "CAMPAIGN_GROUP") return pivot_kind::campaign_group;
  if (s == "CAMPAIGN") return pivot_kind::campaign;
  if (s == "CREATIVE") return pivot_kind::creative;
  return std::nullopt;
}

std::optional<chr::year_month_day> parse_date(const restli::value* v) {
  if (!v || !v->is_record()) return std::nullopt;
  auto num = [&](const char* k) -> std::optional<int> {
    auto* f = v->find(k);
    if (!f || !f->is_string()) return std::nullopt;
    try {
      std::size_t used = 0;
      int n = std::stoi(f->str(), &used);
      if (used != f->str().size()) return std::nullopt;
      return n;
    } catch (...) {
      return std::nullopt;
    }
  };
  auto y = num("year");
  auto m = num("month");
  auto d = num("day");
  if (!y || !m || !d) return std::nullopt;
  chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                          chr::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

json::object date_json(chr::sys_days d) {
  chr::year_month_day ymd{d};
  return json::object{{"year", static_cast<int>(ymd.year())},
                      {"month", static_cast<unsigned>(ymd.month())},
                      {"day", static_cast<unsigned>(ymd.day())}};
}

struct bucket {
  chr::sys_days first;
  chr::sys_days last;  ///< inclusive
};

// Splits [first, last] by the granularity (calendar months / years, clipped).
std::vector<bucket> buckets(chr::sys_days first, chr::sys_days last,
                            std::string_view granularity) {
  std::vector<bucket> out;
  if (granularity == "ALL") {
    out.push_back({first, last});
    return out;
  }
  auto d = first;
  while (d <= last) {
    chr::sys_days end = d;
    chr::year_month_day ymd{d};
    if (granularity == "MONTHLY") {
      end = chr::sys_days{ymd.year() / ymd.month() / chr::last};
    } else if (granularity == "YEARLY") {
      end = chr::sys_days{ymd.year() / chr::December / 31};
    }
    end = std::min(end, last);
    out.push_back({d, end});
    d = end + chr::days{1};
  }
  return out;
}

// Accepts `List(a,b)` or, leniently, a single bare value.
std::optional<std::vector<std::string>> urn_list(const query_map& q, const char* name,
                                                 bool& present) {
  auto it = q.find(name);
  present = it != q.end();
  if (!present) return std::vector<std::string>{};
  auto v = restli::parse(it->second);
  if (!v) return std::nullopt;
  std::vector<std::string> out;
  if (v->is_string()) {
    out.push_back(v->str());
  } else if (v->is_list()) {
    for (auto& item : v->items()) {
      if (!item.is_string()) return std::nullopt;
      out.push_back(item.str());
    }
  } else {
    return std::nullopt;
  }
  return out;
}

} // namespace

http_response handle_analytics(const query_map& q, request_context& ctx) {
  auto& finder = q.at("q");
  if (finder != "analytics" && finder != "statistics")
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Finder '" + finder + "' is not supported by adAnalytics");

  // Pivots.
  std::vector<pivot_kind> pivots;
  std::vector<std::string> pivot_names;
  if (finder == "analytics") {
    auto it = q.find("pivot");
    if (it == q.end())
      return restli_error(400, "ILLEGAL_ARGUMENT", "Missing required parameter: pivot");
    auto v = restli::parse(it->second);
    if (!v || !v->is_string())
      return restli_error(400, "ILLEGAL_ARGUMENT", "Invalid value for param pivot");
    pivot_names.push_back(v->str());
  } else {
    auto it = q.find("pivots");
    if (it == q.end())
      return restli_error(400, "ILLEGAL_ARGUMENT", "Missing required parameter: pivots");
    auto v = restli::parse(it->second);
    if (!v || !v->is_list() || v->items().empty() || v->items().size() > 3)
      return restli_error(400, "ILLEGAL_ARGUMENT",
                          "Invalid value for param pivots: expected List() of 1 to 3 pivots");
    for (auto& p : v->items()) {
      if (!p.is_string())
        return restli_error(400, "ILLEGAL_ARGUMENT", "Invalid value for param pivots");
      pivot_names.push_back(p.str());
    }
  }
  for (auto& name : pivot_names) {
    auto p = pivot_of(name);
    if (!p)
      return restli_error(400, "ILLEGAL_ARGUMENT",
                          "Pivot " + name + " is not supported by the simulator "
                          "(ACCOUNT, CAMPAIGN_GROUP, CAMPAIGN, CREATIVE)");
    pivots.push_back(*p);
  }

  // Granularity and date range.
  auto gran_it = q.find("timeGranularity");
  if (gran_it == q.end())
    return restli_error(400, "ILLEGAL_ARGUMENT", "Missing required parameter: timeGranularity");
  auto granularity = restli::decode_component(gran_it->second).value_or("");
  if (granularity != "DAILY" && granularity != "MONTHLY" && granularity != "YEARLY"
      && granularity != "ALL")
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Invalid value for param timeGranularity: " + granularity);
  auto range_it = q.find("dateRange");
  if (range_it == q.end())
    return restli_error(400, "ILLEGAL_ARGUMENT", "Missing required parameter: dateRange");
  auto range = restli::parse(range_it->second);
  auto start = parse_date(range ? range->find("start") : nullptr);
  if (!start)
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Invalid value for param dateRange: expected (start:(year:Y,month:M,day:D),end:(...))");
  chr::sys_days first{*start};
  // Without an end, the simulator (which has no calendar) covers 30 days.
  chr::sys_days last = first + chr::days{29};
  if (range->find("end")) {
    auto end = parse_date(range->find("end"));
    if (!end) return restli_error(400, "ILLEGAL_ARGUMENT", "Invalid value for param dateRange.end");
    last = chr::sys_days{*end};
  }
  if (last < first)
    return restli_error(400, "ILLEGAL_ARGUMENT", "dateRange.end is before dateRange.start");
  // Bounds the work per request (metrics are summed day by day).
  if (last - first > chr::days{ctx.opts.max_analytics_days})
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "dateRange spans more than " + std::to_string(ctx.opts.max_analytics_days)
                          + " days");

  // Metrics.
  auto fields = projection_fields(q);
  std::vector<std::string> metric_names;
  for (auto& f : fields)
    if (f != "pivotValues" && f != "dateRange") metric_names.push_back(f);
  if (fields.empty()) metric_names = {"impressions", "clicks"};
  if (static_cast<int>(metric_names.size()) > ctx.opts.max_analytics_fields)
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "Too many fields requested: " + std::to_string(metric_names.size())
                          + " (maximum " + std::to_string(ctx.opts.max_analytics_fields) + ")");

  // Facets: every facet given must hold (AND); items inside a facet OR.
  bool has_accounts = false, has_groups = false, has_campaigns = false, has_creatives = false;
  auto accounts = urn_list(q, "accounts", has_accounts);
  auto groups = urn_list(q, "campaignGroups", has_groups);
  auto campaigns = urn_list(q, "campaigns", has_campaigns);
  auto creatives = urn_list(q, "creatives", has_creatives);
  if (!accounts || !groups || !campaigns || !creatives)
    return restli_error(400, "ILLEGAL_ARGUMENT", "Invalid facet value: expected List(urn,...)");
  if (!has_accounts && !has_groups && !has_campaigns && !has_creatives)
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "At least one facet (accounts, campaignGroups, campaigns, creatives) is required");

  auto& data = ctx.data;
  // Every facet value must be an object the member may access.
  auto check_owned = [&](const std::vector<std::string>& urns, const char* type,
                         auto account_of) -> std::optional<http_response> {
    for (auto& urn : urns)
      if (auto id = urn_id(urn, type))
        if (auto acct = account_of(*id); acct && !ctx.owns(*acct))
          return access_denied("adAnalytics.FINDER-" + q.at("q") + " " + urn);
    return std::nullopt;
  };
  if (auto e = check_owned(*accounts, "sponsoredAccount", [&](std::int64_t id) {
        return data.has_account(id) ? std::optional<std::int64_t>{id} : std::nullopt;
      }))
    return *e;
  if (auto e = check_owned(*groups, "sponsoredCampaignGroup",
                           [&](std::int64_t id) { return data.account_of_group(id); }))
    return *e;
  if (auto e = check_owned(*campaigns, "sponsoredCampaign",
                           [&](std::int64_t id) { return data.account_of_campaign(id); }))
    return *e;
  if (auto e = check_owned(*creatives, "sponsoredCreative", [&](std::int64_t id) {
        auto c = data.campaign_of_creative(id);
        return c ? data.account_of_campaign(*c) : std::nullopt;
      }))
    return *e;
  std::set<std::int64_t> selected;  // campaigns
  bool first_facet = true;
  auto narrow = [&](const std::set<std::int64_t>& s) {
    if (first_facet) {
      selected = s;
      first_facet = false;
    } else {
      std::set<std::int64_t> both;
      std::set_intersection(selected.begin(), selected.end(), s.begin(), s.end(),
                            std::inserter(both, both.begin()));
      selected = std::move(both);
    }
  };
  if (has_accounts) {
    std::set<std::int64_t> s;
    for (auto& urn : *accounts)
      if (auto id = urn_id(urn, "sponsoredAccount"))
        for (auto c : data.campaign_ids(*id)) s.insert(c);
    narrow(s);
  }
  if (has_groups) {
    std::set<std::int64_t> s;
    for (auto& urn : *groups)
      if (auto id = urn_id(urn, "sponsoredCampaignGroup"))
        if (auto acct = data.account_of_group(*id))
          for (auto c : data.campaign_ids(*acct)) s.insert(c);
    narrow(s);
  }
  if (has_campaigns) {
    std::set<std::int64_t> s;
    for (auto& urn : *campaigns)
      if (auto id = urn_id(urn, "sponsoredCampaign"))
        if (data.account_of_campaign(*id)) s.insert(*id);
    narrow(s);
  }
  std::set<std::int64_t> creative_filter;
  if (has_creatives) {
    std::set<std::int64_t> s;
    for (auto& urn : *creatives)
      if (auto id = urn_id(urn, "sponsoredCreative"))
        if (auto c = data.campaign_of_creative(*id)) {
          s.insert(*c);
          creative_filter.insert(*id);
        }
    narrow(s);
  }

  // Rows at the finest pivot; coarser pivots sum their campaigns.
  auto finest = *std::max_element(pivots.begin(), pivots.end());
  bool per_creative = finest == pivot_kind::creative || has_creatives;
  struct unit {
    std::int64_t campaign;
    std::optional<std::int64_t> creative;
  };
  std::vector<unit> units;
  for (auto c : selected) {
    if (per_creative) {
      for (auto cr : data.creative_ids_of_campaign(c))
        if (!has_creatives || creative_filter.count(cr)) units.push_back({c, cr});
    } else {
      units.push_back({c, std::nullopt});
    }
  }
  auto pivot_value = [&](pivot_kind p, const unit& u) -> std::string {
    auto acct = *data.account_of_campaign(u.campaign);
    switch (p) {
      case pivot_kind::account: return account_urn(acct);
      case pivot_kind::campaign_group: return campaign_group_urn(data.campaign_group_of(acct));
      case pivot_kind::campaign: return campaign_urn(u.campaign);
      case pivot_kind::creative: return creative_urn(*u.creative);
    }
    return {};
  };
  // Group units by their pivot values tuple.
  std::map<std::vector<std::string>, std::vector<unit>> groups_by_key;
  for (auto& u : units) {
    std::vector<std::string> key;
    for (auto p : pivots) key.push_back(pivot_value(p, u));
    groups_by_key[key].push_back(u);
  }
  auto spans = buckets(first, last, granularity);
  auto element_count = groups_by_key.size() * spans.size();
  if (element_count > static_cast<std::size_t>(ctx.opts.max_analytics_elements))
    return restli_error(400, "ILLEGAL_ARGUMENT",
                        "The request would return " + std::to_string(element_count)
                          + " elements, more than the maximum of "
                          + std::to_string(ctx.opts.max_analytics_elements)
                          + "; narrow the date range, granularity or facets");

  json::array elements;
  for (auto& span : spans) {
    for (auto& [key, members] : groups_by_key) {
      metrics m;
      for (auto d = span.first; d <= span.last; d += chr::days{1}) {
        auto day = d.time_since_epoch().count();
        for (auto& u : members)
          m += u.creative ? data.creative_day(*u.creative, day) : data.campaign_day(u.campaign, day);
      }
      json::array pv;
      for (auto& k : key) pv.push_back(json::value(k));
      json::object e{{"pivotValues", std::move(pv)},
                     {"dateRange", json::object{{"start", date_json(span.first)},
                                                {"end", date_json(span.last)}}}};
      for (auto& name : metric_names)
        if (auto v = m.field(name)) e[name] = std::move(*v);
      elements.push_back(std::move(e));
    }
  }
  auto n = static_cast<std::int64_t>(elements.size());
  // adAnalytics does not paginate: one page with everything.
  auto r = json_ok(json::object{
    {"elements", std::move(elements)},
    {"paging", json::object{{"start", 0}, {"count", 10}, {"links", json::array{}}}}});
  r.acct.items = n;
  return r;
}

} // namespace adbatch::sim::linkedin
