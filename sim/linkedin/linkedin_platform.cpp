// The LinkedIn simulator's request pipeline: query tunnelling, headers
// (auth, LinkedIn-Version, Rest.li protocol), faults, daily budgets, routing.

#include "sim/linkedin/linkedin_platform.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <mutex>
#include <random>
#include <unordered_map>

#include "sim/core/rate_window.hpp"
#include "sim/linkedin/linkedin_internal.hpp"

namespace adbatch::sim {

namespace json = boost::json;
using namespace linkedin;

namespace {

constexpr auto day = std::chrono::hours{24};

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string{s};
}

// YYYYMM -> months since year 0, or nullopt if malformed.
std::optional<int> month_index(std::string_view v) {
  if (v.size() != 6
      || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  int y = std::stoi(std::string{v.substr(0, 4)});
  int m = std::stoi(std::string{v.substr(4, 2)});
  if (m < 1 || m > 12) return std::nullopt;
  return y * 12 + (m - 1);
}

std::string current_month_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[8];
  std::strftime(buf, sizeof buf, "%Y%m", &tm);
  return buf;
}

bool has_restli2_syntax(std::string_view query) {
  return query.find("List(") != std::string_view::npos
         || query.find("=(") != std::string_view::npos
         || query.find("List%28") != std::string_view::npos;
}

class linkedin_platform final : public platform {
public:
  linkedin_platform(const platform_options& opts, const linkedin_options& li)
    : opts_(opts),
      li_(li),
      data_(opts.seed, li.catalog),
      rng_(opts.seed ^ 0x11e4ed1aULL),
      time_scale_(opts.time_scale) {
    if (li_.current_version.empty()) li_.current_version = current_month_utc();
    if (li_.active_versions.empty()) {
      auto newest = month_index(li_.current_version).value_or(0);
      for (int i = 0; i < std::max(1, li_.active_months); ++i) {
        int idx = newest - i;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%04d%02d", idx / 12, idx % 12 + 1);
        li_.active_versions.push_back(buf);
      }
    }
  }

  std::string_view name() const override { return "linkedin"; }

  http_response handle(const http_request& req, time_point now) override {
    std::lock_guard lock{mutex_};
    auto r = handle_locked(req, now);
    r.with_header("X-RestLi-Protocol-Version", "2.0.0");
    r.with_header("x-li-uuid", request_uuid());
    return r;
  }

  void set_faults(const fault_profile& faults) override {
    std::lock_guard lock{mutex_};
    opts_.faults = faults;
  }

  void reset_limits() override {
    std::lock_guard lock{mutex_};
    app_day_.clear();
    member_day_.clear();
  }

private:
  std::int64_t scaled(std::int64_t limit) const {
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(
                                       static_cast<double>(limit) * opts_.limit_scale));
  }

  std::string request_uuid() {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    auto r = rng_();
    for (int i = 0; i < 16; ++i) s += hex[(r >> (i * 4)) & 0xf];
    return s;
  }

  http_response handle_locked(const http_request& req, time_point now) {
    auto path = req.path();
    if (path.substr(0, 6) != "/rest/")
      return with_label(restli_error(404, "", "No virtual resource found"), "unknown");

    // Split the path into decoded segments ("adAccounts", "123", ...).
    std::vector<std::string> segs;
    std::string_view rest = path.substr(6);
    while (!rest.empty()) {
      auto slash = rest.find('/');
      auto seg = rest.substr(0, slash);
      if (!seg.empty()) segs.emplace_back(seg);
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    std::string resource = segs.empty() ? "unknown" : segs.front();
    std::string label = resource;
    if (segs.size() >= 3) label = segs[2];

    // 1. Authentication.
    auto auth = req.header("Authorization");
    if (!auth || trim(*auth).empty())
      return with_label(restli_error(401, "EMPTY_ACCESS_TOKEN", "Empty oauth2_access_token", 65604), label);
    auto auth_v = trim(*auth);
    if (lower(auth_v.substr(0, 7)) != "bearer ")
      return with_label(restli_error(401, "INVALID_ACCESS_TOKEN",
                                     "Unknown authentication scheme", 65600), label);
    auto token = trim(auth_v.substr(7));
    if (token.empty())
      return with_label(restli_error(401, "EMPTY_ACCESS_TOKEN", "Empty oauth2_access_token", 65604), label);
    if (token.rfind("expired", 0) == 0)
      return with_label(restli_error(401, "EXPIRED_ACCESS_TOKEN",
                                     "The token used in the request has expired", 65601), label);
    if (token.rfind("invalid", 0) == 0)
      return with_label(restli_error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600), label);

    // 2. LinkedIn-Version.
    auto version = req.header("LinkedIn-Version");
    if (!version || trim(*version).empty())
      return with_label(restli_error(400, "VERSION_MISSING",
                                     "A version must be present. Please specify a version by "
                                     "adding the LinkedIn-Version header."), label);
    auto v = trim(*version);
    std::string month = v.substr(0, v.find('.'));
    std::string patch = v.find('.') == std::string::npos ? "01" : v.substr(v.find('.') + 1);
    if (!month_index(month))
      return with_label(restli_error(400, "INVALID_VERSION",
                                     "Invalid version " + v + ". Versions have the form YYYYMM"), label);
    if (std::find(li_.active_versions.begin(), li_.active_versions.end(), month)
        == li_.active_versions.end())
      return with_label(restli_error(426, "NONEXISTENT_VERSION",
                                     "Requested version " + month + patch + " is not active"), label);

    // 3. Method and query, undoing query tunnelling.
    std::string method = req.method;
    std::string query{req.query()};
    if (method == "POST") {
      auto override_m = req.header("X-HTTP-Method-Override");
      if (override_m && lower(trim(*override_m)) == "get") {
        auto ct = lower(req.header("Content-Type").value_or(""));
        if (ct.rfind("application/x-www-form-urlencoded", 0) != 0)
          return with_label(restli_error(400, "ILLEGAL_ARGUMENT",
                                         "Query tunnelling requires Content-Type "
                                         "application/x-www-form-urlencoded"), label);
        if (!req.body.empty()) query = query.empty() ? req.body : query + "&" + req.body;
        method = "GET";
      }
    }
    if (method != "GET")
      return with_label(restli_error(405, "METHOD_NOT_ALLOWED",
                                     "Method " + method + " is not supported by the simulator"), label);

    // 4. Rest.li protocol 2.0: without the header the server parses
    // protocol 1.0, where List(...) and (k:v) are not syntax.
    auto proto = req.header("X-RestLi-Protocol-Version");
    bool v2 = proto && trim(*proto) == "2.0.0";
    if (!v2 && has_restli2_syntax(query))
      return with_label(restli_error(400, "ILLEGAL_ARGUMENT",
                                     "Invalid query parameters passed to request: Rest.li 2.0 "
                                     "syntax requires the header X-RestLi-Protocol-Version: 2.0.0"), label);

    auto params = restli::split_query(query);
    if (!params)
      return with_label(restli_error(400, "ILLEGAL_ARGUMENT", "Malformed query string"), label);
    query_map q;
    for (auto& p : *params) q[p.name] = p.raw_value;

    // 5. Route (before any budget is spent: unknown resources cost nothing).
    token_ = token;
    auto route = resolve(segs, q);
    if (!route.error.body.empty()) return with_label(std::move(route.error), label);
    label += ":" + route.kind;

    auto restli_method = req.header("X-RestLi-Method");
    if (restli_method && route.kind == "batch_get" && lower(trim(*restli_method)) != "batch_get")
      return with_label(restli_error(400, "ILLEGAL_ARGUMENT",
                                     "X-RestLi-Method " + *restli_method
                                       + " does not match the request (BATCH_GET)"), label);

    // 6. Faults the platform answers itself.
    auto& f = opts_.faults;
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    if (f.throttle_storm || (f.throttle_rate > 0 && u01(rng_) < f.throttle_rate))
      return throttled(label, "APPLICATION");
    if (f.error_rate > 0 && u01(rng_) < f.error_rate) {
      auto r = (rng_() % 2 == 0)
                 ? restli_error(500, "INTERNAL_SERVER_ERROR", "Internal Server Error")
                 : restli_error(503, "SERVICE_UNAVAILABLE", "Service Unavailable");
      return with_label(std::move(r), label);
    }

    // 7. Daily budgets per resource ("resource level" quotas, as LinkedIn's
    // developer portal lists them per endpoint): application, then member
    // (= access token).
    auto quota_key = label.substr(0, label.find(':'));
    auto& app = budget(app_day_, quota_key, li_.app_daily_limit);
    auto& member = budget(member_day_, token + '\n' + quota_key, li_.member_daily_limit);
    if (app.remaining(now) < 1) return throttled(label, "APPLICATION");
    if (member.remaining(now) < 1) return throttled(label, "MEMBER");

    request_context ctx{data_, li_, opts_, f.partial_batch_rate, &rng_, std::string{path}, token};
    auto r = route.run(q, ctx);
    r.acct.endpoint = label;
    // Only served calls spend the daily budgets: error answers (bad
    // parameters, objects the member may not access, ...) are free.
    bool served = r.status < 400;
    if (served) {
      app.spend(1, now);
      member.spend(1, now);
    }
    r.acct.quota_units = served ? 1 : 0;
    return r;
  }

  struct route_result {
    std::string kind;  ///< get, batch_get, finder, analytics
    std::function<http_response(const query_map&, request_context&)> run;
    http_response error;  ///< set (non-empty body) when there is no route
  };

  route_result resolve(const std::vector<std::string>& segs, const query_map& q) {
    route_result rr;
    auto not_found = [&](const std::string& what) {
      rr.error = restli_error(404, "", "Resource " + what + " does not exist");
      return rr;
    };
    if (segs.empty()) return not_found("''");
    auto& res = segs[0];

    if (res == "adAnalytics") {
      if (segs.size() != 1 || !q.count("q")) {
        rr.error = restli_error(400, "ILLEGAL_ARGUMENT",
                                "adAnalytics requires q=analytics or q=statistics");
        return rr;
      }
      rr.kind = "analytics";
      rr.run = [](const query_map& qm, request_context& ctx) { return handle_analytics(qm, ctx); };
      return rr;
    }
    if (res == "leadFormResponses") {
      if (segs.size() == 2) {
        auto key = restli::parse(segs[1]);
        std::string id = key && key->is_string() ? key->str() : segs[1];
        rr.kind = "get";
        rr.run = [this, id](const query_map& qm, request_context& ctx) {
          collection c{"leadFormResponses", [this](const std::string& k) { return data_.lead(k); }, {}, {}, {}};
          c.forbidden = [this, &ctx](const std::string& k) {
            auto lead = data_.lead(k);
            if (!lead) return false;
            auto acct = urn_id(lead->at("owner").at("sponsoredAccount").as_string(), "sponsoredAccount");
            return acct && !ctx.owns(*acct);
          };
          return handle_get(c, id, qm);
        };
        return rr;
      }
      if (segs.size() != 1 || !q.count("q")) {
        rr.error = restli_error(400, "ILLEGAL_ARGUMENT", "leadFormResponses requires q=owner");
        return rr;
      }
      rr.kind = "finder";
      rr.run = [](const query_map& qm, request_context& ctx) { return handle_lead_finder(qm, ctx); };
      return rr;
    }
    if (res == "adTargetingFacets") {
      // GET_ALL: the facets are the same for every member.
      if (segs.size() != 1 || q.count("q") || q.count("ids")) {
        rr.error = restli_error(400, "ILLEGAL_ARGUMENT",
                                "adTargetingFacets supports GET_ALL only");
        return rr;
      }
      rr.kind = "get_all";
      rr.run = [this](const query_map& qm, request_context& ctx) {
        http_response err;
        auto p = parse_page(qm, ctx.opts.max_page_count, err);
        if (!p) return err;
        p->count = qm.count("count") ? p->count : 1000;
        auto all = data_.targeting_facets();
        auto fields = projection_fields(qm);
        boost::json::array elements;
        auto total = static_cast<std::int64_t>(all.size());
        for (auto i = p->start; i < total && i < p->start + p->count; ++i)
          elements.push_back(project(all[static_cast<std::size_t>(i)], fields));
        auto n = static_cast<std::int64_t>(elements.size());
        auto r = json_ok(json::object{{"elements", std::move(elements)},
                                      {"paging", paging_object(*p, total, "")}});
        r.acct.items = n;
        return r;
      };
      return rr;
    }
    if (res == "dmpSegments" || res == "conversions" || res == "leadForms") {
      using entities_fn = std::function<std::vector<json::object>(std::int64_t)>;
      entities_fn entities;
      std::function<std::optional<std::int64_t>(std::int64_t)> owner_of;
      std::function<json::object(std::int64_t)> one;
      std::string urn_type;
      if (res == "dmpSegments") {
        entities = [this](std::int64_t a) {
          std::vector<json::object> out;
          for (auto id : data_.segment_ids(a)) out.push_back(data_.segment(id));
          return out;
        };
        owner_of = [this](std::int64_t id) { return data_.account_of_segment(id); };
        one = [this](std::int64_t id) { return data_.segment(id); };
        urn_type = "dmpSegment";
      } else if (res == "conversions") {
        entities = [this](std::int64_t a) {
          std::vector<json::object> out;
          for (auto id : data_.conversion_ids(a)) out.push_back(data_.conversion(id));
          return out;
        };
        owner_of = [this](std::int64_t id) { return data_.account_of_conversion(id); };
        one = [this](std::int64_t id) { return data_.conversion(id); };
        urn_type = "conversion";
      } else {
        entities = [this](std::int64_t a) {
          std::vector<json::object> out;
          for (auto id : data_.lead_form_ids(a)) out.push_back(data_.lead_form(id));
          return out;
        };
        owner_of = [this](std::int64_t id) { return data_.account_of_lead_form(id); };
        one = [this](std::int64_t id) { return data_.lead_form(id); };
        urn_type = "leadGenForm";
      }
      if (segs.size() == 2) {
        auto key = decoded_key(segs[1]);
        if (!key) {
          rr.error = restli_error(400, "ILLEGAL_ARGUMENT", "Malformed key in path");
          return rr;
        }
        rr.kind = "get";
        rr.run = [res, k = *key, owner_of, one, urn_type](const query_map& qm, request_context& ctx) {
          collection c;
          c.label = res;
          c.find = [&](const std::string& key) -> std::optional<json::object> {
            auto id = urn_id(key, urn_type);
            if (!id || !owner_of(*id)) return std::nullopt;
            return one(*id);
          };
          c.forbidden = [&](const std::string& key) {
            auto id = urn_id(key, urn_type);
            auto acct = id ? owner_of(*id) : std::nullopt;
            return acct && !ctx.owns(*acct);
          };
          return handle_get(c, k, qm);
        };
        return rr;
      }
      if (segs.size() != 1 || !q.count("q")) {
        rr.error = restli_error(400, "ILLEGAL_ARGUMENT",
                                res + (res == "leadForms" ? " requires q=owner" : " requires q=account"));
        return rr;
      }
      rr.kind = "finder";
      rr.run = [res, entities](const query_map& qm, request_context& ctx) {
        return handle_account_finder(res, qm, ctx, entities);
      };
      return rr;
    }
    if (res != "adAccounts") return not_found(res);

    // adAccounts[/{id}[/{sub}[/{key}]]]
    std::optional<collection> coll;
    std::optional<std::string> key;
    if (segs.size() <= 2) {
      coll = accounts();
      if (segs.size() == 2) key = decoded_key(segs[1]);
    } else {
      auto acct_key = decoded_key(segs[1]);
      auto acct = acct_key ? urn_id(*acct_key, "sponsoredAccount") : std::nullopt;
      if (!acct || !data_.has_account(*acct)) {
        rr.error = restli_error(404, "NOT_FOUND", "Not found: ad account " + segs[1]);
        return rr;
      }
      if (!owns_account(li_, token_, *acct)) {
        rr.error = access_denied("adAccounts/" + account_urn(*acct) + "/" + segs[2]);
        return rr;
      }
      auto& sub = segs[2];
      if (sub == "adCampaigns") coll = campaigns(*acct);
      else if (sub == "adCampaignGroups") coll = campaign_groups(*acct);
      else if (sub == "creatives") coll = creatives(*acct);
      else return not_found(sub);
      if (segs.size() == 4) key = decoded_key(segs[3]);
      if (segs.size() > 4) return not_found(segs[4]);
    }
    if (segs.size() == 2 || segs.size() == 4) {
      if (!key) {
        rr.error = restli_error(400, "ILLEGAL_ARGUMENT", "Malformed key in path");
        return rr;
      }
      rr.kind = "get";
      rr.run = [c = *coll, k = *key](const query_map& qm, request_context&) {
        return handle_get(c, k, qm);
      };
      return rr;
    }
    if (q.count("ids")) {
      rr.kind = "batch_get";
      rr.run = [c = *coll](const query_map& qm, request_context& ctx) {
        return handle_batch_get(c, qm, ctx);
      };
      return rr;
    }
    if (q.count("q")) {
      rr.kind = "finder";
      rr.run = [c = *coll](const query_map& qm, request_context& ctx) {
        return handle_finder(c, qm, ctx);
      };
      return rr;
    }
    rr.error = restli_error(400, "ILLEGAL_ARGUMENT",
                            "GET_ALL is not supported on " + coll->label
                              + ": use ids=List(...) or a finder (q=...)");
    return rr;
  }

  static std::optional<std::string> decoded_key(const std::string& seg) {
    auto v = restli::parse(seg);
    if (!v || !v->is_string()) return std::nullopt;
    return v->str();
  }

  collection accounts() {
    collection c;
    c.label = "adAccounts";
    c.finders = {"search"};
    c.find = [this](const std::string& k) -> std::optional<json::object> {
      auto id = urn_id(k, "sponsoredAccount");
      if (!id || !data_.has_account(*id)) return std::nullopt;
      return data_.account(*id);
    };
    // The search finder lists the accounts the member may access.
    c.all = [this, token = token_] {
      std::vector<json::object> out;
      for (auto id : data_.account_ids())
        if (owns_account(li_, token, id)) out.push_back(data_.account(id));
      return out;
    };
    c.forbidden = [this, token = token_](const std::string& k) {
      auto id = urn_id(k, "sponsoredAccount");
      return id && data_.has_account(*id) && !owns_account(li_, token, *id);
    };
    return c;
  }

  collection campaigns(std::int64_t acct) {
    collection c;
    c.label = "adCampaigns";
    c.finders = {"search"};
    c.find = [this, acct](const std::string& k) -> std::optional<json::object> {
      auto id = urn_id(k, "sponsoredCampaign");
      if (!id || data_.account_of_campaign(*id) != acct) return std::nullopt;
      return data_.campaign(*id);
    };
    c.all = [this, acct] {
      std::vector<json::object> out;
      for (auto id : data_.campaign_ids(acct)) out.push_back(data_.campaign(id));
      return out;
    };
    return c;
  }

  collection campaign_groups(std::int64_t acct) {
    collection c;
    c.label = "adCampaignGroups";
    c.finders = {"search"};
    c.find = [this, acct](const std::string& k) -> std::optional<json::object> {
      auto id = urn_id(k, "sponsoredCampaignGroup");
      if (!id || data_.account_of_group(*id) != acct) return std::nullopt;
      return data_.campaign_group(*id);
    };
    c.all = [this, acct] {
      return std::vector<json::object>{data_.campaign_group(data_.campaign_group_of(acct))};
    };
    return c;
  }

  collection creatives(std::int64_t acct) {
    collection c;
    c.label = "creatives";
    c.finders = {"criteria", "search"};
    c.find = [this, acct](const std::string& k) -> std::optional<json::object> {
      auto id = urn_id(k, "sponsoredCreative");
      if (!id) return std::nullopt;
      auto campaign = data_.campaign_of_creative(*id);
      if (!campaign || data_.account_of_campaign(*campaign) != acct) return std::nullopt;
      return data_.creative(*id);
    };
    c.all = [this, acct] {
      std::vector<json::object> out;
      for (auto campaign : data_.campaign_ids(acct))
        for (auto id : data_.creative_ids_of_campaign(campaign)) out.push_back(data_.creative(id));
      return out;
    };
    return c;
  }

  rate_window& budget(std::unordered_map<std::string, rate_window>& windows,
                      const std::string& key, std::int64_t daily_limit) {
    auto it = windows.find(key);
    if (it == windows.end())
      it = windows.emplace(key, rate_window{scaled(daily_limit), day, time_scale_}).first;
    return it->second;
  }

  http_response throttled(const std::string& label, const char* scope) {
    auto r = restli_error(429, "TOO_MANY_REQUESTS",
                          std::string{"Resource level throttle "} + scope
                            + " DAY limit for calls to this resource is reached.",
                          101);
    r.acct.throttled = true;
    r.acct.quota_units = 0;
    r.acct.endpoint = label;
    return r;
  }

  static http_response with_label(http_response r, const std::string& label) {
    r.acct.endpoint = label;
    r.acct.quota_units = 0;
    return r;
  }

  std::mutex mutex_;
  platform_options opts_;
  linkedin_options li_;
  catalog data_;
  std::mt19937_64 rng_;
  double time_scale_;
  std::unordered_map<std::string, rate_window> app_day_;     ///< by resource
  std::unordered_map<std::string, rate_window> member_day_;  ///< by token + resource
  std::string token_;  ///< the caller of the request being routed
};

} // namespace

namespace linkedin {

bool owns_account(const linkedin_options& opts, std::string_view token,
                  std::int64_t account_id) {
  // Scoped tokens "org-<k>" / "org-<k>-<anything>": k % m; others own all.
  if (token.substr(0, 4) != "org-") return true;
  auto rest = token.substr(4);
  auto m = static_cast<std::uint64_t>(std::max(1, opts.ownership_modulus));
  std::size_t i = 0;
  std::uint64_t k = 0;
  for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i)
    k = (k * 10 + static_cast<std::uint64_t>(rest[i] - '0')) % m;
  if (i == 0 || (i < rest.size() && rest[i] != '-')) return true;
  auto index = account_id - account_base;  // 0-based: (i-1) of the 1-based rule
  if (index < 0) return false;
  return static_cast<std::uint64_t>(index) % m == k;
}

} // namespace linkedin

std::unique_ptr<platform> make_linkedin(const platform_options& opts,
                                        const linkedin_options& li) {
  return std::make_unique<linkedin_platform>(opts, li);
}

std::unique_ptr<platform> make_linkedin(const platform_options& opts) {
  return make_linkedin(opts, linkedin_options{});
}

} // namespace adbatch::sim
