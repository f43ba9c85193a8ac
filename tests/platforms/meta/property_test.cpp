// Property tests of the Meta planner over random request sets (seeded), and
// equivalence with naive calls through adbatch-sim's pure Meta platform:
// every request's result from a merged plan equals the result of its own
// naive call, and the simulator charges exactly the plan's quota units.

#include "platforms/meta/planner.hpp"
#include "sim/meta/meta_model.hpp"
#include "sim/meta/meta_platform.hpp"
#include "tests/platforms/meta/meta_test_util.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <set>

using namespace meta_test;
namespace pm = adbatch::platforms::meta;
namespace sm = adbatch::sim::meta;
namespace sim = adbatch::sim;

namespace {

constexpr std::uint64_t seed = 42;

/// Picks ids adbatch-sim really serves, per token org-k (which owns ad
/// accounts, pages and businesses i with (i-1) % 5 == k % 5).
class generator {
public:
  explicit generator(std::uint32_t s) : rng_(s) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
  }
  template <class T>
  const T& any(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(pick(static_cast<int>(v.size())))];
  }

  /// A random subset (non-empty) of `from`, in random order, as a string.
  std::string fields(std::vector<std::string> from) {
    std::shuffle(from.begin(), from.end(), rng_);
    auto n = 1 + pick(static_cast<int>(std::min<std::size_t>(from.size(), 4)));
    std::string out;
    for (int i = 0; i < n; ++i)
      out += (out.empty() ? "" : ",") + from[i];
    return out;
  }

  std::vector<int> owned(int k, int n) {
    std::vector<int> out;
    for (int i = 1; i <= n; ++i)
      if ((i - 1) % 5 == k % 5) out.push_back(i);
    return out;
  }

  std::string id(const sm::object_ref& r) { return model_.id_of(r); }

  /// One random request of connection c<k> (token org-<k % 5>).
  queued_request make(std::int64_t rid, int conn, int k) {
    auto acct_index = any(owned(k, 20));
    sm::object_ref acct{sm::kind::ad_account, acct_index};
    auto act = id(acct);
    auto campaigns = model_.children(acct, "campaigns");
    auto adsets = model_.children(acct, "adsets");
    std::string c = "c" + std::to_string(conn);
    json::object p;
    switch (pick(14)) {
    case 0:
      if (chance(0.5)) p["ad_account_id"] = act;
      if (chance(0.7))
        p["fields"] = fields({"id", "name", "currency", "account_status",
                              "timezone_name", "balance"});
      return req(rid, c, "get_account_details", p);
    case 1:
    case 2:
      if (chance(0.7)) p["ad_account_id"] = act;
      if (chance(0.7))
        p["fields"] = fields({"id", "name", "status", "effective_status",
                              "objective", "daily_budget"});
      if (chance(0.3)) p["effective_status"] = json::array{"ACTIVE", "PAUSED"};
      if (chance(0.3)) p["limit"] = any(std::vector<int>{2, 5, 100});
      return req(rid, c, "get_campaigns", p);
    case 3:
      if (chance(0.5))
        p["campaign_id"] = id(any(campaigns));
      else
        p["ad_account_id"] = act;
      if (chance(0.6))
        p["fields"] = fields({"id", "name", "campaign_id", "status",
                              "optimization_goal", "targeting"});
      return req(rid, c, "get_ad_sets", p);
    case 4:
      if (chance(0.5))
        p["adset_id"] = id(any(adsets));
      else if (chance(0.5))
        p["campaign_id"] = id(any(campaigns));
      else
        p["ad_account_id"] = act;
      if (chance(0.5))
        p["fields"] = fields({"id", "name", "adset_id", "creative", "status"});
      if (chance(0.3)) p["effective_status"] = json::array{"ACTIVE"};
      return req(rid, c, "get_ads", p);
    case 5:
    case 6: {
      if (chance(0.6)) {
        p["object_id"] = act;
        if (chance(0.5))
          p["level"] = any(
              std::vector<std::string>{"account", "campaign", "adset", "ad"});
      } else {
        p["object_id"] = id(any(campaigns));
        if (chance(0.5))
          p["level"] = any(std::vector<std::string>{"campaign", "adset"});
      }
      if (chance(0.7))
        p["fields"] = fields({"impressions", "clicks", "spend", "ctr",
                              "campaign_name", "reach", "actions"});
      if (chance(0.5))
        p["date_preset"] =
            any(std::vector<std::string>{"yesterday", "last_7d", "last_30d"});
      else if (chance(0.3))
        p["time_range"] =
            json::object{{"since", "2026-01-01"}, {"until", "2026-01-10"}};
      if (chance(0.2)) p["breakdowns"] = json::array{"gender"};
      if (chance(0.2)) p["time_increment"] = 1;
      return req(rid, c, "get_insights", p);
    }
    case 7: {
      auto page = any(owned(k, 5));
      p["page_id"] = id({sm::kind::page, page});
      if (chance(0.5)) p["fields"] = fields({"id", "name", "category", "link"});
      return req(rid, c, "get_page_details", p);
    }
    case 8: {
      auto page = any(owned(k, 5));
      auto forms = model_.children({sm::kind::page, page}, "leadgen_forms");
      auto leads = model_.children(any(forms), "leads");
      p["lead_id"] = id(any(leads));
      if (chance(0.5))
        p["fields"] = fields({"id", "created_time", "field_data", "form_id"});
      return req(rid, c, "get_lead", p);
    }
    case 9:
    case 10: {
      static const std::vector<std::string> types{"get_pages",
                                                  "get_instagram_accounts",
                                                  "get_ad_accounts",
                                                  "get_pixels",
                                                  "get_catalogs",
                                                  "get_businesses",
                                                  "get_whatsapp_accounts",
                                                  "get_all_assets"};
      auto t = any(types);
      if (t == "get_ad_accounts" && chance(0.5))
        p["fields"] = fields({"id", "name", "currency", "account_status"});
      if (t == "get_pixels" && chance(0.5))
        p["fields"] = fields({"id", "name", "last_fired_time"});
      if (t == "get_all_assets" && chance(0.3))
        p["fields"] = json::object{{"pages", "id,name"},
                                   {"catalogs", json::array{"name"}}};
      return req(rid, c, t, p);
    }
    case 11:
      p["endpoint"] = act + "/campaigns?fields=name&limit=3";
      return req(rid, c, "generic", p);
    case 12:
      p["endpoint"] = id(any(campaigns)) + "?fields=name,objective";
      return req(rid, c,
                 any(std::vector<std::string>{"generic", "get_campaigns"}), p);
    default:
      p["ad_account_id"] = any(std::vector<std::string>{act, act});
      return req(rid, c, "get_campaigns", p);
    }
  }

  /// A random set: tokens, types, params and duplicates vary.
  std::vector<queued_request> set(int max_size) {
    std::vector<queued_request> out;
    auto n = 1 + pick(max_size);
    for (int i = 0; i < n; ++i) {
      if (!out.empty() && chance(0.15)) {
        auto copy = any(out);
        copy.id = i + 1;
        out.push_back(copy);
        continue;
      }
      auto conn = pick(7); // c5 shares org-0's token, c6 has none
      out.push_back(make(i + 1, conn, conn == 5 ? 0 : conn));
    }
    return out;
  }

private:
  std::mt19937 rng_;
  sm::model model_{seed, sm::model_options{}};
};

plan_context world_context() {
  auto ctx = context(5);
  auto c5 = ctx.credentials["c0"];
  c5.connection_id = "c5";
  ctx.credentials["c5"] = c5; // same token as c0
  ctx.credentials["c6"] = connection_credential{"c6", "org", "", {}};
  return ctx;
}

std::string token_of(const plan_context& ctx, const queued_request& r) {
  auto it = ctx.credentials.find(r.connection_id);
  return it == ctx.credentials.end() ? "" : it->second.token;
}

/// Runs a call through the simulator.
upstream_reply run(sim::platform& p, const upstream_call& c,
                   std::int64_t* charged = nullptr) {
  sim::http_request hr;
  hr.method = c.method;
  hr.target = c.target;
  for (const auto& [k, v] : c.headers)
    hr.headers[k] = v;
  hr.body = c.body;
  auto resp = p.handle(hr, sim::time_point{});
  if (charged) *charged += resp.acct.quota_units;
  upstream_reply r;
  r.status = resp.status;
  r.body = resp.body;
  for (const auto& [k, v] : resp.headers) {
    std::string name = k;
    for (auto& ch : name)
      ch = static_cast<char>(std::tolower(ch));
    r.headers[name] = v;
  }
  return r;
}

sim::platform_options sim_options() {
  sim::platform_options o;
  o.seed = seed;
  o.limit_scale = 1000; // budgets are not what these tests are about
  o.public_base_url = "http://127.0.0.1:18101";
  return o;
}

/// The outcome of each request's own naive call.
std::map<std::int64_t, request_outcome>
naive_outcomes(const std::vector<queued_request>& rs, const plan_context& ctx,
               sim::platform& p, std::int64_t* charged, std::int64_t* spent) {
  auto adapter = make_meta_adapter();
  std::map<std::int64_t, request_outcome> out;
  auto rejected = adapter->make_plan(rs, ctx).rejected;
  std::set<std::int64_t> rejected_ids;
  for (const auto& o : rejected) {
    out[o.request_id] = o;
    rejected_ids.insert(o.request_id);
  }
  for (const auto& r : rs) {
    if (rejected_ids.count(r.id)) continue;
    auto c = adapter->naive_call(r, ctx);
    auto s = adapter->split(c, run(p, c, charged), ctx);
    REQUIRE(s.outcomes.size() == 1);
    *spent += s.units_spent;
    out[r.id] = s.outcomes[0];
  }
  return out;
}

void check_same(const request_outcome& got, const request_outcome& want,
                const queued_request& r) {
  INFO("request " << r.id << " " << r.request_type << " "
                  << json::serialize(r.params));
  INFO("got " << to_string(got.kind) << " " << got.error_code << " "
              << got.error_message << " " << got.result_json);
  INFO("want " << to_string(want.kind) << " " << want.error_code << " "
               << want.error_message << " " << want.result_json);
  REQUIRE(got.kind == want.kind);
  if (got.kind == outcome_kind::completed) {
    CHECK(json::parse(got.result_json) == json::parse(want.result_json));
    CHECK(got.result_json == want.result_json);
  } else {
    CHECK(got.error_code == want.error_code);
  }
}

} // namespace

TEST_CASE("meta planner properties over random request sets",
          "[unit][meta][property]") {
  auto adapter = make_meta_adapter();
  auto ctx = world_context();
  generator gen{20260115};
  for (int round = 0; round < 300; ++round) {
    auto rs = gen.set(round % 3 == 0 ? 150 : 40);
    INFO("round " << round << " with " << rs.size() << " requests");
    auto p = adapter->make_plan(rs, ctx);
    // Every request is served exactly once.
    std::multiset<std::int64_t> seen;
    for (const auto& c : p.calls)
      seen.insert(c.serves.begin(), c.serves.end());
    for (const auto& o : p.rejected)
      seen.insert(o.request_id);
    REQUIRE(seen.size() == rs.size());
    for (const auto& r : rs)
      REQUIRE(seen.count(r.id) == 1);
    std::map<std::int64_t, std::string> token;
    for (const auto& r : rs)
      token[r.id] = token_of(ctx, r);
    for (const auto& c : p.calls) {
      const auto* mc =
          dynamic_cast<const pm::meta_call_context*>(c.context.get());
      REQUIRE(mc);
      auto wire = ops_of(c);
      REQUIRE(wire.size() == mc->ops.size());
      CHECK(wire.size() <= 50);
      CHECK(is_batch(c) == (wire.size() > 1));
      std::int64_t units = 0, before_last = 0;
      for (std::size_t i = 0; i < wire.size(); ++i) {
        const auto& op = mc->ops[i];
        units += op.units;
        if (i + 1 < wire.size()) before_last += op.time_cost;
        CHECK(wire[i].token == op.token);
        // No operation (ids= or not) mixes tokens.
        for (auto id : op.request_ids())
          CHECK(token[id] == op.token);
        auto ids = query_of(wire[i].relative_url)["ids"];
        if (op.form == pm::op_form::ids_node ||
            op.form == pm::op_form::ids_edge) {
          auto n = std::count(ids.begin(), ids.end(), ',') + 1;
          CHECK(n <= 50);
          CHECK(n == op.units);
        }
        CHECK(c.label.find(op.token) == std::string::npos);
      }
      CHECK(units == c.quota_units);
      CHECK(before_last <= 1000);
    }
    CHECK(cost_of(p) == meta_minimum_cost(rs, ctx));
  }
}

TEST_CASE("meta plans through adbatch-sim equal naive calls",
          "[unit][meta][property][sim]") {
  auto adapter = make_meta_adapter();
  auto ctx = world_context();
  auto naive_sim = sim::make_meta(sim_options());
  auto plan_sim = sim::make_meta(sim_options());
  generator gen{7};
  std::map<outcome_kind, int> kinds;
  std::map<pm::op_form, int> forms;
  int batches = 0;
  std::int64_t total_naive = 0, total_planned = 0;
  for (int round = 0; round < 60; ++round) {
    auto rs = gen.set(round % 4 == 0 ? 120 : 30);
    INFO("round " << round << " with " << rs.size() << " requests");
    naive_sim->reset_limits();
    plan_sim->reset_limits();
    std::int64_t naive_charged = 0, naive_spent = 0;
    auto want =
        naive_outcomes(rs, ctx, *naive_sim, &naive_charged, &naive_spent);
    CHECK(naive_spent == naive_charged);
    auto p = adapter->make_plan(rs, ctx);
    std::int64_t charged = 0, spent = 0;
    std::map<std::int64_t, request_outcome> got;
    for (const auto& o : p.rejected)
      got[o.request_id] = o;
    for (const auto& c : p.calls) {
      auto s = adapter->split(c, run(*plan_sim, c, &charged), ctx);
      REQUIRE(s.outcomes.size() == c.serves.size());
      spent += s.units_spent;
      for (const auto& o : s.outcomes)
        got[o.request_id] = o;
    }
    for (const auto& r : rs) {
      check_same(got.at(r.id), want.at(r.id), r);
      const auto& o = got.at(r.id);
      if (o.error_code != "missing_token") ++kinds[o.kind];
    }
    for (const auto& c : p.calls) {
      const auto* mc =
          dynamic_cast<const pm::meta_call_context*>(c.context.get());
      batches += mc->batch;
      for (const auto& op : mc->ops)
        ++forms[op.form];
    }
    total_naive += naive_charged;
    total_planned += charged;
    CHECK(charged == cost_of(p).quota_units);
    CHECK(spent == charged);
    CHECK(cost_of(p).quota_units <= naive_charged);
  }
  // The sets exercise every form and mostly complete.
  for (auto f : {pm::op_form::node, pm::op_form::edge, pm::op_form::ids_node,
                 pm::op_form::ids_edge, pm::op_form::generic})
    CHECK(forms[f] > 0);
  CHECK(batches > 0);
  CHECK(kinds[outcome_kind::completed] > 1000);
  CHECK(kinds.size() == 1); // all completed (but for missing tokens)
  CHECK(total_planned < total_naive);
  WARN("completed " << kinds[outcome_kind::completed] << ", permanent "
                    << kinds[outcome_kind::permanent] << ", units "
                    << total_planned << " vs naive " << total_naive);
}

TEST_CASE("meta plans settle failures like naive calls, eventually",
          "[unit][meta][property][sim]") {
  // Not owned and unknown objects mixed into merged reads: the first round
  // fails only what Graph names (others are not attempted, or retried
  // alone); repeating until nothing is left gives each request the outcome
  // kind of its naive call and, when completed, the same result.
  auto adapter = make_meta_adapter();
  auto ctx = world_context();
  auto naive_sim = sim::make_meta(sim_options());
  auto plan_sim = sim::make_meta(sim_options());
  generator gen{99};
  int retried = 0, failed = 0;
  for (int round = 0; round < 40; ++round) {
    auto rs = gen.set(40);
    // Point some requests at accounts their token does not own or that
    // do not exist.
    for (auto& r : rs) {
      if (!gen.chance(0.2)) continue;
      auto bad = gen.chance(0.5) ? account(2 + gen.pick(19)) : account(77);
      if (r.request_type == "get_account_details" ||
          r.request_type == "get_campaigns")
        r.params = json::object{{"ad_account_id", bad}};
      else if (r.request_type == "get_lead")
        r.params = json::object{{"lead_id", "126000009001000001"}};
    }
    INFO("round " << round);
    std::int64_t ignore = 0, ignore2 = 0;
    auto want = naive_outcomes(rs, ctx, *naive_sim, &ignore, &ignore2);
    std::map<std::int64_t, request_outcome> got;
    auto pending = rs;
    for (int pass = 0; pass < 5 && !pending.empty(); ++pass) {
      retried += pass > 0 ? static_cast<int>(pending.size()) : 0;
      auto p = adapter->make_plan(pending, ctx);
      for (const auto& o : p.rejected)
        got[o.request_id] = o;
      std::map<std::int64_t, request_outcome> now;
      std::int64_t charged = 0, spent = 0;
      for (const auto& c : p.calls) {
        auto s = adapter->split(c, run(*plan_sim, c, &charged), ctx);
        spent += s.units_spent;
        for (const auto& o : s.outcomes)
          now[o.request_id] = o;
      }
      CHECK(spent == charged);
      std::vector<queued_request> next;
      for (auto r : pending) {
        auto it = now.find(r.id);
        if (it == now.end()) continue; // rejected
        if (it->second.kind == outcome_kind::not_attempted) {
          next.push_back(r);
        } else if (it->second.kind == outcome_kind::transient) {
          ++r.attempts;
          next.push_back(r);
        } else {
          got[r.id] = it->second;
        }
      }
      pending = std::move(next);
    }
    CHECK(pending.empty());
    for (const auto& r : rs) {
      const auto& g = got.at(r.id);
      const auto& w = want.at(r.id);
      INFO("request " << r.id << " " << r.request_type << " "
                      << json::serialize(r.params) << ": " << to_string(g.kind)
                      << " " << g.error_code << " vs " << to_string(w.kind)
                      << " " << w.error_code);
      REQUIRE(g.kind == w.kind);
      failed +=
          g.kind == outcome_kind::permanent && g.error_code != "missing_token";
      if (g.kind == outcome_kind::completed)
        CHECK(json::parse(g.result_json) == json::parse(w.result_json));
    }
  }
  CHECK(retried > 0);
  CHECK(failed > 0);
}

TEST_CASE("meta splitter matches the simulator's charges under faults",
          "[unit][meta][property][sim]") {
  auto adapter = make_meta_adapter();
  auto ctx = world_context();
  auto opts = sim_options();
  opts.faults.partial_batch_rate = 0.3;
  auto plan_sim = sim::make_meta(opts);
  generator gen{5};
  int nulls = 0, transients = 0;
  for (int round = 0; round < 30; ++round) {
    auto rs = gen.set(60);
    auto p = adapter->make_plan(rs, ctx);
    std::int64_t charged = 0, spent = 0;
    for (const auto& c : p.calls) {
      auto s = adapter->split(c, run(*plan_sim, c, &charged), ctx);
      spent += s.units_spent;
      for (const auto& o : s.outcomes) {
        nulls += o.kind == outcome_kind::not_attempted;
        transients += o.kind == outcome_kind::transient;
      }
    }
    CHECK(spent == charged);
  }
  CHECK(nulls > 0);
  CHECK(transients > 0);
}
