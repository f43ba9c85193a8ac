#include "sim/google/google_platform.hpp"

#include "sim/core/rate_window.hpp"
#include "sim/google/google_query.hpp"
#include "sim/meta/sim_util.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <set>

namespace adbatch::sim {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

/// One entry of GoogleAdsFailure.errors.
struct ads_error {
  std::string category; ///< queryError, requestError, quotaError, ...
  std::string code;     ///< enum name
  std::string message;
  std::optional<int> op_index = std::nullopt; ///< operations[i] location
  std::vector<std::string> op_path = {};      ///< e.g. {"create", "name"}
  std::optional<json::object> details = std::nullopt;
};

json::object render_error(const ads_error& e) {
  json::object o;
  o["errorCode"] = json::object{{e.category, e.code}};
  o["message"] = detail::valid_utf8(e.message);
  if (e.op_index) {
    json::array path{
        json::object{{"fieldName", "operations"}, {"index", *e.op_index}}};
    for (const auto& p : e.op_path)
      path.push_back(json::object{{"fieldName", p}});
    o["location"] = json::object{{"fieldPathElements", std::move(path)}};
  }
  if (e.details) o["details"] = *e.details;
  return o;
}

std::string status_name(int http) {
  switch (http) {
  case 400:
    return "INVALID_ARGUMENT";
  case 401:
    return "UNAUTHENTICATED";
  case 403:
    return "PERMISSION_DENIED";
  case 404:
    return "NOT_FOUND";
  case 429:
    return "RESOURCE_EXHAUSTED";
  case 503:
    return "UNAVAILABLE";
  default:
    return "INTERNAL";
  }
}

std::string default_message(int http) {
  switch (http) {
  case 400:
    return "Request contains an invalid argument.";
  case 401:
    return "Request had invalid authentication credentials.";
  case 403:
    return "The caller does not have permission";
  case 404:
    return "Requested entity was not found.";
  case 429:
    return "Resource has been exhausted (e.g. check quota).";
  case 503:
    return "The service is currently unavailable.";
  default:
    return "Internal error encountered.";
  }
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

/// What a create in one mutate collection needs.
struct collection_rules {
  bool needs_name = false;          ///< `name` is required
  std::vector<const char*> parents; ///< existing resource names required
  const char* enum_field = nullptr; ///< another required field
};

std::optional<collection_rules> rules_of(std::string_view collection) {
  if (collection == "campaigns") return collection_rules{true, {}};
  if (collection == "adGroups") return collection_rules{true, {"campaign"}};
  if (collection == "adGroupCriteria" || collection == "adGroupAds")
    return collection_rules{false, {"adGroup"}};
  if (collection == "conversionActions" || collection == "userLists")
    return collection_rules{true, {}};
  if (collection == "assets") return collection_rules{false, {}};
  if (collection == "campaignAssets")
    return collection_rules{false, {"campaign", "asset"}, "fieldType"};
  return std::nullopt;
}

const std::string permission_denied_message =
    "User doesn't have permission to access customer. Note: If you're "
    "accessing a client customer, the manager's customer id must be set in "
    "the 'login-customer-id' header. See "
    "https://developers.google.com/google-ads/api/docs/concepts/"
    "call-structure#cid";

class google_platform final : public platform {
public:
  google_platform(const platform_options& opts, const google_options& go)
      : opts_(opts), go_(go), model_(opts.seed, go.world),
        rng_(opts.seed ^ 0x676f6f676c65ULL) {}

  std::string_view name() const override { return "google"; }
  void set_faults(const fault_profile& f) override { opts_.faults = f; }
  void reset_limits() override {
    daily_.clear();
    qps_.clear();
  }

  http_response handle(const http_request& req, time_point now) override {
    try {
      return handle_impl(req, now);
    } catch (const std::exception&) {
      return error(500, "", {}, "other", false);
    }
  }

private:
  std::int64_t scaled(std::int64_t published) const {
    return std::max<std::int64_t>(
        1, std::llround(static_cast<double>(published) * opts_.limit_scale));
  }
  double chance() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

  std::string request_id() {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    auto h =
        detail::stable_hash(opts_.seed, "reqid", std::to_string(++counter_));
    std::string out;
    for (int i = 0; i < 22; ++i) {
      if (i == 11) h = detail::stable_hash(h, "more");
      out += alphabet[h % 64];
      h /= 64;
    }
    return out;
  }

  json::value error_body(int http, const std::string& message,
                         const std::vector<ads_error>& errors,
                         const std::string& rid) {
    json::object e;
    e["code"] = http;
    e["message"] =
        detail::valid_utf8(message.empty() ? default_message(http) : message);
    e["status"] = status_name(http);
    if (!errors.empty()) {
      json::array errs;
      for (const auto& x : errors)
        errs.push_back(render_error(x));
      e["details"] = json::array{
          json::object{{"@type", "type.googleapis.com/google.ads.googleads." +
                                     version_ + ".errors.GoogleAdsFailure"},
                       {"errors", std::move(errs)},
                       {"requestId", rid}}};
    }
    return json::object{{"error", std::move(e)}};
  }

  http_response error(int http, const std::string& message,
                      const std::vector<ads_error>& errors,
                      const std::string& endpoint, bool throttled) {
    auto rid = request_id();
    http_response r;
    r.status = http;
    auto body = error_body(http, message, errors, rid);
    // Streaming methods wrap their error in an array, as the REST
    // transcoding of a server stream does.
    if (endpoint == "searchStream")
      r.body = json::serialize(json::array{body});
    else
      r.body = json::serialize(body);
    r.with_header("request-id", rid);
    r.acct = {endpoint, 0, 0, true, throttled};
    return r;
  }

  http_response error(int http, ads_error e, const std::string& endpoint) {
    std::vector<ads_error> v;
    v.push_back(std::move(e));
    return error(http, "", v, endpoint, false);
  }

  http_response ok(json::value body, const std::string& endpoint,
                   std::int64_t units, std::int64_t items,
                   const std::string& rid) {
    http_response r;
    r.body = json::serialize(body);
    r.with_header("request-id", rid);
    r.acct = {endpoint, units, items, false, false};
    return r;
  }

  http_response temporarily_exhausted(const std::string& endpoint,
                                      std::int64_t delay_s,
                                      const std::string& scope) {
    ads_error e{"quotaError", "RESOURCE_TEMPORARILY_EXHAUSTED",
                "Too many requests. Retry in " + std::to_string(delay_s) +
                    " seconds."};
    e.details = json::object{
        {"quotaErrorDetails",
         json::object{{"rateScope", scope},
                      {"rateName", scope == "CUSTOMER"
                                       ? "Requests per customer"
                                       : "Requests per developer token"},
                      {"retryDelay", std::to_string(delay_s) + "s"}}}};
    std::vector<ads_error> v;
    v.push_back(std::move(e));
    return error(429, "", v, endpoint, true);
  }

  http_response handle_impl(const http_request& req, time_point now) {
    // /vNN/customers/{id}/googleAds:searchStream ...
    std::vector<std::string> segs;
    {
      std::string_view p = req.path();
      std::size_t i = 0;
      while (i <= p.size()) {
        auto j = p.find('/', i);
        if (j == std::string_view::npos) j = p.size();
        if (j > i) segs.emplace_back(p.substr(i, j - i));
        i = j + 1;
      }
    }
    auto not_found = [&](const std::string& why) {
      return error(404, why, {}, "other", false);
    };
    if (segs.empty() || segs[0].size() < 2 || segs[0].size() > 4 ||
        segs[0][0] != 'v' || !all_digits(segs[0].substr(1)))
      return not_found("The requested URL " + std::string(req.path()) +
                       " was not found on this server.");
    int ver = std::stoi(segs[0].substr(1));
    version_ = segs[0];
    if (ver < go_.min_version)
      return not_found("Version " + segs[0] +
                       " of the Google Ads API has been sunset and is no "
                       "longer available. Migrate to v" +
                       std::to_string(go_.max_version) + ".");
    if (ver > go_.max_version)
      return not_found("The requested URL " + std::string(req.path()) +
                       " was not found on this server.");

    std::string endpoint, customer, collection;
    if (segs.size() == 2 && segs[1] == "customers:listAccessibleCustomers") {
      endpoint = "listAccessibleCustomers";
    } else if (segs.size() == 4 && segs[1] == "customers") {
      customer = segs[2];
      const auto& m = segs[3];
      if (m == "googleAds:searchStream")
        endpoint = "searchStream";
      else if (m == "googleAds:search")
        endpoint = "search";
      else if (m.size() > 7 && m.substr(m.size() - 7) == ":mutate") {
        collection = m.substr(0, m.size() - 7);
        if (rules_of(collection)) endpoint = "mutate";
      }
    }
    if (endpoint.empty())
      return not_found("The requested URL " + std::string(req.path()) +
                       " was not found on this server.");
    bool want_post = endpoint != "listAccessibleCustomers";
    if ((want_post && req.method != "POST") ||
        (!want_post && req.method != "GET"))
      return not_found("Method " + req.method + " not allowed on " +
                       std::string(req.path()) + ".");

    // Credentials.
    auto auth = req.header("Authorization").value_or("");
    if (auth.rfind("Bearer ", 0) != 0 || auth.size() <= 7)
      return error(401,
                   "Request is missing required authentication credential. "
                   "Expected OAuth 2 access token, login cookie or other valid "
                   "authentication credential. See "
                   "https://developers.google.com/identity/sign-in/web/"
                   "devconsole-project.",
                   {}, endpoint, false);
    auto dev_token = req.header("developer-token").value_or("");
    if (dev_token.empty())
      return error(
          400,
          ads_error{
              "requestError", "DEVELOPER_TOKEN_PARAMETER_MISSING",
              "The developer-token parameter is required for all requests."},
          endpoint);

    // Customer access: the token must own the customer (a manager: at
    // least one client under it), and a manager-owned client needs that
    // manager (or itself) as login-customer-id.
    const auto token = auth.substr(7);
    int n = 0;
    if (!customer.empty()) {
      if (!all_digits(customer))
        return error(400,
                     ads_error{"requestError", "INVALID_CUSTOMER_ID",
                               "Invalid customer ID '" + customer + "'."},
                     endpoint);
      n = model_.customer_index(customer);
      auto login = req.header("login-customer-id").value_or("");
      login.erase(std::remove(login.begin(), login.end(), '-'), login.end());
      auto owner = n > 0 ? model_.manager_of(n) : std::string{};
      bool owned = n > 0   ? google::owns_customer(go_, token, n)
                   : n < 0 ? google::owns_manager(go_, token, -n)
                           : false;
      if (!owned || (login.empty() && !owner.empty()) ||
          (!login.empty() && login != customer && login != owner))
        return error(403,
                     ads_error{"authorizationError", "USER_PERMISSION_DENIED",
                               permission_denied_message},
                     endpoint);
    }

    // Whole-request faults.
    auto& f = opts_.faults;
    if (f.throttle_storm || (f.throttle_rate > 0 && chance() < f.throttle_rate))
      return temporarily_exhausted(endpoint, 1, "CUSTOMER");
    if (f.error_rate > 0 && chance() < f.error_rate)
      return chance() < 0.5
                 ? error(500,
                         ads_error{"internalError", "INTERNAL_ERROR",
                                   "An internal error has occurred."},
                         endpoint)
                 : error(503, "", {}, endpoint, false);

    json::object body;
    if (want_post) {
      boost::system::error_code ec;
      auto v = json::parse(req.body.empty() ? std::string("{}") : req.body, ec);
      if (ec || !v.is_object())
        return error(400, "Invalid JSON payload received.", {}, endpoint,
                     false);
      body = std::move(v.as_object());
    }

    // Request-shape errors are answered before any budget is charged.
    if (endpoint == "search" || endpoint == "searchStream")
      if (auto bad = check_query_body(endpoint, body)) return std::move(*bad);

    // Operations this request costs.
    std::int64_t ops = 1;
    if (endpoint == "search" && body.contains("pageToken")) ops = 0;
    json::array operations;
    if (endpoint == "mutate") {
      if (auto p = body.if_contains("operations"); p && p->is_array())
        operations = p->as_array();
      if (operations.empty())
        return error(400,
                     ads_error{"mutateError", "OPERATION_REQUIRED",
                               "At least one operation is required."},
                     endpoint);
      if (operations.size() >
          static_cast<std::size_t>(go_.max_mutate_operations))
        return error(
            400,
            ads_error{"requestError", "TOO_MANY_MUTATE_OPERATIONS",
                      "Too many mutate operations in a single request: " +
                          std::to_string(operations.size()) + " (maximum " +
                          std::to_string(go_.max_mutate_operations) + ")."},
            endpoint);
      ops = static_cast<std::int64_t>(operations.size());
    }

    // Budgets: per-customer rate, then the token's daily operations.
    if (!customer.empty()) {
      auto it = qps_.find(customer);
      if (it == qps_.end())
        // Not scaled by limit_scale: it is no published budget, and
        // scaling it would throttle tiny-budget tests by rate first.
        it = qps_.emplace(customer, rate_window(std::max<std::int64_t>(
                                                    1, go_.customer_qps),
                                                1s, opts_.time_scale))
                 .first;
      if (!it->second.try_spend(1, now)) {
        auto delay = std::chrono::duration_cast<std::chrono::seconds>(
                         it->second.published_reset_in(now) + 999ms)
                         .count();
        return temporarily_exhausted(endpoint, std::max<std::int64_t>(1, delay),
                                     "CUSTOMER");
      }
    }
    auto dit = daily_.find(dev_token);
    if (dit == daily_.end())
      dit = daily_
                .emplace(dev_token, rate_window(scaled(go_.daily_operations),
                                                24h, opts_.time_scale))
                .first;
    if (ops > 0 && !dit->second.try_spend(ops, now)) {
      ads_error e{
          "quotaError",
          "RESOURCE_EXHAUSTED",
          "Too many requests. Retry in " +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                 dit->second.published_reset_in(now))
                                 .count()) +
              " seconds.",
      };
      json::object qd{{"rateScope", "DEVELOPER"},
                      {"rateName", "Number of operations for basic access"}};
      if (go_.daily_retry_delay_hint)
        qd["retryDelay"] =
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                               dit->second.published_reset_in(now))
                               .count()) +
            "s";
      e.details = json::object{{"quotaErrorDetails", std::move(qd)}};
      std::vector<ads_error> v;
      v.push_back(std::move(e));
      return error(429, "", v, endpoint, true);
    }

    if (endpoint == "listAccessibleCustomers") {
      // The managers the token reaches owned clients through, then the
      // owned clients that need no manager.
      json::array names;
      for (int m = 1; m <= go_.world.managers; ++m)
        if (google::owns_manager(go_, token, m))
          names.push_back(json::string("customers/" + model_.customer_id(-m)));
      for (int c = 1; c <= go_.world.customers; ++c)
        if (model_.manager_of(c).empty() &&
            google::owns_customer(go_, token, c))
          names.push_back(json::string("customers/" + model_.customer_id(c)));
      auto count = static_cast<std::int64_t>(names.size());
      return ok(json::object{{"resourceNames", std::move(names)}}, endpoint,
                ops, count, request_id());
    }
    if (endpoint == "mutate")
      return mutate(customer, collection, operations, body, ops);
    return query(n, endpoint, body, ops);
  }

  static std::string summary_setting_of(const json::object& body) {
    // NO_SUMMARY_ROW (default), SUMMARY_ROW_WITH_RESULTS, SUMMARY_ROW_ONLY.
    if (auto s = body.if_contains("summaryRowSetting"); s && s->is_string())
      return std::string(s->as_string());
    return "NO_SUMMARY_ROW";
  }

  /// The request errors of a search body (checked before any charge).
  std::optional<http_response> check_query_body(const std::string& endpoint,
                                                const json::object& body) {
    auto q = body.if_contains("query");
    if (!q || !q->is_string() || q->as_string().empty())
      return error(400,
                   ads_error{"requestError", "REQUIRED_FIELD_MISSING",
                             "The query field is required."},
                   endpoint);
    if (endpoint == "search" && body.contains("pageSize"))
      return error(400,
                   ads_error{"requestError", "PAGE_SIZE_NOT_SUPPORTED",
                             "Setting the page size is not supported. Search "
                             "responses have a fixed page size of " +
                                 std::to_string(go_.page_size) + " rows."},
                   endpoint);
    auto summary_setting = summary_setting_of(body);
    if (summary_setting != "NO_SUMMARY_ROW" &&
        summary_setting != "SUMMARY_ROW_WITH_RESULTS" &&
        summary_setting != "SUMMARY_ROW_ONLY")
      return error(400,
                   ads_error{"requestError", "INVALID_ENUM_VALUE",
                             "Invalid value for summaryRowSetting: " +
                                 summary_setting + "."},
                   endpoint);
    return std::nullopt;
  }

  /// An error answered after the budget was charged: it keeps the charge.
  http_response charged_error(int http, ads_error e,
                              const std::string& endpoint, std::int64_t ops) {
    auto r = error(http, std::move(e), endpoint);
    r.acct.quota_units = ops;
    return r;
  }

  http_response query(int n, const std::string& endpoint,
                      const json::object& body, std::int64_t ops) {
    std::string text(body.at("query").as_string());
    auto summary_setting = summary_setting_of(body);
    bool want_summary = summary_setting != "NO_SUMMARY_ROW";
    auto res = google::run_query(model_, n, text, want_summary,
                                 go_.omit_default_values);
    // A query the API rejects (GAQL errors, metrics for a manager, summary
    // row without metrics) was executed: its operation stays charged.
    if (auto* f = std::get_if<google::query_failure>(&res))
      return charged_error(400, ads_error{f->category, f->code, f->message},
                           endpoint, ops);
    auto& rows = std::get<google::query_rows>(res);
    if (summary_setting == "SUMMARY_ROW_ONLY") rows.rows.clear();
    auto total = static_cast<std::int64_t>(rows.rows.size());
    auto rid = request_id();
    auto page = static_cast<std::size_t>(std::max(1, go_.page_size));
    auto consumption = std::to_string(1 + total / 100);
    if (endpoint == "searchStream") {
      json::array batches;
      for (std::size_t i = 0;
           i < rows.rows.size() || (i == 0 && batches.empty()); i += page) {
        json::object b;
        if (!rows.rows.empty()) {
          json::array results;
          for (std::size_t j = i; j < std::min(rows.rows.size(), i + page); ++j)
            results.push_back(std::move(rows.rows[j]));
          b["results"] = std::move(results);
        }
        b["fieldMask"] = rows.field_mask;
        b["requestId"] = rid;
        batches.push_back(std::move(b));
        if (rows.rows.empty()) break;
      }
      // The summary row comes last, alone in its own batch.
      if (rows.summary) {
        if (rows.rows.empty()) batches.clear();
        batches.push_back(json::object{{"summaryRow", std::move(*rows.summary)},
                                       {"fieldMask", rows.field_mask},
                                       {"requestId", rid}});
      }
      batches.back().as_object()["queryResourceConsumption"] = consumption;
      return ok(std::move(batches), endpoint, ops, total, rid);
    }
    // :search pages; the token binds the offset to the query text.
    auto qtag =
        detail::hex_id(detail::stable_hash(opts_.seed, "query", text), 8);
    std::size_t offset = 0;
    if (auto t = body.if_contains("pageToken"); t && t->is_string()) {
      std::string tok(t->as_string());
      auto cur = tok.size() > 9 && tok.substr(0, 8) == qtag && tok[8] == '.'
                     ? detail::decode_cursor(tok.substr(9))
                     : std::nullopt;
      if (!cur || *cur < 0 ||
          static_cast<std::size_t>(*cur) >= rows.rows.size())
        return charged_error(400,
                             ads_error{"requestError", "INVALID_PAGE_TOKEN",
                                       "Page token is invalid."},
                             endpoint, ops);
      offset = static_cast<std::size_t>(*cur);
    }
    json::object out;
    json::array results;
    auto end = std::min(rows.rows.size(), offset + page);
    for (auto j = offset; j < end; ++j)
      results.push_back(std::move(rows.rows[j]));
    auto served = static_cast<std::int64_t>(results.size());
    if (!results.empty()) out["results"] = std::move(results);
    out["fieldMask"] = rows.field_mask;
    if (end < rows.rows.size())
      out["nextPageToken"] =
          qtag + "." + detail::encode_cursor(static_cast<std::int64_t>(end));
    else if (rows.summary)
      out["summaryRow"] = std::move(*rows.summary); // on the last page
    if (auto t = body.if_contains("returnTotalResultsCount");
        t && t->is_bool() && t->as_bool())
      out["totalResultsCount"] = std::to_string(total);
    out["requestId"] = rid;
    out["queryResourceConsumption"] = consumption;
    return ok(std::move(out), endpoint, ops, served, rid);
  }

  http_response mutate(const std::string& customer,
                       const std::string& collection,
                       const json::array& operations, const json::object& body,
                       std::int64_t ops) {
    auto flag = [&](const char* k) {
      auto p = body.if_contains(k);
      return p && p->is_bool() && p->as_bool();
    };
    bool partial = flag("partialFailure");
    bool validate_only = flag("validateOnly");
    std::vector<ads_error> errors;
    std::vector<std::optional<std::string>> results;
    auto prefix = "customers/" + customer + "/";
    auto exists = [&](const std::string& rn) {
      return rn.rfind(prefix, 0) == 0 &&
             (model_.exists(rn) || created_.count(rn));
    };
    const auto rules = *rules_of(collection);
    std::vector<std::string> to_create;
    for (std::size_t i = 0; i < operations.size(); ++i) {
      auto idx = static_cast<int>(i);
      const auto* op = operations[i].if_object();
      auto fail = [&](std::string cat, std::string code, std::string msg,
                      std::vector<std::string> path) {
        errors.push_back({std::move(cat),
                          std::move(code),
                          std::move(msg),
                          idx,
                          std::move(path),
                          {}});
        results.emplace_back(std::nullopt);
      };
      if (opts_.faults.partial_batch_rate > 0 &&
          chance() < opts_.faults.partial_batch_rate) {
        fail("databaseError", "CONCURRENT_MODIFICATION",
             "Multiple requests were attempting to modify the same resource at "
             "once. Retry the request.",
             {});
        continue;
      }
      if (!op) {
        fail("requestError", "REQUIRED_FIELD_MISSING",
             "The operation must be an object.", {});
        continue;
      }
      if (auto c = op->if_contains("create"); c && c->is_object()) {
        const auto& obj = c->as_object();
        auto text_field = [&](const char* k) -> std::optional<std::string> {
          auto p = obj.if_contains(k);
          if (!p || !p->is_string() || p->as_string().empty())
            return std::nullopt;
          return std::string(p->as_string());
        };
        if (rules.needs_name && !text_field("name")) {
          fail("fieldError", "REQUIRED", "The required field was not present.",
               {"create", "name"});
          continue;
        }
        std::vector<std::string> parents;
        bool bad = false;
        for (const char* field : rules.parents) {
          auto parent = text_field(field);
          if (!parent) {
            fail("fieldError", "REQUIRED",
                 "The required field was not present.", {"create", field});
            bad = true;
            break;
          }
          if (!exists(*parent)) {
            fail("mutateError", "RESOURCE_NOT_FOUND",
                 "The requested resource was not found: " + *parent + ".",
                 {"create", field});
            bad = true;
            break;
          }
          parents.push_back(*parent);
        }
        if (bad) continue;
        std::optional<std::string> extra;
        if (rules.enum_field) {
          extra = text_field(rules.enum_field);
          if (!extra) {
            fail("fieldError", "REQUIRED",
                 "The required field was not present.",
                 {"create", rules.enum_field});
            continue;
          }
        }
        auto id_of = [](const std::string& rn) {
          return rn.substr(rn.rfind('/') + 1);
        };
        auto id = std::to_string(800000000000LL +
                                 static_cast<std::int64_t>(next_id_++));
        std::string rn;
        if (collection == "adGroupAds" || collection == "adGroupCriteria")
          rn = prefix + collection + "/" + id_of(parents[0]) + "~" + id;
        else if (collection == "campaignAssets")
          rn = prefix + collection + "/" + id_of(parents[0]) + "~" +
               id_of(parents[1]) + "~" + *extra;
        else
          rn = prefix + collection + "/" + id;
        to_create.push_back(rn);
        results.emplace_back(rn);
        continue;
      }
      if (auto u = op->if_contains("update"); u && u->is_object()) {
        auto rn = u->as_object().if_contains("resourceName");
        if (!rn || !rn->is_string()) {
          fail("fieldError", "REQUIRED", "The required field was not present.",
               {"update", "resource_name"});
          continue;
        }
        auto mask = op->if_contains("updateMask");
        if (!mask || !mask->is_string() || mask->as_string().empty()) {
          fail("fieldMaskError", "FIELD_MASK_MISSING",
               "The field mask must be set for update operations.",
               {"update_mask"});
          continue;
        }
        std::string name(rn->as_string());
        if (!exists(name)) {
          fail("mutateError", "RESOURCE_NOT_FOUND",
               "The requested resource was not found: " + name + ".",
               {"update", "resource_name"});
          continue;
        }
        results.emplace_back(name);
        continue;
      }
      if (auto r = op->if_contains("remove"); r && r->is_string()) {
        std::string name(r->as_string());
        if (!exists(name)) {
          fail("mutateError", "RESOURCE_NOT_FOUND",
               "The requested resource was not found: " + name + ".",
               {"remove"});
          continue;
        }
        results.emplace_back(name);
        continue;
      }
      fail("requestError", "REQUIRED_FIELD_MISSING",
           "The operation must set one of create, update or remove.", {});
    }
    auto rid = request_id();
    if (!errors.empty() && !partial) {
      auto r = error(400, "", errors, "mutate", false);
      r.acct.quota_units = ops;
      r.acct.items = static_cast<std::int64_t>(operations.size());
      return r;
    }
    if (!validate_only) created_.insert(to_create.begin(), to_create.end());
    json::object out;
    if (!validate_only) {
      json::array arr;
      for (const auto& r : results)
        arr.push_back(r ? json::value(json::object{{"resourceName", *r}})
                        : json::value(json::object{}));
      out["results"] = std::move(arr);
    }
    if (!errors.empty()) {
      json::array errs;
      for (const auto& e : errors)
        errs.push_back(render_error(e));
      std::string first = errors.front().message + ", at operations[" +
                          std::to_string(*errors.front().op_index) + "]";
      out["partialFailureError"] = json::object{
          {"code", 3},
          {"message",
           errors.size() == 1
               ? first
               : "Multiple errors in 'details'. First error: " + first},
          {"details",
           json::array{json::object{
               {"@type", "type.googleapis.com/google.ads.googleads." +
                             version_ + ".errors.GoogleAdsFailure"},
               {"errors", std::move(errs)},
               {"requestId", rid}}}}};
    }
    auto r = ok(std::move(out), "mutate", ops,
                static_cast<std::int64_t>(operations.size()), rid);
    r.acct.error = !errors.empty();
    return r;
  }

  platform_options opts_;
  google_options go_;
  google::google_model model_;
  std::map<std::string, rate_window> daily_;
  std::map<std::string, rate_window> qps_;
  std::set<std::string> created_;
  std::uint64_t next_id_ = 1;
  std::uint64_t counter_ = 0;
  std::string version_ = "v21";
  std::mt19937_64 rng_;
};

} // namespace

namespace google {

namespace {

/// k % m of a scoped token "org-<k>" / "org-<k>-<anything>", else nullopt.
std::optional<std::uint64_t> scoped_residue(std::string_view token,
                                            std::uint64_t m) {
  if (token.substr(0, 4) != "org-") return std::nullopt;
  token.remove_prefix(4);
  std::size_t i = 0;
  std::uint64_t r = 0;
  for (; i < token.size() && token[i] >= '0' && token[i] <= '9'; ++i)
    r = (r * 10 + static_cast<std::uint64_t>(token[i] - '0')) % m;
  if (i == 0 || (i < token.size() && token[i] != '-')) return std::nullopt;
  return r;
}

} // namespace

bool owns_customer(const google_options& opts, std::string_view token, int i) {
  if (i < 1) return false;
  if (auto it = opts.token_owners.find(std::string(token));
      it != opts.token_owners.end())
    return std::find(it->second.begin(), it->second.end(), i) !=
           it->second.end();
  auto m = static_cast<std::uint64_t>(std::max(1, opts.ownership_modulus));
  if (auto k = scoped_residue(token, m))
    return static_cast<std::uint64_t>(i - 1) % m == *k;
  return true;
}

std::vector<int> owned_customers(const google_options& opts,
                                 std::string_view token) {
  std::vector<int> out;
  for (int i = 1; i <= opts.world.customers; ++i)
    if (owns_customer(opts, token, i)) out.push_back(i);
  return out;
}

bool owns_manager(const google_options& opts, std::string_view token, int m) {
  if (m < 1 || m > opts.world.managers) return false;
  auto id = std::to_string(9'000'000'000LL + m);
  for (int i = 1; i <= opts.world.customers; ++i)
    if (manager_of(opts.world, i) == id && owns_customer(opts, token, i))
      return true;
  return false;
}

std::string client_customer_id(int i) {
  return std::to_string(1'000'000'000LL + i);
}

std::string login_customer_for(const google_options& opts, int i) {
  return manager_of(opts.world, i);
}

} // namespace google

std::unique_ptr<platform> make_google(const platform_options& opts,
                                      const google_options& google_opts) {
  return std::make_unique<google_platform>(opts, google_opts);
}

std::unique_ptr<platform> make_google(const platform_options& opts) {
  return make_google(opts, google_options{});
}

} // namespace adbatch::sim
