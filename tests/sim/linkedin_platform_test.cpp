// LinkedIn simulator contract tests, calling the platform directly (the
// loopback HTTP variants are in linkedin_loopback_test.cpp).

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include "sim/linkedin/linkedin_platform.hpp"

using namespace adbatch::sim;
namespace json = boost::json;
using linkedin::account_base;
using linkedin::campaign_base;
using linkedin::creative_base;

namespace {

linkedin_options test_li() {
  linkedin_options li;
  li.current_version = "202611";
  return li;
}

http_request get(std::string target, std::string version = "202611") {
  http_request r;
  r.method = "GET";
  r.target = std::move(target);
  r.headers["Authorization"] = "Bearer good-token";
  if (!version.empty()) r.headers["LinkedIn-Version"] = version;
  r.headers["X-Restli-Protocol-Version"] = "2.0.0";
  return r;
}

json::object body_of(const http_response& r) {
  return json::parse(r.body).as_object();
}

const time_point t0{};

} // namespace

TEST_CASE("linkedin BATCH_GET reports found and missing keys",
          "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto a = std::to_string(account_base);
  auto b = std::to_string(account_base + 1);
  auto req = get("/rest/adAccounts?ids=List(" + a + "," + b + ",999)");
  req.headers["X-RestLi-Method"] = "BATCH_GET";
  auto r = li->handle(req, t0);
  REQUIRE(r.status == 200);
  auto body = body_of(r);
  CHECK(body["results"].as_object().size() == 2);
  CHECK(body["results"].at(a).at("id").as_int64() == account_base);
  CHECK(body["results"].at(a).at("currency").as_string() == "USD");
  CHECK(body["statuses"].at(a).as_int64() == 200);
  CHECK(body["statuses"].at("999").as_int64() == 404);
  CHECK(body["errors"].at("999").at("status").as_int64() == 404);
  CHECK_FALSE(body["errors"].as_object().contains(a));
  CHECK(r.acct.endpoint == "adAccounts:batch_get");
  CHECK(r.acct.items == 3);
  CHECK(r.acct.quota_units == 1);
  CHECK_FALSE(r.acct.error);

  // The JS client sends the method in lower case.
  req.headers["X-RestLi-Method"] = "batch_get";
  CHECK(li->handle(req, t0).status == 200);
  req.headers["X-RestLi-Method"] = "FINDER";
  CHECK(li->handle(req, t0).status == 400);

  // The method header is optional for GET-based methods.
  req.headers.erase("X-RestLi-Method");
  CHECK(li->handle(req, t0).status == 200);
}

TEST_CASE("linkedin BATCH_GET URN keys: encoded, raw and re-encoded",
          "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto id = std::to_string(account_base + 2);
  std::string encoded_key = "urn%3Ali%3AsponsoredAccount%3A" + id;
  for (auto target : {
         "/rest/adAccounts?ids=List(" + encoded_key + ")",
         "/rest/adAccounts?ids=List(urn:li:sponsoredAccount:" + id + ")",
         "/rest/adAccounts?ids=List%28urn%253Ali%253AsponsoredAccount%253A" + id + "%29"}) {
    INFO(target);
    auto r = li->handle(get(target), t0);
    REQUIRE(r.status == 200);
    auto body = body_of(r);
    REQUIRE(body["results"].as_object().contains(encoded_key));
    CHECK(body["results"].at(encoded_key).at("id").as_int64() == account_base + 2);
  }
}

TEST_CASE("linkedin version and protocol headers are enforced",
          "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto target = "/rest/adAccounts/" + std::to_string(account_base);

  auto missing = li->handle(get(target, ""), t0);
  CHECK(missing.status == 400);
  CHECK(body_of(missing)["code"].as_string() == "VERSION_MISSING");
  CHECK(missing.acct.error);
  CHECK(missing.acct.quota_units == 0);

  auto sunset = li->handle(get(target, "202301"), t0);
  CHECK(sunset.status == 426);
  CHECK(body_of(sunset)["code"].as_string() == "NONEXISTENT_VERSION");
  CHECK(body_of(sunset)["message"].as_string() == "Requested version 20230101 is not active");

  CHECK(li->handle(get(target, "202701"), t0).status == 426);   // future
  CHECK(li->handle(get(target, "202512"), t0).status == 200);   // 12th month back
  CHECK(li->handle(get(target, "202511"), t0).status == 426);   // 13th: sunset
  CHECK(li->handle(get(target, "202611.01"), t0).status == 200);
  CHECK(li->handle(get(target, "2026-11"), t0).status == 400);

  // Header names in any case.
  auto lower_case = get(target, "");
  lower_case.headers["linkedin-version"] = "202610";
  CHECK(li->handle(lower_case, t0).status == 200);

  // Without the protocol header, Rest.li 2.0 syntax is rejected...
  auto batch = get("/rest/adAccounts?ids=List(" + std::to_string(account_base) + ")");
  batch.headers.erase("X-Restli-Protocol-Version");
  auto no_proto = li->handle(batch, t0);
  CHECK(no_proto.status == 400);
  CHECK(std::string{body_of(no_proto)["message"].as_string()}.find("2.0.0") != std::string::npos);
  // ...while a plain GET still works under protocol 1.0.
  auto plain = get(target);
  plain.headers.erase("X-Restli-Protocol-Version");
  CHECK(li->handle(plain, t0).status == 200);
}

TEST_CASE("linkedin rejects missing and invalid tokens", "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto req = get("/rest/adAccounts/" + std::to_string(account_base));
  req.headers.erase("Authorization");
  auto none = li->handle(req, t0);
  CHECK(none.status == 401);
  CHECK(body_of(none)["serviceErrorCode"].as_int64() == 65604);

  req.headers["authorization"] = "Bearer invalid-123";
  auto bad = li->handle(req, t0);
  CHECK(bad.status == 401);
  auto body = body_of(bad);
  CHECK(body["serviceErrorCode"].as_int64() == 65600);
  CHECK(body["code"].as_string() == "INVALID_ACCESS_TOKEN");
  CHECK(body["message"].as_string() == "Invalid access token");
}

TEST_CASE("linkedin query tunnelling answers like the GET", "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  std::string query = "ids=List(" + std::to_string(account_base) + "," + std::to_string(account_base + 3) + ")";
  auto direct = li->handle(get("/rest/adAccounts?" + query), t0);

  auto tunnelled = get("/rest/adAccounts");
  tunnelled.method = "POST";
  tunnelled.headers["X-HTTP-Method-Override"] = "GET";
  tunnelled.headers["Content-Type"] = "application/x-www-form-urlencoded";
  tunnelled.body = query;
  auto r = li->handle(tunnelled, t0);
  REQUIRE(r.status == 200);
  CHECK(r.body == direct.body);
  CHECK(r.acct.endpoint == "adAccounts:batch_get");

  tunnelled.headers["Content-Type"] = "application/json";
  CHECK(li->handle(tunnelled, t0).status == 400);
  auto plain_post = get("/rest/adAccounts?" + query);
  plain_post.method = "POST";
  CHECK(li->handle(plain_post, t0).status == 405);
}

TEST_CASE("linkedin campaigns: search finder, paging and BATCH_GET",
          "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto acct = std::to_string(account_base);
  auto base = "/rest/adAccounts/" + acct + "/adCampaigns";

  auto all = li->handle(get(base + "?q=search&start=0&count=4"), t0);
  REQUIRE(all.status == 200);
  auto body = body_of(all);
  CHECK(body["elements"].as_array().size() == 4);
  CHECK(body["paging"].at("total").as_int64() == 6);
  CHECK(body["paging"].at("links").as_array().size() == 1);
  CHECK(all.acct.endpoint == "adCampaigns:finder");
  CHECK(all.acct.items == 4);

  auto page2 = body_of(li->handle(get(base + "?q=search&start=4&count=4"), t0));
  CHECK(page2["elements"].as_array().size() == 2);
  CHECK(page2["paging"].at("links").as_array().empty());

  auto active = body_of(li->handle(
    get(base + "?q=search&search=(status:(values:List(ACTIVE)))"), t0));
  for (auto& e : active["elements"].as_array())
    CHECK(e.at("status").as_string() == "ACTIVE");
  CHECK(active["paging"].at("total").as_int64() <= 6);

  auto mine = std::to_string(campaign_base + 1);
  auto other = std::to_string(campaign_base + 100);  // another account's
  auto batch = body_of(li->handle(
    get(base + "?ids=List(" + mine + ",urn%3Ali%3AsponsoredCampaign%3A" + other + ")"), t0));
  CHECK(batch["results"].at(mine).at("account").as_string() == "urn:li:sponsoredAccount:" + acct);
  CHECK(batch["errors"].at("urn%3Ali%3AsponsoredCampaign%3A" + other).at("status").as_int64() == 404);

  CHECK(li->handle(get("/rest/adAccounts/1/adCampaigns?q=search"), t0).status == 404);
  CHECK(li->handle(get(base), t0).status == 400);
}

TEST_CASE("linkedin creatives by URN key and criteria finder", "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto base = "/rest/adAccounts/" + std::to_string(account_base) + "/creatives";
  auto cr = "urn%3Ali%3AsponsoredCreative%3A" + std::to_string(creative_base);
  auto single = li->handle(get(base + "/" + cr), t0);
  REQUIRE(single.status == 200);
  CHECK(body_of(single)["id"].as_string() == "urn:li:sponsoredCreative:" + std::to_string(creative_base));

  auto batch = body_of(li->handle(get(base + "?ids=List(" + cr + ")"), t0));
  CHECK(batch["results"].as_object().contains(cr));

  auto campaign = "urn%3Ali%3AsponsoredCampaign%3A" + std::to_string(campaign_base);
  auto crit = body_of(li->handle(get(base + "?q=criteria&campaigns=List(" + campaign + ")"), t0));
  CHECK(crit["elements"].as_array().size() == 2);
}

TEST_CASE("linkedin lead form responses by owner", "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto owner = "(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A" + std::to_string(account_base) + ")";
  auto r = li->handle(get("/rest/leadFormResponses?q=owner&owner=" + owner
                          + "&leadType=(leadType:SPONSORED)&count=10"), t0);
  REQUIRE(r.status == 200);
  auto body = body_of(r);
  auto& els = body["elements"].as_array();
  REQUIRE(els.size() == 10);
  CHECK(body["paging"].at("total").as_int64() == 30);
  CHECK(r.acct.endpoint == "leadFormResponses:finder");
  auto id = std::string{els[0].at("id").as_string()};
  CHECK(els[0].at("owner").at("sponsoredAccount").as_string()
        == "urn:li:sponsoredAccount:" + std::to_string(account_base));

  auto one = li->handle(get("/rest/leadFormResponses/" + id), t0);
  REQUIRE(one.status == 200);
  CHECK(body_of(one)["id"].as_string() == id);
  CHECK(li->handle(get("/rest/leadFormResponses/00000000-0000-4000-a000-000000000000"), t0).status == 404);

  CHECK(li->handle(get("/rest/leadFormResponses?q=owner&leadType=(leadType:SPONSORED)"), t0).status == 400);
}

TEST_CASE("linkedin adAnalytics over several accounts", "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto acct_urn = [](int i) {
    return "urn%3Ali%3AsponsoredAccount%3A" + std::to_string(account_base + i);
  };
  std::string common = "&dateRange=(start:(year:2024,month:1,day:1),end:(year:2024,month:1,day:3))"
                       "&timeGranularity=DAILY&accounts=List(" + acct_urn(0) + "," + acct_urn(1) + ")"
                       "&fields=impressions,clicks,costInLocalCurrency";
  auto by_campaign = li->handle(get("/rest/adAnalytics?q=analytics&pivot=CAMPAIGN" + common), t0);
  REQUIRE(by_campaign.status == 200);
  auto body = body_of(by_campaign);
  auto& els = body["elements"].as_array();
  CHECK(els.size() == 2 * 6 * 3);  // accounts x campaigns x days
  CHECK(by_campaign.acct.endpoint == "adAnalytics:analytics");
  CHECK(by_campaign.acct.items == 36);
  std::int64_t campaign_total = 0;
  for (auto& e : els) {
    CHECK(e.at("pivotValues").as_array().size() == 1);
    CHECK(e.at("pivotValues").at(0).as_string().starts_with("urn:li:sponsoredCampaign:"));
    CHECK(e.as_object().contains("dateRange"));
    CHECK(e.as_object().contains("costInLocalCurrency"));
    CHECK_FALSE(e.as_object().contains("likes"));
    campaign_total += e.at("impressions").as_int64();
  }

  auto by_account = body_of(li->handle(
    get("/rest/adAnalytics?q=analytics&pivot=ACCOUNT" + common), t0));
  CHECK(by_account["elements"].as_array().size() == 2 * 3);
  std::int64_t account_total = 0;
  for (auto& e : by_account["elements"].as_array()) account_total += e.at("impressions").as_int64();
  CHECK(account_total == campaign_total);

  auto stats = li->handle(
    get("/rest/adAnalytics?q=statistics&pivots=List(ACCOUNT,CAMPAIGN)" + common), t0);
  REQUIRE(stats.status == 200);
  auto stats_body = body_of(stats);
  auto& first = stats_body["elements"].as_array().at(0);
  CHECK(first.at("pivotValues").as_array().size() == 2);

  auto all = body_of(li->handle(
    get("/rest/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=ALL"
        "&dateRange=(start:(year:2024,month:1,day:1),end:(year:2024,month:1,day:3))"
        "&accounts=List(" + acct_urn(0) + "," + acct_urn(1) + ")&fields=impressions"), t0));
  CHECK(all["elements"].as_array().size() == 12);

  CHECK(li->handle(get("/rest/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY"
                       "&accounts=List(" + acct_urn(0) + ")"), t0).status == 400);  // no dateRange
  CHECK(li->handle(get("/rest/adAnalytics?q=analytics&pivot=NOPE" + common), t0).status == 400);
}

TEST_CASE("linkedin answers 429 once the daily budgets are spent",
          "[linkedin][contract]") {
  platform_options opts;
  opts.limit_scale = 0.0001;  // app 10/day, member 2/day
  opts.time_scale = 86400;    // a simulated day lasts one real second
  auto li = make_linkedin(opts, test_li());
  auto target = "/rest/adAccounts/" + std::to_string(account_base);
  CHECK(li->handle(get(target), t0).status == 200);
  CHECK(li->handle(get(target), t0).status == 200);
  auto member = li->handle(get(target), t0);
  CHECK(member.status == 429);
  CHECK(member.acct.throttled);
  CHECK(member.acct.error);
  CHECK(member.acct.quota_units == 0);
  CHECK(std::string{body_of(member)["message"].as_string()}.find("MEMBER DAY") != std::string::npos);
  // Quotas are per resource: the same member can still list campaigns.
  CHECK(li->handle(get(target + "/adCampaigns?q=search"), t0).status == 200);

  // Other members spend the application budget until it is gone.
  int ok = 0;
  for (int i = 0; i < 20; ++i) {
    auto req = get(target);
    req.headers["Authorization"] = "Bearer member-" + std::to_string(i);
    auto r = li->handle(req, t0);
    if (r.status == 200) ++ok;
    else CHECK(std::string{body_of(r)["message"].as_string()}.find("APPLICATION DAY") != std::string::npos);
  }
  CHECK(ok == 8);

  // The day passes (scaled): budget is back.
  CHECK(li->handle(get(target), t0 + std::chrono::milliseconds{1100}).status == 200);
  // reset_limits also restores it.
  li->reset_limits();
  CHECK(li->handle(get(target), t0).status == 200);
}

TEST_CASE("linkedin fault profile: errors, throttles and partial batches",
          "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto target = "/rest/adAccounts?ids=List(" + std::to_string(account_base) + ","
                + std::to_string(account_base + 1) + ")";
  fault_profile f;
  f.error_rate = 1.0;
  li->set_faults(f);
  auto err = li->handle(get(target), t0);
  CHECK((err.status == 500 || err.status == 503));
  CHECK(err.acct.error);

  f = {};
  f.throttle_storm = true;
  li->set_faults(f);
  auto thr = li->handle(get(target), t0);
  CHECK(thr.status == 429);
  CHECK(thr.acct.throttled);

  f = {};
  f.partial_batch_rate = 1.0;
  li->set_faults(f);
  auto partial = li->handle(get(target), t0);
  REQUIRE(partial.status == 200);
  auto body = body_of(partial);
  CHECK(body["results"].as_object().empty());
  CHECK(body["errors"].as_object().size() == 2);

  li->set_faults({});
  CHECK(li->handle(get(target), t0).status == 200);
}

TEST_CASE("linkedin catalog is deterministic per seed", "[linkedin][contract]") {
  platform_options a;
  a.seed = 7;
  auto l1 = make_linkedin(a, test_li());
  auto l2 = make_linkedin(a, test_li());
  auto target = "/rest/adAccounts/" + std::to_string(account_base) + "/adCampaigns?q=search&count=6";
  CHECK(l1->handle(get(target), t0).body == l2->handle(get(target), t0).body);
}

TEST_CASE("linkedin answers garbage with Rest.li errors, never crashes",
          "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto acct = std::to_string(account_base);
  for (std::string target : std::vector<std::string>{
         "/rest/adAccounts?ids=List(", "/rest/adAccounts?ids=List(1,(a:b))", "/rest/adAccounts?ids=%",
         "/rest/adAccounts/%FF", "/rest/adAccounts?q=nope",
         "/rest/adAccounts?q=search&start=-1", "/rest/adAccounts?q=search&count=99999999999999999999",
         "/rest/adAccounts?q=search&search=List(1)", "/rest/adAccounts/" + acct + "/nothing",
         "/rest/adAccounts/x/adCampaigns?q=search", "/rest/", "/rest/unknown", "/v2/adAccounts",
         "/rest/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY&accounts=List(1)"
         "&dateRange=(start:(year:1900,month:1,day:1),end:(year:2100,month:1,day:1))",
         "/rest/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY&accounts=List(1)"
         "&dateRange=(start:(year:99999,month:13,day:1))",
         "/rest/adAnalytics?q=statistics&pivots=List(A,B,C,D)",
         "/rest/leadFormResponses?q=owner&owner=(sponsoredAccount:x)&leadType=(leadType:SPONSORED)"}) {
    INFO(target);
    auto r = li->handle(get(target), t0);
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
    json::value v;
    CHECK_NOTHROW(v = json::parse(r.body));
    CHECK(v.as_object().contains("message"));
    CHECK(r.acct.error);
  }
  // A key that is not UTF-8 is just a missing key; the answer stays JSON.
  auto odd = li->handle(get("/rest/adAccounts?ids=List(%FF%FE)"), t0);
  CHECK(odd.status == 200);
  CHECK(json::parse(odd.body).at("errors").as_object().contains("%FF%FE"));
}

// -- ownership, lead forms, DMP segments, conversions, targeting facets -----

namespace {

http_request as(std::string token, std::string target) {
  auto r = get(std::move(target));
  r.headers["Authorization"] = "Bearer " + token;
  return r;
}

std::string acct_urn(std::int64_t id) {
  return "urn%3Ali%3AsponsoredAccount%3A" + std::to_string(id);
}

} // namespace

TEST_CASE("linkedin scoped tokens access only their accounts",
          "[linkedin][contract][ownership]") {
  auto li = make_linkedin({}, test_li());
  CHECK(linkedin::owns_account(test_li(), "org-0-linkedin", account_base));
  CHECK(linkedin::owns_account(test_li(), "org-7", account_base + 2));
  CHECK_FALSE(linkedin::owns_account(test_li(), "org-0-linkedin", account_base + 1));
  CHECK(linkedin::owns_account(test_li(), "good-token", account_base + 1));

  auto mine = std::to_string(account_base);
  auto other = std::to_string(account_base + 1);
  // BATCH_GET: the other account is a per-key 403.
  auto r = li->handle(as("org-0-linkedin", "/rest/adAccounts?ids=List(" + mine + "," + other + ")"), t0);
  REQUIRE(r.status == 200);
  auto body = body_of(r);
  CHECK(body["results"].as_object().contains(mine));
  CHECK(body["statuses"].at(other).as_int64() == 403);
  CHECK(body["errors"].at(other).at("code").as_string() == "ACCESS_DENIED");
  // GET and sub-collections of the other account: 403, nothing spent.
  auto g = li->handle(as("org-0-linkedin", "/rest/adAccounts/" + other), t0);
  CHECK(g.status == 403);
  auto c = li->handle(as("org-0-linkedin", "/rest/adAccounts/" + other + "/adCampaigns?q=search"), t0);
  CHECK(c.status == 403);
  CHECK(body_of(c)["code"].as_string() == "ACCESS_DENIED");
  CHECK(c.acct.quota_units == 0);
  // A lead of the other account.
  auto lead_id = linkedin::catalog(42, {}).lead_id(account_base + 1, 0);
  CHECK(li->handle(as("org-0-linkedin", "/rest/leadFormResponses/" + lead_id), t0).status == 403);
  CHECK(li->handle(as("org-1-linkedin", "/rest/leadFormResponses/" + lead_id), t0).status == 200);
  // The search finder lists the member's accounts only.
  auto s = li->handle(as("org-0-linkedin", "/rest/adAccounts?q=search&count=100"), t0);
  CHECK(body_of(s)["elements"].as_array().size() == 4);
  // Leads and analytics of the other account.
  auto l = li->handle(as("org-0-linkedin", "/rest/leadFormResponses?q=owner&owner=(sponsoredAccount:"
                                              + acct_urn(account_base + 1) + ")&leadType=(leadType:SPONSORED)"), t0);
  CHECK(l.status == 403);
  std::string range = "&timeGranularity=ALL&dateRange=(start:(year:2026,month:1,day:1),end:(year:2026,month:1,day:2))";
  auto a = li->handle(as("org-0-linkedin", "/rest/adAnalytics?q=analytics&pivot=CAMPAIGN" + range
                                              + "&accounts=List(" + acct_urn(account_base) + ","
                                              + acct_urn(account_base + 1) + ")"), t0);
  CHECK(a.status == 403);
  CHECK(a.acct.quota_units == 0);  // error answers spend nothing
  auto a2 = li->handle(as("org-0-linkedin", "/rest/adAnalytics?q=analytics&pivot=CAMPAIGN" + range
                                               + "&campaigns=List(urn%3Ali%3AsponsoredCampaign%3A"
                                               + std::to_string(campaign_base + 6) + ")"), t0);
  CHECK(a2.status == 403);
  auto a3 = li->handle(as("org-0-linkedin", "/rest/adAnalytics?q=analytics&pivot=CAMPAIGN" + range
                                               + "&accounts=List(" + acct_urn(account_base) + ")"), t0);
  CHECK(a3.status == 200);
}

TEST_CASE("linkedin DMP segments, conversions and lead forms per account",
          "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto urn = acct_urn(account_base + 3);
  auto seg = li->handle(get("/rest/dmpSegments?q=account&account=" + urn), t0);
  REQUIRE(seg.status == 200);
  auto segs = body_of(seg)["elements"].as_array();
  REQUIRE(segs.size() == 3);
  CHECK(segs[0].at("id").as_int64() == linkedin::dmp_segment_base + 9);
  CHECK(segs[0].at("account").as_string() == "urn:li:sponsoredAccount:" + std::to_string(account_base + 3));
  CHECK(seg.acct.endpoint == "dmpSegments:finder");
  CHECK(seg.acct.quota_units == 1);

  auto conv = li->handle(get("/rest/conversions?q=account&account=" + urn), t0);
  REQUIRE(conv.status == 200);
  auto convs = body_of(conv)["elements"].as_array();
  REQUIRE(convs.size() == 2);
  CHECK(convs[1].at("type").as_string() == "PURCHASE");
  CHECK(body_of(conv)["paging"].at("total").as_int64() == 2);

  auto forms = li->handle(get("/rest/leadForms?q=owner&owner=(sponsoredAccount:" + urn + ")"), t0);
  REQUIRE(forms.status == 200);
  auto fs = body_of(forms)["elements"].as_array();
  REQUIRE(fs.size() == 2);
  CHECK(fs[0].at("id").as_int64() == linkedin::lead_form_base + 6);
  CHECK(fs[0].at("owner").at("sponsoredAccount").as_string() == "urn:li:sponsoredAccount:" + std::to_string(account_base + 3));
  // The leads of the account name these forms.
  auto leads = li->handle(get("/rest/leadFormResponses?q=owner&owner=(sponsoredAccount:" + urn
                              + ")&leadType=(leadType:SPONSORED)&count=100"), t0);
  auto first = body_of(leads)["elements"].as_array().at(0);
  CHECK(std::string{first.at("versionedLeadGenFormUrn").as_string()}.find(
            "urn:li:leadGenForm:" + std::to_string(linkedin::lead_form_base + 6)) != std::string::npos);

  // GET by id and by URN; paging; bad finder values.
  auto one = li->handle(get("/rest/leadForms/urn%3Ali%3AleadGenForm%3A" + std::to_string(linkedin::lead_form_base + 7)), t0);
  CHECK(one.status == 200);
  CHECK(body_of(one)["state"].as_string() == "DRAFT");
  auto page = li->handle(get("/rest/dmpSegments?q=account&account=" + urn + "&start=1&count=1"), t0);
  CHECK(body_of(page)["elements"].as_array().size() == 1);
  CHECK(body_of(page)["paging"].at("links").as_array().size() == 1);
  CHECK(li->handle(get("/rest/dmpSegments?q=account&account=123x"), t0).status == 400);
  CHECK(li->handle(get("/rest/conversions?q=owner&owner=" + urn), t0).status == 400);
  CHECK(li->handle(get("/rest/conversions"), t0).status == 400);
  CHECK(li->handle(get("/rest/dmpSegments?q=account&account=" + acct_urn(account_base + 999)), t0).status == 404);
}

TEST_CASE("linkedin adTargetingFacets is a GET_ALL", "[linkedin][contract]") {
  auto li = make_linkedin({}, test_li());
  auto r = li->handle(get("/rest/adTargetingFacets"), t0);
  REQUIRE(r.status == 200);
  auto el = body_of(r)["elements"].as_array();
  CHECK(el.size() == 12);
  CHECK(el[0].at("facetName").as_string() == "locations");
  CHECK(el[0].at("adTargetingFacetUrn").as_string() == "urn:li:adTargetingFacet:locations");
  CHECK(r.acct.endpoint == "adTargetingFacets:get_all");
  CHECK(li->handle(get("/rest/adTargetingFacets?q=search"), t0).status == 400);
}

TEST_CASE("linkedin analytics totals are the sums of the daily values",
          "[linkedin][contract][analytics]") {
  auto li = make_linkedin({}, test_li());
  std::string q = "/rest/adAnalytics?q=analytics&pivot=ACCOUNT&accounts=List(" + acct_urn(account_base)
                  + ")&dateRange=(start:(year:2026,month:1,day:1),end:(year:2026,month:1,day:31))"
                  + "&fields=leadGenerationMailContactInfoShares,costInUsd,totalEngagements";
  auto daily = body_of(li->handle(get(q + "&timeGranularity=DAILY"), t0))["elements"].as_array();
  auto all = body_of(li->handle(get(q + "&timeGranularity=ALL"), t0))["elements"].as_array();
  REQUIRE(daily.size() == 31);
  REQUIRE(all.size() == 1);
  std::int64_t shares = 0, engagements = 0;
  for (auto& e : daily) {
    shares += e.at("leadGenerationMailContactInfoShares").as_int64();
    engagements += e.at("totalEngagements").as_int64();
  }
  CHECK(all[0].at("leadGenerationMailContactInfoShares").as_int64() == shares);
  CHECK(all[0].at("totalEngagements").as_int64() == engagements);
}
