// Meta simulator: per-token ownership, quota_units accounting and the
// business / catalog / WhatsApp / pixel / Instagram endpoints, over the pure
// handle() (suite 'unit'), plus their options in adbatch-sim's YAML.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "sim/config/sim_config.hpp"
#include "sim/meta/meta_model.hpp"
#include "sim/meta/meta_platform.hpp"
#include "sim/meta/sim_util.hpp"

#include <algorithm>
#include <cmath>
#include <set>

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

http_request del(std::string target) {
  http_request r;
  r.method = "DELETE";
  r.target = std::move(target);
  return r;
}

json::value parse(const http_response& r) { return json::parse(r.body); }

platform_options opts(std::uint64_t seed = 42) {
  platform_options o;
  o.seed = seed;
  o.public_base_url = "http://127.0.0.1:18101";
  return o;
}

/// The error envelope without its per-call fbtrace_id.
json::object error_of(const http_response& r) {
  auto e = parse(r).at("error").as_object();
  e.erase("fbtrace_id");
  return e;
}

std::string batch_text(const std::vector<std::string>& urls) {
  json::array a;
  for (const auto& u : urls)
    a.push_back(json::object{{"method", "GET"}, {"relative_url", u}});
  return json::serialize(a);
}

std::vector<std::string> ids_of(const json::value& page) {
  std::vector<std::string> out;
  for (const auto& e : page.at("data").as_array())
    out.emplace_back(e.at("id").as_string());
  return out;
}

const meta::model world{42, {}};

std::string acct(int i) { return world.id_of({meta::kind::ad_account, i}); }

} // namespace

TEST_CASE("meta ownership rule: scoped tokens, modulus, overrides",
          "[unit][meta]") {
  int k = -1;
  CHECK(meta::scoped_token("org-3", 5, &k));
  CHECK(k == 3);
  CHECK(meta::scoped_token("org-12-admin", 5, &k));
  CHECK(k == 2);
  CHECK(meta::scoped_token("org-007", 5, &k));
  CHECK(k == 2);
  CHECK(meta::scoped_token("org-4-", 5, &k));
  CHECK(meta::scoped_token("org-123456789012345678901234567891", 5, &k));
  CHECK(k == 1);  // any length, no overflow
  for (auto t : {"org-", "org-x", "org-1x", "org--1", "tok-1", "ORG-1", "",
                 "org1", "compat-token"})
    CHECK_FALSE(meta::scoped_token(t, 5));

  meta::ownership_options o;
  CHECK(meta::owns_account(o, "org-0", 1));
  CHECK_FALSE(meta::owns_account(o, "org-0", 2));
  CHECK(meta::owns_account(o, "org-0", 6));
  CHECK(meta::owns_page(o, "org-6-x", 2));
  CHECK(meta::owns_business(o, "org-4", 5));
  CHECK_FALSE(meta::owns_business(o, "org-4", 4));
  for (int i = 1; i <= 30; ++i) {
    CHECK(meta::owns_account(o, "tok-1", i));
    CHECK(meta::owns_page(o, "compat-token", i));
  }
  o.modulus = 2;
  CHECK(meta::owns_account(o, "org-3", 2));
  CHECK_FALSE(meta::owns_account(o, "org-3", 3));
  o.token_owners.push_back({"org-0", {{2, 4}, {}, {1}}});
  o.token_owners.push_back({"tok-1", {{3}, {3}, {}}});
  CHECK_FALSE(meta::owns_account(o, "org-0", 1));
  CHECK(meta::owns_account(o, "org-0", 4));
  CHECK_FALSE(meta::owns_page(o, "org-0", 1));
  CHECK(meta::owns_business(o, "org-0", 1));
  CHECK(meta::owns_page(o, "tok-1", 3));
  CHECK_FALSE(meta::owns_account(o, "tok-1", 1));

  meta::model m{42, {}};
  CHECK(m.owned_accounts("org-1") == std::vector<int>{2, 7, 12, 17});
  CHECK(m.owned_accounts("org-6-b") == std::vector<int>{2, 7, 12, 17});
  CHECK(m.owned_pages("org-4") == std::vector<int>{5});
  CHECK(m.owned_businesses("org-0") == std::vector<int>{1});
  CHECK(m.owned_accounts("tok-1").size() == 20);
  meta::model mo{42, {}, o};
  CHECK(mo.owned_accounts("org-0") == std::vector<int>{2, 4});
  CHECK(mo.owned_pages("org-0").empty());
  // Children follow their parent.
  CHECK(m.owns("org-1", {meta::kind::ad, 2, 1, 1, 1}));
  CHECK_FALSE(m.owns("org-1", {meta::kind::ad, 3, 1, 1, 1}));
  CHECK(m.owns("org-1", {meta::kind::lead, 2, 1, 0, 1}));
  CHECK(m.owns("org-1", {meta::kind::product_catalog, 2, 1}));
  CHECK_FALSE(m.owns("org-1", {meta::kind::ads_pixel, 1, 1}));
  CHECK(m.owns("org-1", {meta::kind::user, 77}));
}

TEST_CASE("meta: not owned objects answer exactly like unknown ones",
          "[unit][meta]") {
  auto m = make_meta(opts());
  auto page2 = world.id_of({meta::kind::page, 2});
  auto form2 = world.id_of({meta::kind::lead_form, 2, 1});
  auto biz2 = world.id_of({meta::kind::business, 2});
  auto pixel2 = world.id_of({meta::kind::ads_pixel, 2, 1});
  auto camp2 = world.id_of({meta::kind::campaign, 2, 1});
  for (const auto& id : {acct(2), camp2, page2, form2, biz2, pixel2}) {
    for (const auto& suffix :
         {std::string(""), std::string("?fields=id,name")}) {
      auto r = m->handle(get("/v21.0/" + id + suffix
                             + (suffix.empty() ? "?" : "&")
                             + "access_token=org-0"),
                         t0);
      INFO(id << suffix << " -> " << r.body);
      CHECK(r.status == 400);
      auto e = error_of(r);
      CHECK(e.at("code").as_int64() == 100);
      CHECK(e.at("error_subcode").as_int64() == 33);
      CHECK(e.at("type").as_string() == "GraphMethodException");
      CHECK(std::string(e.at("message").as_string())
              .starts_with("Unsupported get request. Object with ID '" + id
                           + "' does not exist, cannot be loaded due to "
                             "missing permissions"));
      CHECK(r.acct.quota_units == 0);
      CHECK(r.acct.error);
      // The owner reads it.
      CHECK(m->handle(get("/v21.0/" + id + "?access_token=org-1"), t0).status
            == 200);
    }
  }
  // Same answer as an id that does not exist, field for field.
  auto missing = world.id_of({meta::kind::campaign, 2, 99});
  auto a = m->handle(get("/v21.0/" + camp2 + "/adsets?access_token=org-0"), t0);
  auto b =
    m->handle(get("/v21.0/" + missing + "/adsets?access_token=org-0"), t0);
  auto ea = error_of(a), eb = error_of(b);
  CHECK(a.status == b.status);
  ea["message"] = "";
  eb["message"] = "";
  CHECK(ea == eb);

  // Writes: create under / update / delete a not owned object.
  auto w = m->handle(post_form("/v21.0/" + acct(2) + "/campaigns",
                               {{"access_token", "org-0"}, {"name", "x"}}),
                     t0);
  CHECK(w.status == 400);
  CHECK(std::string(error_of(w).at("message").as_string())
          .starts_with("Unsupported post request. Object with ID '" + acct(2)));
  CHECK(w.acct.quota_units == 0);
  auto d = m->handle(del("/v21.0/" + camp2 + "?access_token=org-0"), t0);
  CHECK(std::string(error_of(d).at("message").as_string())
          .starts_with("Unsupported delete request. Object with ID '" + camp2));
  // Objects created by the owner belong to the account's owner.
  auto created = m->handle(post_form("/v21.0/" + acct(2) + "/campaigns",
                                     {{"access_token", "org-1"}, {"name", "x"}}),
                           t0);
  REQUIRE(created.status == 200);
  auto new_id = std::string(parse(created).at("id").as_string());
  CHECK(m->handle(get("/v21.0/" + new_id + "?access_token=org-1"), t0).status
        == 200);
  CHECK(error_of(m->handle(get("/v21.0/" + new_id + "?access_token=org-0"), t0))
          .at("error_subcode")
          .as_int64()
        == 33);

  // ids=: one not owned id fails the whole request like an unknown one.
  auto ids = m->handle(get("/v21.0/?ids=" + acct(1) + "," + acct(2) + ","
                           + acct(6) + "&fields=name&access_token=org-0"),
                       t0);
  CHECK(ids.status == 404);
  CHECK(error_of(ids).at("code").as_int64() == 803);
  CHECK(error_of(ids).at("message").as_string()
        == "(#803) Some of the aliases you requested do not exist: " + acct(2));
  CHECK(ids.acct.quota_units == 0);
  auto edge_ids = m->handle(get("/v21.0/campaigns?ids=" + acct(1) + ","
                                + acct(2) + "&access_token=org-0"),
                            t0);
  CHECK(edge_ids.status == 404);
  CHECK(m->handle(get("/v21.0/?ids=" + acct(1) + "," + acct(6)
                      + "&access_token=org-0"),
                  t0)
          .status
        == 200);
}

TEST_CASE("meta: /me edges list only what the token owns", "[unit][meta]") {
  auto m = make_meta(opts());
  auto list = [&](const std::string& edge, const std::string& token) {
    auto r = m->handle(
      get("/v21.0/me/" + edge + "?limit=100&summary=true&access_token=" + token),
      t0);
    REQUIRE(r.status == 200);
    auto v = parse(r);
    CHECK(v.at("summary").at("total_count").as_int64()
          == static_cast<std::int64_t>(v.at("data").as_array().size()));
    return ids_of(v);
  };
  std::vector<std::string> want;
  for (int i : world.owned_accounts("org-2")) want.push_back(acct(i));
  CHECK(want.size() == 4);
  CHECK(list("adaccounts", "org-2") == want);
  CHECK(list("accounts", "org-2")
        == std::vector<std::string>{world.id_of({meta::kind::page, 3})});
  CHECK(list("businesses", "org-2")
        == std::vector<std::string>{world.id_of({meta::kind::business, 3})});
  CHECK(list("adaccounts", "tok-1").size() == 20);
  CHECK(list("accounts", "tok-1").size() == 5);
  CHECK(list("businesses", "tok-1").size() == 5);

  // token_owners overrides the rule; a token owning nothing sees nothing.
  meta_options mo;
  mo.ownership.token_owners.push_back({"org-0", {{3, 4}, {}, {2}}});
  mo.ownership.token_owners.push_back({"nobody", {}});
  auto m2 = make_meta(opts(), mo);
  auto r = parse(m2->handle(
    get("/v21.0/me/adaccounts?fields=id&access_token=org-0"), t0));
  CHECK(ids_of(r) == std::vector<std::string>{acct(3), acct(4)});
  r = parse(m2->handle(get("/v21.0/me/accounts?access_token=org-0"), t0));
  CHECK(r.at("data").as_array().empty());
  r = parse(m2->handle(get("/v21.0/me/adaccounts?access_token=nobody"), t0));
  CHECK(r.at("data").as_array().empty());
  CHECK(m2->handle(get("/v21.0/" + acct(1) + "?access_token=nobody"), t0).status
        == 400);

  // ownership_modulus changes the rule.
  meta_options mod;
  mod.ownership.modulus = 2;
  auto m3 = make_meta(opts(), mod);
  r = parse(m3->handle(get("/v21.0/me/adaccounts?access_token=org-1"), t0));
  CHECK(r.at("data").as_array().size() == 10);

  // An ad's leads edge lists leads on pages the token owns only.
  meta::model w{42, {}};
  for (int a : w.owned_accounts("org-0")) {
    meta::object_ref ad{meta::kind::ad, a, 1, 1, 1};
    auto visible = w.visible_children(ad, "leads", "org-0");
    for (const auto& l : visible) CHECK(w.owns("org-0", l));
    auto served = parse(m->handle(get("/v21.0/" + w.id_of(ad)
                                      + "/leads?limit=500&access_token=org-0"),
                                  t0));
    CHECK(served.at("data").as_array().size() == visible.size());
  }
}

TEST_CASE("meta: per-op tokens inside a batch", "[unit][meta]") {
  auto m = make_meta(opts());
  json::array ops{
    json::object{{"method", "GET"}, {"relative_url", acct(1) + "?fields=name"}},
    json::object{{"method", "GET"}, {"relative_url", acct(2) + "?fields=name"}},
    json::object{{"method", "GET"},
                 {"relative_url", acct(2) + "?fields=name&access_token=org-1"}},
    json::object{{"method", "GET"},
                 {"relative_url", "?ids=" + acct(2) + "," + acct(7)},
                 {"body", "access_token=org-1"}},
    json::object{{"method", "GET"},
                 {"relative_url", "?ids=" + acct(1) + "," + acct(2)}},
    json::object{{"method", "GET"},
                 {"relative_url", acct(1) + "?access_token=expired"}},
  };
  auto r = m->handle(post_form("/v21.0/", {{"access_token", "org-0"},
                                           {"batch", json::serialize(ops)}}),
                     t0);
  REQUIRE(r.status == 200);
  auto arr = parse(r).as_array();
  REQUIRE(arr.size() == 6);
  auto code = [&](std::size_t i) { return arr[i].at("code").as_int64(); };
  auto body = [&](std::size_t i) {
    return json::parse(arr[i].at("body").as_string());
  };
  CHECK(code(0) == 200);
  CHECK(code(1) == 400);
  CHECK(body(1).at("error").at("error_subcode").as_int64() == 33);
  CHECK(code(2) == 200);
  CHECK(code(3) == 200);
  CHECK(body(3).as_object().size() == 2);
  CHECK(code(4) == 404);
  CHECK(body(4).at("error").at("code").as_int64() == 803);
  CHECK(code(5) == 400);
  CHECK(body(5).at("error").at("code").as_int64() == 190);
  CHECK(r.acct.quota_units == 1 + 1 + 2);
}

TEST_CASE("meta: not owned calls spend no budget", "[unit][meta]") {
  auto o = opts();
  o.limit_scale = 0.0005;  // BUC: 1 call per account and hour
  meta_options mo;
  mo.app_active_users = 1'000'000;
  mo.user_calls_per_hour = 100'000'000;
  auto m = make_meta(o, mo);
  auto url = "/v21.0/" + acct(1) + "/campaigns?access_token=";
  for (int i = 0; i < 5; ++i) {
    auto r = m->handle(get(url + "org-1"), t0);
    CHECK(r.status == 400);
    CHECK_FALSE(r.acct.throttled);
    CHECK(r.acct.quota_units == 0);
    CHECK(r.headers.end()
          == std::find_if(r.headers.begin(), r.headers.end(), [](auto& h) {
               return h.first == "X-Business-Use-Case-Usage";
             }));
  }
  auto batch = m->handle(
    post_form("/v21.0/",
              {{"access_token", "org-1"},
               {"batch", batch_text({acct(1), acct(1) + "/ads",
                                     "?ids=" + acct(1) + "," + acct(2)})}}),
    t0);
  CHECK(batch.acct.quota_units == 0);
  auto codes = parse(batch).as_array();
  CHECK(codes[0].at("code").as_int64() == 400);
  CHECK(codes[1].at("code").as_int64() == 400);
  CHECK(codes[2].at("code").as_int64() == 404);  // act_1 fails the ids op
  // The owner still has the account's whole budget.
  auto budget = std::max<std::int64_t>(
    1, std::llround((300.0 + 40.0 * world.active_ads(1)) * 0.0005));
  std::int64_t ok = 0;
  http_response last;
  for (int i = 0; i < 100; ++i) {
    last = m->handle(get(url + "org-0"), t0);
    if (last.status != 200) break;
    ++ok;
  }
  CHECK(ok == budget);
  CHECK(last.acct.throttled);
  CHECK(parse(last).at("error").at("code").as_int64() == 80004);
}

TEST_CASE("meta quota_units equal the budget really charged", "[unit][meta]") {
  // App budget 200 calls/h; per-token budget 10 calls/h.
  meta_options mo;
  mo.app_active_users = 1;
  mo.user_calls_per_hour = 10;
  auto m = make_meta(opts(), mo);
  std::int64_t counted = 0;
  auto run = [&](const http_request& req) {
    auto r = m->handle(req, t0);
    counted += r.acct.quota_units;
    return r;
  };
  // Node, edge, expansion: one call each; ids=: one per distinct id.
  CHECK(run(get("/v21.0/" + acct(1) + "?access_token=a")).acct.quota_units
        == 1);
  CHECK(run(get("/v21.0/" + acct(1)
                + "?fields=campaigns{adsets{ads}}&access_token=a"))
          .acct.quota_units
        == 1);
  CHECK(run(get("/v21.0/?ids=" + acct(1) + "," + acct(2) + "," + acct(1)
                + "&access_token=a"))
          .acct.quota_units
        == 2);
  // Refused before charging: unknown object, no token, expired token.
  CHECK(run(get("/v21.0/act_99999999999999?access_token=a")).acct.quota_units
        == 0);
  CHECK(run(get("/v21.0/" + acct(1))).acct.quota_units == 0);
  CHECK(run(get("/v21.0/" + acct(1) + "?access_token=expired"))
          .acct.quota_units
        == 0);
  // Charged, then failed: a bad field still costs its call.
  CHECK(run(get("/v21.0/" + acct(1) + "?fields=bogus&access_token=a"))
          .acct.quota_units
        == 1);
  // Token "a" has 5 left: a batch of 8 charges 5, throttles 3 (code 17).
  auto b = run(post_form(
    "/v21.0/", {{"access_token", "a"},
                {"batch", batch_text(std::vector<std::string>(8, "me"))}}));
  int ok = 0, throttled = 0;
  auto b_ops = parse(b).as_array();
  for (const auto& op : b_ops) {
    if (op.at("code").as_int64() == 200) ++ok;
    else if (json::parse(op.at("body").as_string()).at("error").at("code")
             == 17)
      ++throttled;
  }
  CHECK(ok == 5);
  CHECK(throttled == 3);
  CHECK(b.acct.quota_units == 5);
  CHECK(b.acct.throttled);
  // A throttled single call counts 0.
  CHECK(run(get("/v21.0/me?access_token=a")).acct.quota_units == 0);

  // A partial batch: null and transient ops are not charged; every op
  // that answered 200 was (ids ops: one per id).
  fault_profile f;
  f.partial_batch_rate = 0.5;
  m->set_faults(f);
  std::vector<std::string> urls;
  for (int i = 0; i < 6; ++i)  // 8 calls: within token p's 10
    urls.push_back(i % 3 == 2 ? "?ids=" + acct(3) + "," + acct(4)
                              : acct(1 + i) + "/campaigns");
  auto p = run(post_form("/v21.0/",
                         {{"access_token", "p"}, {"batch", batch_text(urls)}}));
  REQUIRE(p.status == 200);
  std::int64_t expected = 0;
  int nulls = 0, transient = 0;
  auto arr = parse(p).as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (arr[i].is_null()) {
      ++nulls;
    } else if (arr[i].at("code").as_int64() == 200) {
      expected += i % 3 == 2 ? 2 : 1;
    } else {
      CHECK(arr[i].at("code").as_int64() == 500);
      ++transient;
    }
  }
  CHECK(nulls + transient > 0);
  CHECK(nulls + transient < 6);
  CHECK(p.acct.quota_units == expected);
  m->set_faults({});

  // What is left of the app budget is exactly 200 - counted.
  std::int64_t left = 0;
  for (int i = 0; i < 400; ++i) {
    auto r = m->handle(
      get("/v21.0/me?access_token=spend-" + std::to_string(i / 10)), t0);
    if (r.status != 200) {
      CHECK(parse(r).at("error").at("code").as_int64() == 4);
      break;
    }
    ++left;
  }
  CHECK(left == 200 - counted);
}

TEST_CASE("meta businesses, catalogs, WhatsApp accounts, pixels, Instagram",
          "[unit][meta]") {
  auto m = make_meta(opts());
  auto read = [&](const std::string& path, const std::string& token = "t") {
    auto r = m->handle(
      get("/v21.0/" + path + (path.find('?') == std::string::npos ? "?" : "&")
          + "access_token=" + token),
      t0);
    INFO(path << " -> " << r.body);
    REQUIRE(r.status == 200);
    return parse(r);
  };
  // Businesses.
  auto bizs = read("me/businesses?fields=id,name,verification_status,created_time,primary_page&limit=100");
  auto& bdata = bizs.at("data").as_array();
  REQUIRE(bdata.size() == 5);
  int with_primary = 0;
  for (std::size_t i = 0; i < bdata.size(); ++i) {
    const auto& b = bdata[i].as_object();
    auto id = std::string(b.at("id").as_string());
    auto ref = world.resolve(id);
    REQUIRE(ref);
    CHECK(ref->k == meta::kind::business);
    CHECK(ref->a == static_cast<int>(i) + 1);
    CHECK(b.at("name").is_string());
    CHECK(b.at("verification_status").is_string());
    CHECK(b.at("created_time").as_string().size() == 24);
    if (world.business_has_primary_page(ref->a)) {
      ++with_primary;
      CHECK(b.at("primary_page").at("id").as_string()
            == world.id_of({meta::kind::page, ref->a}));
      CHECK(b.at("primary_page").as_object().contains("name"));
    } else {
      CHECK_FALSE(b.contains("primary_page"));
    }
    // Readable by id, same fields.
    CHECK(read(id + "?fields=id,name,verification_status,created_time,primary_page")
          == bdata[i]);
    CHECK(read(id).as_object().size() == 2);  // name, id
    // Catalogs 1..3, WhatsApp accounts 1..2.
    auto cats = read(id + "/owned_product_catalogs?fields=id,name,product_count,vertical");
    auto& cd = cats.at("data").as_array();
    CHECK(cd.size() >= 1);
    CHECK(cd.size() <= 3);
    CHECK(static_cast<int>(cd.size()) == world.catalogs_in(ref->a));
    for (const auto& c : cd) {
      CHECK(c.at("product_count").is_int64());
      CHECK(c.at("vertical").is_string());
      auto cref = world.resolve(std::string(c.at("id").as_string()));
      REQUIRE(cref);
      CHECK(cref->k == meta::kind::product_catalog);
      CHECK(cref->a == ref->a);
      CHECK(read(std::string(c.at("id").as_string())
                 + "?fields=id,name,product_count,vertical")
            == c);
    }
    auto wabas = read(id + "/owned_whatsapp_business_accounts?fields=id,name,currency,timezone_id,message_template_namespace");
    auto& wd = wabas.at("data").as_array();
    CHECK(wd.size() >= 1);
    CHECK(wd.size() <= 2);
    for (const auto& w : wd) {
      CHECK(w.at("currency").as_string().size() == 3);
      CHECK(w.at("timezone_id").is_string());
      CHECK(w.at("message_template_namespace").as_string().size() == 36);
      CHECK(read(std::string(w.at("id").as_string())
                 + "?fields=id,name,currency,timezone_id,message_template_namespace")
            == w);
    }
  }
  CHECK(with_primary > 0);
  CHECK(with_primary < 5);
  CHECK(m->handle(get("/v21.0/me/businesses?fields=bogus&access_token=t"), t0)
          .status
        == 400);

  // Pixels: 1..2 per ad account, with the account's BUC headers.
  for (int a = 1; a <= 20; ++a) {
    auto px = read(acct(a) + "/adspixels?fields=id,name,creation_time,last_fired_time,is_unavailable");
    auto& pd = px.at("data").as_array();
    CHECK(static_cast<int>(pd.size()) == world.pixels_in(a));
    CHECK(pd.size() >= 1);
    CHECK(pd.size() <= 2);
    for (const auto& p : pd) {
      CHECK(p.at("is_unavailable").is_bool());
      CHECK(p.at("last_fired_time").is_string());
      CHECK(read(std::string(p.at("id").as_string())
                 + "?fields=id,name,creation_time,last_fired_time,is_unavailable")
            == p);
    }
  }
  auto pixel = m->handle(get("/v21.0/" + world.id_of({meta::kind::ads_pixel, 4, 1})
                             + "?access_token=t"),
                         t0);
  REQUIRE(pixel.status == 200);
  bool buc = false;
  for (const auto& [k, v] : pixel.headers)
    if (k == "X-Business-Use-Case-Usage")
      buc = json::parse(v).as_object().contains("10000000000004");
  CHECK(buc);

  // Instagram accounts: some pages have one, some none.
  int with_ig = 0;
  for (int p = 1; p <= 5; ++p) {
    auto page_id = world.id_of({meta::kind::page, p});
    auto page = read(page_id + "?fields=id,name,instagram_business_account{id,username}");
    auto plain = read(page_id + "?fields=instagram_business_account");
    auto ig_id = world.id_of({meta::kind::ig_user, p});
    if (world.page_has_instagram(p)) {
      ++with_ig;
      CHECK(page.at("instagram_business_account").as_object().size() == 2);
      CHECK(page.at("instagram_business_account").at("id").as_string() == ig_id);
      CHECK(plain.at("instagram_business_account")
            == json::object{{"id", ig_id}});
      auto ig = read(ig_id + "?fields=id,username,name,followers_count,media_count,profile_picture_url");
      CHECK(ig.at("username") == page.at("instagram_business_account").at("username"));
      CHECK(ig.at("followers_count").is_int64());
      CHECK(ig.at("media_count").is_int64());
      CHECK(ig.at("profile_picture_url").as_string().starts_with("https://"));
      CHECK(read(ig_id) == json::object{{"id", ig_id}});
    } else {
      CHECK_FALSE(page.as_object().contains("instagram_business_account"));
      CHECK_FALSE(plain.as_object().contains("instagram_business_account"));
      CHECK(m->handle(get("/v21.0/" + ig_id + "?access_token=t"), t0).status
            == 400);
    }
  }
  CHECK(with_ig > 0);
  CHECK(with_ig < 5);

  // Expansion with .limit() pages like any edge.
  auto exp = read(world.id_of({meta::kind::business, 1})
                  + "?fields=owned_product_catalogs.limit(1){name}");
  auto& cats = exp.at("owned_product_catalogs");
  CHECK(cats.at("data").as_array().size() == 1);
  if (world.catalogs_in(1) > 1) {
    auto next = std::string(cats.at("paging").at("next").as_string());
    auto second = read(next.substr(std::string("http://127.0.0.1:18101/v21.0/").size()));
    CHECK(second.at("data").as_array().size() == 1);
    CHECK(second.at("data").as_array()[0].at("id")
          != cats.at("data").as_array()[0].at("id"));
  }
}

TEST_CASE("meta root expansion answers a whole workload in one call",
          "[unit][meta]") {
  auto m = make_meta(opts());
  const std::string token = "org-1-batcher";
  auto read = [&](const std::string& path) {
    auto r = m->handle(
      get("/v21.0/" + path + (path.find('?') == std::string::npos ? "?" : "&")
          + "access_token=" + token),
      t0);
    INFO(path << " -> " << r.body);
    REQUIRE(r.status == 200);
    return r;
  };
  auto r = read(
    "me?fields=accounts.limit(100){id,name,instagram_business_account{id,"
    "username}},adaccounts.limit(100){id,name,adspixels.limit(100){id,name}},"
    "businesses.limit(100){id,name,owned_product_catalogs.limit(100){id,name},"
    "owned_whatsapp_business_accounts.limit(100){id,name}}");
  CHECK(r.acct.quota_units == 1);
  CHECK(r.acct.endpoint == "node");
  auto me = parse(r).as_object();
  // Every list is what the token owns, and each item equals its own read.
  std::vector<std::string> accounts;
  for (const auto& a : me.at("adaccounts").at("data").as_array()) {
    auto id = std::string(a.at("id").as_string());
    accounts.push_back(id);
    CHECK(a.at("adspixels")
          == parse(read(id + "/adspixels?fields=id,name&limit=100")));
  }
  std::vector<std::string> want;
  for (int i : world.owned_accounts(token)) want.push_back(acct(i));
  CHECK(accounts == want);
  auto pages = me.at("accounts").at("data").as_array();
  REQUIRE(pages.size() == 1);
  auto page_id = std::string(pages[0].at("id").as_string());
  CHECK(page_id == world.id_of({meta::kind::page, 2}));
  CHECK(pages[0]
        == parse(read(page_id
                      + "?fields=id,name,instagram_business_account{id,username}")));
  auto bizs = me.at("businesses").at("data").as_array();
  REQUIRE(bizs.size() == 1);
  auto biz_id = std::string(bizs[0].at("id").as_string());
  CHECK(bizs[0].at("owned_product_catalogs")
        == parse(read(biz_id + "/owned_product_catalogs?fields=id,name&limit=100")));
  CHECK(bizs[0].at("owned_whatsapp_business_accounts")
        == parse(read(biz_id
                      + "/owned_whatsapp_business_accounts?fields=id,name&limit=100")));

  // Ad account expansion: campaigns, ad sets and ads in one call.
  auto a2 = acct(2);
  auto all = read(a2 + "?fields=campaigns.limit(500){id,name,status},"
                       "adsets.limit(500){id,name,campaign_id},"
                       "ads.limit(500){id,name,adset_id}");
  CHECK(all.acct.quota_units == 1);
  auto allv = parse(all);
  CHECK(allv.at("campaigns")
        == parse(read(a2 + "/campaigns?fields=id,name,status&limit=500")));
  CHECK(allv.at("adsets")
        == parse(read(a2 + "/adsets?fields=id,name,campaign_id&limit=500")));
  CHECK(allv.at("ads")
        == parse(read(a2 + "/ads?fields=id,name,adset_id&limit=500")));

  // ?ids= with an expansion: one call per id, each result the node read.
  auto a7 = acct(7);
  auto ids = read("?ids=" + a2 + "," + a7 + "&fields=campaigns{id,name}");
  CHECK(ids.acct.quota_units == 2);
  CHECK(ids.acct.endpoint == "ids");
  auto idsv = parse(ids);
  CHECK(idsv.at(a2) == parse(read(a2 + "?fields=campaigns{id,name}")));
  CHECK(idsv.at(a7) == parse(read(a7 + "?fields=campaigns{id,name}")));

  // insights?ids=<campaigns>: each id's answer is its own insights read.
  std::string camps;
  std::vector<std::string> camp_ids;
  for (const auto& c : allv.at("campaigns").at("data").as_array()) {
    camp_ids.emplace_back(c.at("id").as_string());
    camps += (camps.empty() ? "" : ",") + camp_ids.back();
  }
  const std::string q =
    "fields=campaign_id,impressions,spend&time_range="
    "{\"since\":\"2026-01-01\",\"until\":\"2026-01-07\"}&time_increment=1";
  auto ins = read("insights?ids=" + camps + "&" + q);
  CHECK(ins.acct.quota_units == static_cast<std::int64_t>(camp_ids.size()));
  bool insights_header = false;
  for (const auto& [k, v] : ins.headers)
    if (k == "X-Business-Use-Case-Usage")
      insights_header = json::parse(v)
                          .at("10000000000002")
                          .as_array()[0]
                          .at("type")
                          .as_string()
                        == "ads_insights";
  CHECK(insights_header);
  auto insv = parse(ins);
  for (const auto& id : camp_ids)
    CHECK(insv.at(id).at("data")
          == parse(read(id + "/insights?" + q)).at("data"));
  // A not owned campaign in the list fails the whole call.
  auto foreign = world.id_of({meta::kind::campaign, 3, 1});
  auto bad = m->handle(get("/v21.0/insights?ids=" + camps + "," + foreign + "&"
                           + q + "&access_token=" + token),
                       t0);
  CHECK(bad.status == 404);
  CHECK(bad.acct.quota_units == 0);

  // Deterministic for a seed.
  auto q2 = "/v21.0/me?fields=businesses{id,name,verification_status,"
            "owned_product_catalogs{name,product_count,vertical}},"
            "accounts{instagram_business_account{username,followers_count}},"
            "adaccounts{adspixels{name,last_fired_time}}&access_token=tok-1";
  auto x = make_meta(opts(7))->handle(get(q2), t0);
  auto y = make_meta(opts(7))->handle(get(q2), t0);
  auto z = make_meta(opts(8))->handle(get(q2), t0);
  REQUIRE(x.status == 200);
  CHECK(x.body == y.body);
  CHECK(x.body != z.body);
}

TEST_CASE("meta ownership options in adbatch-sim's YAML", "[unit][meta]") {
  using namespace adbatch;
  auto d = config::sim_defaults();
  CHECK(d.options.meta.ownership.modulus == 5);
  CHECK(d.options.meta.ownership.token_owners.empty());
  CHECK(d.options.meta.world.businesses == 5);
  auto printed_defaults = config::print_sim(d);
  CHECK_THAT(printed_defaults, Catch::Contains("ownership_modulus: 5"));
  CHECK_THAT(printed_defaults, Catch::Contains("token_owners: {}"));
  CHECK_THAT(printed_defaults, Catch::Contains("businesses: 5"));
  REQUIRE(config::load_sim_string(printed_defaults, "printed"));

  auto r = config::load_sim_string(R"(
platforms:
  meta:
    options:
      ownership_modulus: 3
      world: {businesses: 7, max_pixels: 4}
      token_owners:
        org-1-admin: {accounts: [1, 2], pages: [3]}
        tok-x: {businesses: [2]}
        nobody: ~
)", "sim.yaml");
  if (!r) FAIL(r.error().render());
  const auto& own = r->options.meta.ownership;
  CHECK(own.modulus == 3);
  CHECK(r->options.meta.world.businesses == 7);
  CHECK(r->options.meta.world.max_pixels == 4);
  REQUIRE(own.token_owners.size() == 3);
  const auto* admin = meta::grant_of(own, "org-1-admin");
  REQUIRE(admin);
  CHECK(admin->accounts == std::vector<int>{1, 2});
  CHECK(admin->pages == std::vector<int>{3});
  CHECK(admin->businesses.empty());
  CHECK(meta::grant_of(own, "tok-x")->businesses == std::vector<int>{2});
  CHECK(*meta::grant_of(own, "nobody") == meta::token_grant{});
  CHECK_FALSE(meta::grant_of(own, "org-1"));
  auto again = config::load_sim_string(config::print_sim(*r), "printed");
  if (!again) FAIL(again.error().render());
  CHECK(again->options.meta.ownership.token_owners == own.token_owners);
  CHECK(config::print_sim(*again) == config::print_sim(*r));

  auto bad = [](const std::string& yaml) {
    auto x = config::load_sim_string(
      "platforms:\n  meta:\n    options:\n" + yaml, "s.yaml");
    REQUIRE_FALSE(x);
    return x.error();
  };
  auto e = bad("      token_owners:\n        t1: {acounts: [1]}\n");
  CHECK(e.key_path == "platforms.meta.options.token_owners.t1.acounts");
  CHECK(e.line == 5);
  e = bad("      token_owners:\n        t1: {accounts: [1, x]}\n");
  CHECK(e.key_path == "platforms.meta.options.token_owners.t1.accounts[1]");
  e = bad("      token_owners:\n        t1: {accounts: [0]}\n");
  CHECK(e.key_path == "platforms.meta.options.token_owners.t1.accounts[0]");
  e = bad("      token_owners:\n        t1: {accounts: 3}\n");
  CHECK(e.key_path == "platforms.meta.options.token_owners.t1.accounts");
  e = bad("      token_owners: [a]\n");
  CHECK(e.key_path == "platforms.meta.options.token_owners");
  e = bad("      ownership_modulus: 0\n");
  CHECK(e.key_path == "platforms.meta.options.ownership_modulus");
}
