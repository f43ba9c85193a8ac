// Contract tests of the Meta Graph simulator, calling handle() directly
// (suite 'unit'). The loopback HTTP versions are in meta_net_test.cpp.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "sim/meta/batch_refs.hpp"
#include "sim/meta/field_spec.hpp"
#include "sim/meta/meta_model.hpp"
#include "sim/meta/meta_platform.hpp"
#include "sim/meta/sim_util.hpp"

using namespace adbatch::sim;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const time_point t0{};

http_request get(std::string target) {
  http_request r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

http_request post_form(std::string target, const detail::param_list& form) {
  http_request r;
  r.method = "POST";
  r.target = std::move(target);
  r.headers["Content-Type"] = "application/x-www-form-urlencoded";
  r.body = detail::encode_params(form);
  return r;
}

json::value parse(const http_response& r) { return json::parse(r.body); }

std::string header(const http_response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (header_less{}(k, name) == false && header_less{}(name, k) == false)
      return v;
  return {};
}

platform_options opts(std::uint64_t seed = 42) {
  platform_options o;
  o.seed = seed;
  o.public_base_url = "http://127.0.0.1:18101";
  return o;
}

std::int64_t error_code(const http_response& r) {
  return parse(r).at("error").at("code").as_int64();
}

json::array batch_ops(int n, const std::string& url) {
  json::array a;
  for (int i = 0; i < n; ++i)
    a.push_back(json::object{{"method", "GET"}, {"relative_url", url}});
  return a;
}

} // namespace

TEST_CASE("meta fields parser handles expansion and modifiers", "[unit][meta]") {
  std::string err;
  auto f = meta::parse_fields("id,name,campaigns.limit(2).after(QQ==){name,adsets{name}},insights.time_range({'since':'2026-01-01','until':'2026-01-02'}){spend}", err);
  REQUIRE(f);
  REQUIRE(f->size() == 4);
  CHECK((*f)[2].name == "campaigns");
  CHECK((*f)[2].modifiers.at("limit") == "2");
  CHECK((*f)[2].modifiers.at("after") == "QQ==");
  REQUIRE((*f)[2].children);
  CHECK((*(*f)[2].children)[1].name == "adsets");
  CHECK((*f)[3].modifiers.at("time_range") == "{'since':'2026-01-01','until':'2026-01-02'}");
  CHECK_FALSE(meta::parse_fields("campaigns{name", err));
  CHECK_FALSE(meta::parse_fields("a}", err));
  CHECK(meta::render_fields(*meta::parse_fields("a,b.limit(2){c}", err)) == "a,b.limit(2){c}");
}

TEST_CASE("meta batch references: JSONPath subset and substitution", "[unit][meta]") {
  auto v = json::parse(R"({"id":"9","data":[{"id":"1"},{"id":"2","n":3}]})");
  CHECK(meta::eval_jsonpath(v, "$.id") == std::vector<std::string>{"9"});
  CHECK(meta::eval_jsonpath(v, "$.data.*.id") == std::vector<std::string>{"1", "2"});
  CHECK(meta::eval_jsonpath(v, "$.data[*].id") == std::vector<std::string>{"1", "2"});
  CHECK(meta::eval_jsonpath(v, "$.data.1.n") == std::vector<std::string>{"3"});
  CHECK(meta::eval_jsonpath(v, "$.data[0].id") == std::vector<std::string>{"1"});
  CHECK(meta::eval_jsonpath(v, "$.nope").empty());
  CHECK(meta::referenced_names("?ids={result=a:$.id},{result=b:$.data.*.id}") == std::set<std::string>{"a", "b"});
  std::string err;
  meta::result_lookup lookup = [&](const std::string& n) -> const json::value* { return n == "a" ? &v : nullptr; };
  CHECK(meta::substitute_results("x?ids={result=a:$.data.*.id}&f=1", lookup, err) == "x?ids=1,2&f=1");
  CHECK_FALSE(meta::substitute_results("{result=b:$.id}", lookup, err));
  CHECK(err.find("(b)") != std::string::npos);
  CHECK_FALSE(meta::substitute_results("{result=a:$.nope}", lookup, err));
  CHECK_FALSE(meta::substitute_results("{result=a", lookup, err));
}

TEST_CASE("meta helpers: params, cursors, dates", "[unit][meta]") {
  auto p = detail::parse_params("a=1+2&b=%7Bx%7D&fields=campaigns{name}&c");
  REQUIRE(p.size() == 4);
  CHECK(p[0].second == "1 2");
  CHECK(p[1].second == "{x}");
  CHECK(p[2].second == "campaigns{name}");
  CHECK(detail::decode_cursor(detail::encode_cursor(17)) == 17);
  CHECK_FALSE(detail::decode_cursor("garbage"));
  CHECK(detail::civil_from_days(20468) == "2026-01-15");
  CHECK(detail::parse_date("2026-01-15") == 20468);
  CHECK_FALSE(detail::parse_date("2026-02-30"));
}

TEST_CASE("meta node reads are deterministic per seed", "[unit][meta]") {
  auto a = make_meta(opts(7));
  auto b = make_meta(opts(7));
  auto c = make_meta(opts(8));
  auto target = "/v21.0/act_10000000000003?fields=name,account_status,currency,amount_spent&access_token=t";
  auto ra = a->handle(get(target), t0);
  auto rb = b->handle(get(target), t0);
  auto rc = c->handle(get(target), t0);
  REQUIRE(ra.status == 200);
  CHECK(ra.body == rb.body);
  CHECK(ra.body != rc.body);
  auto o = parse(ra).as_object();
  CHECK(o.at("id").as_string() == "act_10000000000003");
  CHECK(o.contains("name"));
  CHECK(ra.acct.endpoint == "node");
  CHECK(ra.acct.quota_units == 1);
  CHECK_FALSE(header(ra, "X-App-Usage").empty());
  auto buc = json::parse(header(ra, "X-Business-Use-Case-Usage")).as_object();
  REQUIRE(buc.contains("10000000000003"));
  CHECK(buc.at("10000000000003").as_array()[0].at("type").as_string() == "ads_management");
}

TEST_CASE("meta model names leads the simulator serves", "[unit][meta]") {
  meta::model world{42, {}};
  auto m = make_meta(opts(42));
  for (std::uint64_t i : {0ULL, 1ULL, 57ULL, 1000ULL, 123456ULL}) {
    auto lead = world.lead_at(i);
    REQUIRE(lead.k == meta::kind::lead);
    auto id = world.id_of(lead);
    CHECK(world.resolve(id) == lead);
    auto r = m->handle(get("/v21.0/" + id + "?fields=form_id&access_token=t"), t0);
    REQUIRE(r.status == 200);
    CHECK(parse(r).at("form_id").as_string() == world.id_of({meta::kind::lead_form, lead.a, lead.c}));
  }
  CHECK(world.lead_at(0) != world.lead_at(1));
}

TEST_CASE("meta unknown objects and fields get Graph errors", "[unit][meta]") {
  auto m = make_meta(opts());
  auto r = m->handle(get("/v21.0/act_99999999999999?access_token=t"), t0);
  CHECK(r.status == 400);
  CHECK(error_code(r) == 100);
  CHECK(parse(r).at("error").at("error_subcode").as_int64() == 33);
  CHECK(parse(r).at("error").at("type").as_string() == "GraphMethodException");
  r = m->handle(get("/v21.0/act_10000000000001?fields=bogus&access_token=t"), t0);
  CHECK(r.status == 400);
  CHECK(error_code(r) == 100);
  r = m->handle(get("/v21.0/act_10000000000001"), t0);
  CHECK(r.status == 400);
  CHECK(error_code(r) == 104);
  CHECK(r.acct.error);
  // Token in the Authorization header works.
  auto req = get("/v21.0/act_10000000000001");
  req.headers["Authorization"] = "OAuth abc";
  CHECK(m->handle(req, t0).status == 200);
  req.headers["Authorization"] = "Bearer abc";
  CHECK(m->handle(req, t0).status == 200);
}

TEST_CASE("meta edges page with cursors and absolute next links", "[unit][meta]") {
  auto m = make_meta(opts());
  auto first = parse(m->handle(get("/v21.0/act_10000000000001/adsets/?fields=name,campaign_id&limit=2&summary=true&access_token=t"), t0)).as_object();
  CHECK(first.at("summary").at("total_count").as_int64() >= 2);
  auto& data = first.at("data").as_array();
  REQUIRE(data.size() == 2);
  auto next = std::string(first.at("paging").at("next").as_string());
  CHECK(next.rfind("http://127.0.0.1:18101/v21.0/act_10000000000001/adsets?", 0) == 0);
  auto after = std::string(first.at("paging").at("cursors").at("after").as_string());
  auto second = parse(m->handle(get("/v21.0/act_10000000000001/adsets?fields=name&limit=2&after=" + after + "&access_token=t"), t0)).as_object();
  REQUIRE(!second.at("data").as_array().empty());
  CHECK(second.at("data").as_array()[0].at("id") != data[1].at("id"));
  CHECK(second.at("paging").as_object().contains("previous"));
  // Following next verbatim gives the same page.
  auto path = next.substr(std::string("http://127.0.0.1:18101").size());
  auto via_next = parse(m->handle(get(path), t0)).as_object();
  CHECK(via_next.at("data").as_array()[0].at("id") == second.at("data").as_array()[0].at("id"));
}

TEST_CASE("meta edges filter by effective_status", "[unit][meta]") {
  auto m = make_meta(opts());
  auto all = parse(m->handle(get("/v21.0/act_10000000000001/ads?fields=effective_status&limit=500&access_token=t"), t0)).at("data").as_array();
  auto active = parse(m->handle(get("/v21.0/act_10000000000001/ads?fields=effective_status&limit=500&effective_status=%5B%22ACTIVE%22%5D&access_token=t"), t0)).at("data").as_array();
  CHECK(active.size() <= all.size());
  for (const auto& a : active) CHECK(a.at("effective_status").as_string() == "ACTIVE");
}

TEST_CASE("meta edges honour filtering", "[unit][meta]") {
  auto m = make_meta(opts());
  auto filt = [&](const std::string& f) {
    return m->handle(get("/v21.0/act_10000000000001/campaigns?fields=status,name&limit=500&filtering="
                         + detail::encode_params({{"x", f}}).substr(2) + "&access_token=t"), t0);
  };
  auto active = filt(R"([{"field":"effective_status","operator":"IN","value":["ACTIVE"]}])");
  REQUIRE(active.status == 200);
  auto rows = parse(active).at("data").as_array();
  for (const auto& r : rows) CHECK(r.at("status").as_string() == "ACTIVE");
  auto none = filt(R"([{"field":"name","operator":"CONTAIN","value":"no such name"}])");
  CHECK(parse(none).at("data").as_array().empty());
  CHECK(filt(R"([{"field":"bogus","operator":"EQUAL","value":1}])").status == 400);
  CHECK(filt(R"([{"field":"name","operator":"SOUNDS_LIKE","value":1}])").status == 400);
  // Leads since a time (unix seconds), as lead syncs ask.
  auto page = meta::model{42, {}}.lead_at(0);
  auto form = meta::model{42, {}}.id_of({meta::kind::lead_form, page.a, page.c});
  auto all = parse(m->handle(get("/v21.0/" + form + "/leads?limit=500&access_token=t"), t0)).at("data").as_array();
  auto recent = parse(m->handle(get("/v21.0/" + form + "/leads?limit=500&filtering=" +
    detail::encode_params({{"x", R"([{"field":"time_created","operator":"GREATER_THAN","value":1767225600}])"}}).substr(2)
    + "&access_token=t"), t0)).at("data").as_array();  // 2026-01-01
  CHECK(recent.size() < all.size());
  CHECK(!recent.empty());
}

TEST_CASE("meta field expansion nests edges", "[unit][meta]") {
  auto m = make_meta(opts());
  auto r = m->handle(get("/v21.0/act_10000000000002?fields=name,campaigns.limit(2){name,adsets{name}}&access_token=t"), t0);
  REQUIRE(r.status == 200);
  auto o = parse(r).as_object();
  auto& camps = o.at("campaigns").at("data").as_array();
  REQUIRE(!camps.empty());
  CHECK(camps.size() <= 2);
  auto& adsets = camps[0].at("adsets").at("data").as_array();
  REQUIRE(!adsets.empty());
  CHECK(adsets[0].as_object().contains("name"));
  // /me/adaccounts and /me/accounts
  auto me = parse(m->handle(get("/v21.0/me/adaccounts?fields=name&access_token=t"), t0)).as_object();
  CHECK(me.at("data").as_array().size() == 20);
  auto pages = parse(m->handle(get("/v21.0/me/accounts?access_token=t"), t0)).as_object();
  REQUIRE(!pages.at("data").as_array().empty());
  auto page_id = std::string(pages.at("data").as_array()[0].at("id").as_string());
  auto forms = parse(m->handle(get("/v21.0/" + page_id + "/leadgen_forms?access_token=t"), t0)).as_object();
  auto form_id = std::string(forms.at("data").as_array()[0].at("id").as_string());
  auto leads = parse(m->handle(get("/v21.0/" + form_id + "/leads?fields=field_data,created_time&limit=3&access_token=t"), t0)).as_object();
  REQUIRE(leads.at("data").as_array().size() == 3);
  auto lead_id = std::string(leads.at("data").as_array()[0].at("id").as_string());
  auto lead = m->handle(get("/v21.0/" + lead_id + "?fields=form_id&access_token=t"), t0);
  REQUIRE(lead.status == 200);
  CHECK(parse(lead).at("form_id").as_string() == form_id);
}

TEST_CASE("meta insights honour level, date range and increment", "[unit][meta]") {
  auto m = make_meta(opts());
  auto r = m->handle(get("/v21.0/act_10000000000001/insights?level=campaign&fields=campaign_id,impressions,spend&time_range={\"since\":\"2026-01-01\",\"until\":\"2026-01-03\"}&time_increment=1&limit=500&access_token=t"), t0);
  REQUIRE(r.status == 200);
  CHECK(r.acct.endpoint == "insights");
  auto rows = parse(r).at("data").as_array();
  REQUIRE(!rows.empty());
  CHECK(rows.size() % 3 == 0);
  CHECK(rows[0].at("date_start").as_string() == "2026-01-01");
  CHECK(rows[0].at("impressions").is_string());
  CHECK(r.acct.items == static_cast<std::int64_t>(rows.size()));
  auto buc = json::parse(header(r, "X-Business-Use-Case-Usage")).as_object();
  CHECK(buc.at("10000000000001").as_array()[0].at("type").as_string() == "ads_insights");
  // breakdowns split the numbers; the parts add up to about the total.
  auto whole = parse(m->handle(get("/v21.0/12100000100100000/insights?fields=impressions&date_preset=last_7d&access_token=t"), t0)).at("data").as_array();
  auto parts = parse(m->handle(get("/v21.0/12100000100100000/insights?fields=impressions,actions&date_preset=last_7d&breakdowns=age,gender&limit=100&access_token=t"), t0)).at("data").as_array();
  REQUIRE(whole.size() == 1);
  REQUIRE(parts.size() == 18);
  std::int64_t sum = 0;
  for (const auto& p : parts) {
    CHECK(p.as_object().contains("age"));
    CHECK(p.as_object().contains("gender"));
    CHECK(p.at("actions").is_array());
    sum += std::stoll(std::string(p.at("impressions").as_string()));
  }
  auto total = std::stoll(std::string(whole[0].at("impressions").as_string()));
  CHECK(sum <= total);
  CHECK(sum >= total - 18);
  CHECK(m->handle(get("/v21.0/act_10000000000001/insights?breakdowns=zodiac&access_token=t"), t0).status == 400);
  auto bad = m->handle(get("/v21.0/act_10000000000001/insights?date_preset=last_century&access_token=t"), t0);
  CHECK(bad.status == 400);
}

TEST_CASE("meta ids= reads key results by id and enforce the limit", "[unit][meta]") {
  auto m = make_meta(opts());
  auto r = m->handle(get("/v21.0/?ids=act_10000000000001,act_10000000000002&fields=name&access_token=t"), t0);
  REQUIRE(r.status == 200);
  auto o = parse(r).as_object();
  CHECK(o.size() == 2);
  CHECK(o.at("act_10000000000002").at("id").as_string() == "act_10000000000002");
  CHECK(r.acct.endpoint == "ids");
  CHECK(r.acct.quota_units == 2);
  CHECK(r.acct.items == 2);
  // Edge with ids.
  auto e = parse(m->handle(get("/v21.0/campaigns?ids=act_10000000000001,act_10000000000002&fields=name&access_token=t"), t0)).as_object();
  CHECK(e.at("act_10000000000001").as_object().contains("data"));
  // Unknown id fails the whole request with #803.
  auto bad = m->handle(get("/v21.0/?ids=act_10000000000001,nope&access_token=t"), t0);
  CHECK(bad.status == 404);
  CHECK(error_code(bad) == 803);
  // 51 ids -> (#100) Too many IDs.
  std::string ids;
  for (int i = 0; i < 51; ++i) ids += (i ? "," : "") + std::string("act_10000000000001");
  auto many = m->handle(get("/v21.0/?ids=" + ids + "&access_token=t"), t0);
  CHECK(many.status == 400);
  CHECK(error_code(many) == 100);
  CHECK(std::string(parse(many).at("error").at("message").as_string()).find("Maximum: 50") != std::string::npos);
}

TEST_CASE("meta batch answers each op in order", "[unit][meta]") {
  auto m = make_meta(opts());
  json::array ops{
    json::object{{"method", "GET"}, {"relative_url", "act_10000000000001?fields=name"}},
    json::object{{"method", "GET"}, {"relative_url", "v21.0/act_99999999999999"}},
    json::object{{"method", "GET"}, {"relative_url", "?ids=act_10000000000002,act_10000000000003&fields=name"}},
  };
  auto r = m->handle(post_form("/v21.0/", {{"access_token", "t"}, {"batch", json::serialize(ops)}}), t0);
  REQUIRE(r.status == 200);
  auto arr = parse(r).as_array();
  REQUIRE(arr.size() == 3);
  CHECK(arr[0].at("code").as_int64() == 200);
  CHECK(json::parse(arr[0].at("body").as_string()).at("id").as_string() == "act_10000000000001");
  CHECK(arr[0].as_object().contains("headers"));
  CHECK(arr[1].at("code").as_int64() == 400);
  CHECK(json::parse(arr[1].at("body").as_string()).at("error").at("code").as_int64() == 100);
  CHECK(json::parse(arr[2].at("body").as_string()).as_object().size() == 2);
  CHECK(r.acct.endpoint == "batch");
  CHECK(r.acct.quota_units == 3);  // 1 + 0 (unknown: refused) + 2 ids
  CHECK(r.acct.items == 3);

  // include_headers=false drops per-op headers; "/v21.0" without slash works.
  auto r2 = m->handle(post_form("/v21.0", {{"access_token", "t"}, {"include_headers", "false"},
                                           {"batch", json::serialize(batch_ops(2, "act_10000000000001"))}}), t0);
  REQUIRE(r2.status == 200);
  CHECK_FALSE(parse(r2).as_array()[0].as_object().contains("headers"));
}

TEST_CASE("meta batch time budget leaves heavy tails null", "[unit][meta]") {
  meta_options mo;
  mo.batch_time_budget = 100;
  auto m = make_meta(opts(), mo);
  // Each op: insights for 90 days daily at ad level, 500 rows -> cost 102.
  auto heavy = batch_ops(5, "act_10000000000001/insights?level=ad&time_increment=1&date_preset=last_90d&limit=500");
  auto r = m->handle(post_form("/v21.0/", {{"access_token", "t"}, {"batch", json::serialize(heavy)}}), t0);
  REQUIRE(r.status == 200);
  auto arr = parse(r).as_array();
  CHECK(arr[0].at("code").as_int64() == 200);
  CHECK(arr[1].is_null());
  CHECK(arr[4].is_null());
  CHECK(r.acct.quota_units == 1);  // ops not completed are not charged
  // Light batches are unaffected by the default budget.
  auto d = make_meta(opts());
  auto light = d->handle(post_form("/v21.0/", {{"access_token", "t"}, {"batch", json::serialize(batch_ops(50, "act_10000000000001/campaigns"))}}), t0);
  auto light_ops = parse(light).as_array();
  for (const auto& op : light_ops) CHECK_FALSE(op.is_null());
}

TEST_CASE("meta batch limits and token rules", "[unit][meta]") {
  auto m = make_meta(opts());
  auto r = m->handle(post_form("/v21.0/", {{"access_token", "t"}, {"batch", json::serialize(batch_ops(51, "me"))}}), t0);
  CHECK(r.status == 400);
  CHECK(error_code(r) == 100);
  CHECK(std::string(parse(r).at("error").at("message").as_string()) == "(#100) Too many requests in batch message. Maximum batch size is 50");
  auto ok = m->handle(post_form("/", {{"access_token", "t"}, {"batch", json::serialize(batch_ops(50, "me"))}}), t0);
  CHECK(ok.status == 200);
  auto no_token = m->handle(post_form("/v21.0/", {{"batch", json::serialize(batch_ops(1, "me"))}}), t0);
  CHECK(no_token.status == 400);
  CHECK(error_code(no_token) == 104);
}

TEST_CASE("meta batch dependencies and JSONPath references", "[unit][meta]") {
  auto m = make_meta(opts());
  json::array ops{
    json::object{{"method", "GET"}, {"name", "camps"}, {"relative_url", "act_10000000000001/campaigns?limit=2"}},
    json::object{{"method", "GET"}, {"depends_on", "camps"}, {"relative_url", "?ids={result=camps:$.data.*.id}&fields=name"}},
    json::object{{"method", "GET"}, {"relative_url", "{result=camps:$.data.0.id}?fields=objective"}},
    json::object{{"method", "POST"}, {"name", "create"}, {"relative_url", "act_10000000000001/campaigns"},
                 {"body", "name=Sim+New&objective=OUTCOME_TRAFFIC&status=PAUSED"}},
    json::object{{"method", "POST"}, {"relative_url", "act_10000000000001/adsets"},
                 {"body", "name=Child&campaign_id={result=create:$.id}"}},
    json::object{{"method", "GET"}, {"name", "kept"}, {"omit_response_on_success", false},
                 {"relative_url", "act_10000000000002/campaigns?limit=1"}},
    json::object{{"method", "GET"}, {"relative_url", "{result=kept:$.data[0].id}"}},
  };
  auto r = m->handle(post_form("/v21.0/", {{"access_token", "t"}, {"batch", json::serialize(ops)}}), t0);
  REQUIRE(r.status == 200);
  auto arr = parse(r).as_array();
  REQUIRE(arr.size() == 7);
  CHECK(arr[0].is_null());  // referenced -> omitted
  auto ids = json::parse(arr[1].at("body").as_string()).as_object();
  CHECK(!ids.empty());
  CHECK(ids.size() <= 2);
  CHECK(arr[2].at("code").as_int64() == 200);
  CHECK(arr[3].is_null());
  REQUIRE(arr[4].at("code").as_int64() == 200);
  CHECK(json::parse(arr[4].at("body").as_string()).as_object().contains("id"));
  CHECK_FALSE(arr[5].is_null());  // omit_response_on_success:false
  CHECK(arr[6].at("code").as_int64() == 200);
}

TEST_CASE("meta budgets throttle with the platform's codes and headers", "[unit][meta]") {
  SECTION("BUC ads_management -> 80004/2446079") {
    auto o = opts();
    o.limit_scale = 0.01;  // 300+40*ads -> a handful of calls
    meta_options mo;
    mo.app_active_users = 1000;  // keep the app budget out of the way
    mo.user_calls_per_hour = 100000;
    auto m = make_meta(o, mo);
    int ok = 0;
    http_response last;
    for (int i = 0; i < 200; ++i) {
      last = m->handle(get("/v21.0/act_10000000000001?access_token=t"), t0);
      if (last.status != 200) break;
      ++ok;
    }
    CHECK(ok > 0);
    CHECK(ok < 200);
    CHECK(last.status == 400);
    CHECK(last.acct.throttled);
    auto e = parse(last).at("error").as_object();
    CHECK(e.at("code").as_int64() == 80004);
    CHECK(e.at("error_subcode").as_int64() == 2446079);
    CHECK(e.at("is_transient").as_bool());
    auto buc = json::parse(header(last, "X-Business-Use-Case-Usage")).as_object();
    auto entry = buc.at("10000000000001").as_array()[0].as_object();
    CHECK(entry.at("call_count").as_int64() >= 100);
    CHECK(entry.at("estimated_time_to_regain_access").as_int64() > 0);
    // Another account still works; after the window, this one works again.
    CHECK(m->handle(get("/v21.0/act_10000000000002?access_token=t"), t0).status == 200);
    CHECK(m->handle(get("/v21.0/act_10000000000001?access_token=t"), t0 + 61min).status == 200);
    m->reset_limits();
    CHECK(m->handle(get("/v21.0/act_10000000000001?access_token=t"), t0).status == 200);
  }
  SECTION("app budget -> code 4 with X-App-Usage at 100") {
    auto o = opts();
    o.limit_scale = 0.05;  // 200 x 1 user x 0.05 = 10 calls
    meta_options mo;
    mo.app_active_users = 1;
    auto m = make_meta(o, mo);
    for (int i = 0; i < 10; ++i)
      REQUIRE(m->handle(get("/v21.0/me?access_token=t"), t0).status == 200);
    auto r = m->handle(get("/v21.0/me?access_token=t"), t0);
    CHECK(r.status == 400);
    CHECK(error_code(r) == 4);
    CHECK(json::parse(header(r, "X-App-Usage")).at("call_count").as_int64() == 100);
    // A batch counts each op: it is refused as a whole once the app is spent.
    auto b = m->handle(post_form("/v21.0/", {{"access_token", "t"}, {"batch", json::serialize(batch_ops(2, "me"))}}), t0);
    CHECK(error_code(b) == 4);
  }
  SECTION("user budget -> code 17; batch ops past the budget fail individually") {
    auto o = opts();
    meta_options mo;
    mo.user_calls_per_hour = 3;
    auto m = make_meta(o, mo);
    auto r = m->handle(post_form("/v21.0/", {{"access_token", "u"}, {"batch", json::serialize(batch_ops(5, "me"))}}), t0);
    REQUIRE(r.status == 200);
    auto arr = parse(r).as_array();
    CHECK(arr[2].at("code").as_int64() == 200);
    CHECK(arr[3].at("code").as_int64() == 400);
    CHECK(json::parse(arr[3].at("body").as_string()).at("error").at("code").as_int64() == 17);
    CHECK(r.acct.quota_units == 3);
    CHECK(r.acct.throttled);
    CHECK(m->handle(get("/v21.0/me?access_token=other"), t0).status == 200);
  }
  SECTION("insights budget -> 80000") {
    auto o = opts();
    o.limit_scale = 0.001;
    meta_options mo;
    mo.app_active_users = 100000;
    mo.user_calls_per_hour = 1000000;
    auto m = make_meta(o, mo);
    http_response last;
    for (int i = 0; i < 100; ++i) {
      last = m->handle(get("/v21.0/act_10000000000001/insights?access_token=t"), t0);
      if (last.status != 200) break;
    }
    CHECK(error_code(last) == 80000);
  }
}

TEST_CASE("meta faults produce transient errors, throttles and partial batches", "[unit][meta]") {
  auto m = make_meta(opts());
  fault_profile f;
  f.error_rate = 1.0;
  m->set_faults(f);
  auto r = m->handle(get("/v21.0/me?access_token=t"), t0);
  CHECK(r.status == 500);
  auto e = parse(r).at("error").as_object();
  CHECK((e.at("code").as_int64() == 1 || e.at("code").as_int64() == 2));
  CHECK(e.at("is_transient").as_bool());
  f = {};
  f.throttle_storm = true;
  m->set_faults(f);
  r = m->handle(get("/v21.0/act_10000000000001/campaigns?access_token=t"), t0);
  CHECK(error_code(r) == 80004);
  CHECK(r.acct.throttled);
  r = m->handle(get("/v21.0/me?access_token=t"), t0);
  CHECK(error_code(r) == 613);
  f = {};
  f.partial_batch_rate = 1.0;
  m->set_faults(f);
  r = m->handle(post_form("/v21.0/", {{"access_token", "t"}, {"batch", json::serialize(batch_ops(20, "me"))}}), t0);
  REQUIRE(r.status == 200);
  int nulls = 0, errors = 0;
  auto ops = parse(r).as_array();
  for (const auto& op : ops) {
    if (op.is_null()) ++nulls;
    else if (op.at("code").as_int64() == 500) ++errors;
  }
  CHECK(nulls + errors == 20);
  CHECK(nulls > 0);
  CHECK(errors > 0);
}

TEST_CASE("meta writes create, update and delete", "[unit][meta]") {
  auto m = make_meta(opts());
  auto r = m->handle(post_form("/v21.0/act_10000000000001/campaigns", {{"access_token", "t"}, {"name", "New One"}, {"objective", "OUTCOME_SALES"}}), t0);
  REQUIRE(r.status == 200);
  auto id = std::string(parse(r).at("id").as_string());
  auto read = m->handle(get("/v21.0/" + id + "?fields=name,objective&access_token=t"), t0);
  REQUIRE(read.status == 200);
  CHECK(parse(read).at("name").as_string() == "New One");
  auto missing = m->handle(post_form("/v21.0/act_10000000000001/campaigns", {{"access_token", "t"}}), t0);
  CHECK(missing.status == 400);
  http_request del;
  del.method = "DELETE";
  del.target = "/v21.0/" + id + "?access_token=t";
  CHECK(parse(m->handle(del, t0)).at("success").as_bool());
  // JSON bodies work too.
  http_request jr;
  jr.method = "POST";
  jr.target = "/v21.0/act_10000000000001/campaigns";
  jr.headers["Content-Type"] = "application/json";
  jr.body = R"({"access_token":"t","name":"Json One","special_ad_categories":[]})";
  CHECK(m->handle(jr, t0).status == 200);
}

TEST_CASE("meta never crashes and always answers JSON on garbage", "[unit][meta]") {
  static const char* pieces[] = {
    "/", "v21.0", "/v21.0/", "act_10000000000001", "act_", "12100000100100000", "?",
    "&", "=", "ids", "fields", "campaigns{", "}", "name", ".limit(", ")", "%", "%7B", "+",
    "access_token=t", "batch", "[", "]", "{\"relative_url\":", "\"me\"", ",", "{result=",
    ":$.data.*.id", "insights", "time_range", "date_preset=last_7d", "level=ad", "after=",
    "before=QQ==", "limit=-1", "me", "adaccounts", "leads", "\xff", " "};
  std::uint64_t x = 12345;
  auto next = [&x](std::uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  auto m = make_meta(opts());
  constexpr std::uint64_t count = sizeof pieces / sizeof pieces[0];
  for (int i = 0; i < 400; ++i) {
    http_request r;
    r.method = next(2) ? "GET" : "POST";
    auto len = 1 + next(12);
    for (std::uint64_t k = 0; k < len; ++k) r.target += pieces[next(count)];
    if (r.method == "POST") {
      r.headers["Content-Type"] = next(2) ? "application/json" : "application/x-www-form-urlencoded";
      r.body = "access_token=t&batch=";
      auto blen = next(10);
      for (std::uint64_t k = 0; k < blen; ++k) r.body += pieces[next(count)];
    }
    auto res = m->handle(r, t0);
    INFO(r.method << " " << r.target << " body: " << r.body << " -> " << res.body);
    CHECK(res.status >= 200);
    CHECK(res.status < 600);
    boost::system::error_code ec;
    json::parse(res.body, ec);
    CHECK_FALSE(ec);
  }
}
