#include "sim/meta/meta_platform.hpp"

#include "sim/core/rate_window.hpp"
#include "sim/meta/batch_refs.hpp"
#include "sim/meta/meta_graph.hpp"
#include "sim/meta/sim_util.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <set>

namespace adbatch::sim {

namespace json = boost::json;
using detail::find_param;
using detail::param_list;
using meta::graph_error_body;
using namespace std::chrono_literals;

namespace {

/// A throttle decision: which Graph error to answer with.
struct throttle {
  int code;
  std::optional<int> subcode;
  std::string message;
};

throttle app_throttle() { return {4, {}, "(#4) Application request limit reached"}; }
throttle user_throttle() { return {17, {}, "(#17) User request limit reached"}; }
throttle custom_throttle() {
  return {613, {}, "(#613) Calls to this api have exceeded the rate limit."};
}
throttle buc_throttle(bool insights) {
  if (insights)
    return {80000, 2446079,
            "(#80000) There have been too many calls from this ad-account. "
            "Wait a bit and try again. For more info, please refer to "
            "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."};
  return {80004, 2446079,
          "(#80004) There have been too many calls to this ad-account. Wait a "
          "bit and try again. For more info, please refer to "
          "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."};
}

bool is_version(std::string_view s) {
  if (s.size() < 4 || s[0] != 'v') return false;
  auto dot = s.find('.');
  if (dot == std::string_view::npos || dot == 1 || dot + 1 >= s.size())
    return false;
  for (std::size_t i = 1; i < s.size(); ++i)
    if (i != dot && !std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
  return true;
}

std::string pct_decode(std::string_view s) {
  auto pv = boost::urls::make_pct_string_view(s);
  if (!pv) return detail::valid_utf8(s);
  std::string out;
  for (char ch : pv->operator*()) out += ch;
  return detail::valid_utf8(out);
}

/// Splits a path into decoded segments and pulls off a leading version.
void split_path(std::string_view path, std::vector<std::string>& segs,
                std::optional<std::string>& version) {
  std::size_t i = 0;
  while (i <= path.size()) {
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) segs.push_back(pct_decode(path.substr(i, j - i)));
    i = j + 1;
  }
  if (!segs.empty() && is_version(segs.front())) {
    version = segs.front();
    segs.erase(segs.begin());
  }
}

/// JSON bodies (some SDKs send them) become form-like parameters.
void append_json_params(const std::string& body, param_list& out) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return;
  for (const auto& [k, val] : v.as_object()) {
    if (val.is_string()) out.emplace_back(std::string(k), std::string(val.as_string()));
    else out.emplace_back(std::string(k), json::serialize(val));
  }
}

class meta_platform final : public platform {
public:
  meta_platform(const platform_options& opts, const meta_options& mo)
    : opts_(opts), mo_(mo), model_(opts.seed, mo.world, mo.ownership),
      graph_(model_, opts.public_base_url, mo.max_ids),
      app_(scaled(200 * mo.app_active_users), 1h, opts.time_scale),
      rng_(opts.seed ^ 0x6d657461ULL) {}

  std::string_view name() const override { return "meta"; }

  void set_faults(const fault_profile& f) override { opts_.faults = f; }

  void reset_limits() override {
    app_.reset();
    users_.clear();
    buc_.clear();
  }

  http_response handle(const http_request& req, time_point now) override {
    try {
      return handle_impl(req, now);
    } catch (const std::exception& e) {
      // Never let bad input escape: answer like Graph's unknown error.
      http_response r;
      r.status = 500;
      r.body = json::serialize(graph_error_body(
        1, "An unknown error has occurred.", "OAuthException", {},
        graph_.next_trace_id(), true));
      r.acct = {"error", 0, 0, true, false};
      return r;
    }
  }

private:
  std::int64_t scaled(std::int64_t published) const {
    return std::max<std::int64_t>(
      1, std::llround(static_cast<double>(published) * opts_.limit_scale));
  }

  rate_window& user_window(const std::string& token) {
    auto it = users_.find(token);
    if (it == users_.end())
      it = users_.emplace(token, rate_window(scaled(mo_.user_calls_per_hour),
                                             1h, opts_.time_scale)).first;
    return it->second;
  }

  rate_window& buc_window(const std::string& account, bool insights) {
    auto key = account + (insights ? "/ads_insights" : "/ads_management");
    auto it = buc_.find(key);
    if (it == buc_.end()) {
      auto idx = static_cast<int>(std::stoll(account) % 10'000'000'000'000LL);
      auto ads = model_.active_ads(idx);
      auto published = insights ? mo_.buc_insights_base + mo_.buc_insights_per_ad * ads
                                : mo_.buc_management_base + mo_.buc_management_per_ad * ads;
      it = buc_.emplace(key, rate_window(scaled(published), 1h, opts_.time_scale)).first;
    }
    return it->second;
  }

  double chance() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

  /// Checks every budget the units need and spends them all, or nothing.
  std::optional<throttle> charge(const std::vector<meta::call_unit>& units,
                                 const std::string& token, time_point now,
                                 std::set<std::pair<std::string, bool>>& touched) {
    auto n = static_cast<std::int64_t>(units.size());
    std::map<std::pair<std::string, bool>, std::int64_t> per_account;
    for (const auto& u : units)
      if (u.account) {
        per_account[{*u.account, u.insights}] += 1;
        touched.insert({*u.account, u.insights});
      }
    if (app_.remaining(now) < n) return app_throttle();
    auto& user = user_window(token);
    if (user.remaining(now) < n) return user_throttle();
    for (const auto& [key, count] : per_account)
      if (buc_window(key.first, key.second).remaining(now) < count)
        return buc_throttle(key.second);
    app_.spend(n, now);
    user.spend(n, now);
    for (const auto& [key, count] : per_account)
      buc_window(key.first, key.second).spend(count, now);
    return std::nullopt;
  }

  std::vector<std::pair<std::string, std::string>> usage_headers(
    const std::set<std::pair<std::string, bool>>& touched, time_point now) {
    std::vector<std::pair<std::string, std::string>> h;
    auto pct = [](double p) { return static_cast<std::int64_t>(std::floor(p)); };
    auto app_pct = app_.used_percent(now);
    h.emplace_back("X-App-Usage",
                   json::serialize(json::object{
                     {"call_count", pct(app_pct)},
                     {"total_cputime", pct(app_pct * 0.5)},
                     {"total_time", pct(app_pct * 0.7)}}));
    if (touched.empty()) return h;
    json::object buc;
    double max_acct_pct = 0;
    std::int64_t reset_secs = 0;
    bool insights_touched = false;
    for (const auto& [account, insights] : touched) {
      auto& w = buc_window(account, insights);
      auto p = w.used_percent(now);
      max_acct_pct = std::max(max_acct_pct, p);
      auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                     w.published_reset_in(now)).count();
      reset_secs = std::max<std::int64_t>(reset_secs, reset);
      insights_touched = insights_touched || insights;
      std::int64_t regain = w.remaining(now) > 0 ? 0 : (reset + 59) / 60;
      json::object entry{{"type", insights ? "ads_insights" : "ads_management"},
                         {"call_count", pct(p)},
                         {"total_cputime", pct(p * 0.5)},
                         {"total_time", pct(p * 0.7)},
                         {"estimated_time_to_regain_access", regain},
                         {"ads_api_access_tier", "standard_access"}};
      auto& arr = buc[account];
      if (!arr.is_array()) arr = json::array{};
      arr.as_array().push_back(std::move(entry));
    }
    h.emplace_back("X-Business-Use-Case-Usage", json::serialize(buc));
    h.emplace_back("X-Ad-Account-Usage",
                   json::serialize(json::object{
                     {"acc_id_util_pct", std::min(max_acct_pct, 100.0)},
                     {"reset_time_duration", max_acct_pct > 0 ? reset_secs : 0},
                     {"ads_api_access_tier", "standard_access"}}));
    if (insights_touched)
      h.emplace_back("x-fb-ads-insights-throttle",
                     json::serialize(json::object{
                       {"app_id_util_pct", std::min(app_pct, 100.0)},
                       {"acc_id_util_pct", std::min(max_acct_pct, 100.0)},
                       {"ads_api_access_tier", "standard_access"}}));
    return h;
  }

  http_response respond(int status, const json::value& body,
                        const std::string& version) {
    http_response r;
    r.status = status;
    r.body = json::serialize(body);
    r.with_header("facebook-api-version", version);
    r.with_header("x-fb-trace-id", graph_.next_trace_id());
    return r;
  }

  json::value error_json(int code, const std::string& msg,
                         std::optional<int> subcode = {},
                         std::optional<bool> transient = {}) {
    return graph_error_body(code, msg, "OAuthException", subcode,
                            graph_.next_trace_id(), transient);
  }

  json::value throttle_json(const throttle& t) {
    return error_json(t.code, t.message, t.subcode, true);
  }

  json::value transient_json() {
    if (chance() < 0.5)
      return error_json(1, "An unknown error occurred", 99, true);
    return error_json(2, "An unexpected error has occurred. Please retry your "
                         "request later.", {}, true);
  }

  http_response handle_impl(const http_request& req, time_point now) {
    std::vector<std::string> segs;
    std::optional<std::string> version;
    split_path(req.path(), segs, version);
    auto ver = version.value_or(mo_.default_version);

    auto params = detail::parse_params(req.query());
    if (!req.body.empty()) {
      auto ct = req.header("Content-Type").value_or("");
      if (ct.find("json") != std::string::npos) append_json_params(req.body, params);
      else if (ct.find("multipart") == std::string::npos)
        for (auto& p : detail::parse_params(req.body)) params.push_back(std::move(p));
    }
    auto method = req.method;
    // Graph honours a method= override (used by some SDKs over POST).
    if (auto m = find_param(params, "method"); m && method == "POST") {
      std::string up;
      for (char ch : *m) up += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (up == "GET" || up == "DELETE") method = up;
    }

    auto token = find_param(params, "access_token");
    if (!token || token->empty()) {
      if (auto auth = req.header("Authorization")) {
        for (std::string_view scheme : {"Bearer ", "OAuth "})
          if (auth->size() > scheme.size()
              && auth->compare(0, scheme.size(), scheme) == 0)
            token = auth->substr(scheme.size());
      }
    }
    bool is_batch = method == "POST" && segs.empty();
    auto label = is_batch ? std::string("batch")
                 : find_param(params, "ids") && segs.size() <= 1 ? std::string("ids")
                 : segs.size() >= 2 && segs[1] == "insights" ? std::string("insights")
                 : segs.size() >= 2 ? std::string("edge") : std::string("node");

    auto fail_with = [&](int status, json::value body, bool throttled) {
      auto r = respond(status, body, ver);
      std::set<std::pair<std::string, bool>> none;
      for (auto& h : usage_headers(none, now)) r.with_header(h.first, h.second);
      r.acct = {label, 0, 0, true, throttled};
      return r;
    };

    if (!token || token->empty()) {
      if (!segs.empty() && segs[0] == "me")
        return fail_with(400, error_json(2500, "An active access token must be "
                                         "used to query information about the current user."), false);
      return fail_with(400, error_json(104, "An access token is required to request this resource."), false);
    }
    if (*token == "expired")
      return fail_with(400, error_json(190, "Error validating access token: "
                                       "Session has expired.", 463), false);
    if (*token == "invalid")
      return fail_with(400, error_json(190, "Invalid OAuth access token - "
                                       "Cannot parse access token"), false);

    // Whole-request faults.
    auto& f = opts_.faults;
    if (f.throttle_storm || (f.throttle_rate > 0 && chance() < f.throttle_rate)) {
      meta::graph_call probe{method, segs, params, ver, *token};
      std::vector<meta::call_unit> units;
      if (!is_batch) units = graph_.admit(probe).units;
      bool scoped = !units.empty() && units.front().account;
      auto t = scoped ? buc_throttle(label == "insights") : custom_throttle();
      return fail_with(mo_.throttle_http_status, throttle_json(t), true);
    }
    if (f.error_rate > 0 && chance() < f.error_rate)
      return fail_with(500, transient_json(), false);

    if (is_batch) return handle_batch(params, *token, ver, now);

    meta::graph_call call{method, segs, params, ver, *token};
    // Unknown or not owned targets and too many ids are refused before any
    // budget is spent (0 quota units).
    auto admission = graph_.admit(call);
    if (admission.refused) {
      auto r = respond(admission.refused->status, admission.refused->body, ver);
      for (auto& h : usage_headers({}, now)) r.with_header(h.first, h.second);
      r.acct = {label, 0, 0, true, false};
      return r;
    }
    const auto& units = admission.units;
    std::set<std::pair<std::string, bool>> touched;
    if (auto t = charge(units, *token, now, touched)) {
      auto r = respond(mo_.throttle_http_status, throttle_json(*t), ver);
      for (auto& h : usage_headers(touched, now)) r.with_header(h.first, h.second);
      r.acct = {label, 0, 0, true, true};
      return r;
    }
    auto res = graph_.execute(call);
    auto r = respond(res.status, res.body, ver);
    for (auto& h : usage_headers(touched, now)) r.with_header(h.first, h.second);
    r.acct = {res.status == 200 ? res.endpoint : label,
              static_cast<std::int64_t>(units.size()), res.items,
              res.status != 200, false};
    return r;
  }

  /// One Batch API operation after parsing.
  struct batch_op {
    std::string method = "GET";
    std::string relative_url;
    std::string body;
    std::string name;
    std::string depends_on;
    std::optional<bool> omit_response_on_success;
  };

  http_response handle_batch(const param_list& params, const std::string& token,
                             const std::string& ver, time_point now) {
    auto batch_fail = [&](int status, json::value body) {
      auto r = respond(status, body, ver);
      for (auto& h : usage_headers({}, now)) r.with_header(h.first, h.second);
      r.acct = {"batch", 0, 0, true, false};
      return r;
    };
    auto text = find_param(params, "batch");
    if (!text)
      return batch_fail(400, error_json(100, "(#100) The parameter batch is required"));
    boost::system::error_code ec;
    auto parsed = json::parse(*text, ec);
    if (ec || !parsed.is_array())
      return batch_fail(400, error_json(100, "(#100) param batch must be a JSON array"));
    const auto& arr = parsed.as_array();
    if (arr.size() > static_cast<std::size_t>(mo_.max_batch_ops))
      return batch_fail(400, error_json(100, "(#100) Too many requests in batch "
                                        "message. Maximum batch size is "
                                        + std::to_string(mo_.max_batch_ops)));
    if (arr.empty())
      return batch_fail(400, error_json(100, "(#100) The parameter batch must be a non-empty array"));
    if (app_.remaining(now) < 1) {
      auto r = respond(mo_.throttle_http_status, throttle_json(app_throttle()), ver);
      for (auto& h : usage_headers({}, now)) r.with_header(h.first, h.second);
      r.acct = {"batch", 0, 0, true, true};
      return r;
    }
    bool include_headers = find_param(params, "include_headers").value_or("true") != "false";

    std::vector<batch_op> ops;
    std::set<std::string> referenced;
    for (const auto& v : arr) {
      batch_op op;
      if (const auto* o = v.if_object()) {
        auto str = [&](const char* k) -> std::string {
          auto p = o->if_contains(k);
          if (!p) return {};
          if (p->is_string()) return std::string(p->as_string());
          if (p->is_object() && std::string_view(k) == "body") {
            param_list form;
            for (const auto& [fk, fv] : p->as_object())
              form.emplace_back(std::string(fk), fv.is_string()
                                                   ? std::string(fv.as_string())
                                                   : json::serialize(fv));
            return detail::encode_params(form);
          }
          return json::serialize(*p);
        };
        op.method = str("method");
        for (auto& ch : op.method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (op.method.empty()) op.method = "GET";
        op.relative_url = str("relative_url");
        op.body = str("body");
        op.name = str("name");
        op.depends_on = str("depends_on");
        if (auto p = o->if_contains("omit_response_on_success")) {
          if (p->is_bool()) op.omit_response_on_success = p->as_bool();
          else if (p->is_string()) op.omit_response_on_success = p->as_string() != "false";
        }
      }
      for (const auto* text : {&op.relative_url, &op.body})
        for (auto& n : meta::referenced_names(*text)) referenced.insert(n);
      ops.push_back(std::move(op));
    }

    std::map<std::string, std::pair<bool, json::value>> results;  // name -> (ok, body)
    json::array out;
    std::set<std::pair<std::string, bool>> touched_all;
    std::int64_t charged = 0;
    bool any_throttled = false;
    std::vector<bool> succeeded(ops.size(), false);
    std::int64_t spent_time = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      auto& op = ops[i];
      // Out of time: the rest of the batch is not completed.
      if (mo_.batch_time_budget > 0 && spent_time > mo_.batch_time_budget) {
        out.push_back(nullptr);
        if (!op.name.empty()) results[op.name] = {false, nullptr};
        continue;
      }
      auto op_error = [&](int status, json::value body) {
        json::object item{{"code", status}, {"body", json::serialize(body)}};
        if (include_headers)
          item["headers"] = json::array{json::object{{"name", "Content-Type"},
                                                     {"value", "text/javascript; charset=UTF-8"}}};
        if (!op.name.empty()) results[op.name] = {false, body};
        out.push_back(std::move(item));
      };
      if (op.relative_url.empty()) {
        op_error(400, error_json(100, "(#100) Missing relative_url in batch request"));
        continue;
      }
      // Fault: not completed in time (null) or a transient per-op error.
      if (opts_.faults.partial_batch_rate > 0 && chance() < opts_.faults.partial_batch_rate) {
        if (chance() < 0.5) {
          out.push_back(nullptr);
          if (!op.name.empty()) results[op.name] = {false, nullptr};
        } else {
          op_error(500, transient_json());
        }
        continue;
      }
      if (!op.depends_on.empty()) {
        auto it = results.find(op.depends_on);
        if (it == results.end() || !it->second.first) {
          op_error(400, error_json(100, "(#100) The operation this request depends on ("
                                   + op.depends_on + ") did not succeed"));
          continue;
        }
      }
      std::string err;
      meta::result_lookup lookup = [&](const std::string& n) -> const json::value* {
        auto it = results.find(n);
        return it == results.end() || !it->second.first ? nullptr : &it->second.second;
      };
      auto url_sub = meta::substitute_results(op.relative_url, lookup, err);
      auto body_sub = url_sub ? meta::substitute_results(op.body, lookup, err) : std::nullopt;
      if (!url_sub || !body_sub) {
        op_error(400, error_json(100, "(#100) " + err));
        continue;
      }
      auto url = std::move(*url_sub);
      auto body = std::move(*body_sub);
      while (!url.empty() && url.front() == '/') url.erase(url.begin());
      auto q = url.find('?');
      meta::graph_call call;
      call.method = op.method;
      std::optional<std::string> op_ver;
      split_path(std::string_view(url).substr(0, q), call.path, op_ver);
      call.version = op_ver.value_or(ver);
      if (q != std::string::npos) call.params = detail::parse_params(std::string_view(url).substr(q + 1));
      if (!body.empty())
        for (auto& p : detail::parse_params(body)) call.params.push_back(std::move(p));
      // Each op is checked with its own token (per-op access_token, else
      // the batch's).
      call.token = find_param(call.params, "access_token").value_or(token);
      if (call.token.empty()) {
        op_error(400, error_json(104, "An access token is required to request this resource."));
        continue;
      }
      if (call.token == "expired" || call.token == "invalid") {
        op_error(400, call.token == "expired"
                        ? error_json(190, "Error validating access token: Session has expired.", 463)
                        : error_json(190, "Invalid OAuth access token - Cannot parse access token"));
        continue;
      }
      // Unknown / not owned objects: refused, not charged.
      auto admission = graph_.admit(call);
      if (admission.refused) {
        spent_time += 1;
        op_error(admission.refused->status, admission.refused->body);
        continue;
      }
      const auto& units = admission.units;
      std::set<std::pair<std::string, bool>> touched;
      if (auto t = charge(units, call.token, now, touched)) {
        touched_all.insert(touched.begin(), touched.end());
        any_throttled = true;
        op_error(mo_.throttle_http_status, throttle_json(*t));
        continue;
      }
      touched_all.insert(touched.begin(), touched.end());
      charged += static_cast<std::int64_t>(units.size());
      auto res = graph_.execute(call);
      spent_time += res.endpoint == "insights" ? 2 + res.items / 5
                    : res.endpoint == "edge" ? 1 + res.items / 25
                    : res.endpoint == "ids" ? std::max<std::int64_t>(1, res.items)
                    : res.endpoint == "write" ? 2 : 1;
      json::object item{{"code", res.status}, {"body", json::serialize(res.body)}};
      if (include_headers) {
        json::array hs{json::object{{"name", "Content-Type"},
                                    {"value", "text/javascript; charset=UTF-8"}},
                       json::object{{"name", "Facebook-API-Version"}, {"value", call.version}}};
        for (auto& [hn, hv] : usage_headers(touched, now))
          hs.push_back(json::object{{"name", hn}, {"value", hv}});
        item["headers"] = std::move(hs);
      }
      succeeded[i] = res.status == 200;
      if (!op.name.empty()) results[op.name] = {res.status == 200, res.body};
      out.push_back(std::move(item));
    }
    // A result another operation referenced is omitted unless asked for.
    for (std::size_t i = 0; i < ops.size(); ++i)
      if (succeeded[i] && !ops[i].name.empty() && referenced.count(ops[i].name)
          && ops[i].omit_response_on_success.value_or(true))
        out[i] = nullptr;

    auto r = respond(200, out, ver);
    for (auto& h : usage_headers(touched_all, now)) r.with_header(h.first, h.second);
    r.acct = {"batch", charged, static_cast<std::int64_t>(ops.size()), false, any_throttled};
    return r;
  }

  platform_options opts_;
  meta_options mo_;
  meta::model model_;
  meta::graph graph_;
  rate_window app_;
  std::map<std::string, rate_window> users_;
  std::map<std::string, rate_window> buc_;
  std::mt19937_64 rng_;
};

} // namespace

std::unique_ptr<platform> make_meta(const platform_options& opts,
                                    const meta_options& meta_opts) {
  return std::make_unique<meta_platform>(opts, meta_opts);
}

std::unique_ptr<platform> make_meta(const platform_options& opts) {
  const meta_options defaults;  // a named value: g++ 12 -O2 warns on a temporary
  return make_meta(opts, defaults);
}

} // namespace adbatch::sim
