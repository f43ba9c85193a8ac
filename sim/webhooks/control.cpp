#include "sim/webhooks/control.hpp"

#include <map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse_query.hpp>

namespace adbatch::sim::webhooks {

namespace json = boost::json;

namespace {

http_response json_answer(int status, const json::value& v) {
  http_response r;
  r.status = status;
  r.body = json::serialize(v);
  r.acct.endpoint = "webhooks";
  r.acct.error = status >= 400;
  return r;
}

http_response error_answer(int status, std::string message) {
  return json_answer(status, json::object{{"error", json::object{{"code", status},
                                                                  {"message", std::move(message)}}}});
}

json::object counts_json(const delivery_counts& c) {
  return json::object{{"events", c.events},
                      {"sent", c.sent},
                      {"acknowledged", c.acknowledged},
                      {"redelivered", c.redelivered},
                      {"failed", c.failed},
                      {"pending", c.pending},
                      {"duplicates_sent", c.duplicates_sent},
                      {"duplicates_acknowledged", c.duplicates_acknowledged},
                      {"bad_signatures_sent", c.bad_signatures_sent},
                      {"bad_signatures_rejected", c.bad_signatures_rejected},
                      {"bad_signatures_accepted", c.bad_signatures_accepted}};
}

json::object report_object(const job_report& r) {
  json::object statuses;
  for (auto& [status, n] : r.statuses) statuses[std::to_string(status)] = n;
  json::array ids;
  for (auto& id : r.event_ids) ids.push_back(json::value(id));
  return json::object{{"job", r.id},
                      {"platform", name_of(r.platform)},
                      {"target_url", r.target_url},
                      {"handshake", r.handshake},
                      {"revalidations", r.revalidations},
                      {"revalidation_failures", r.revalidation_failures},
                      {"blocked", r.blocked},
                      {"done", r.done},
                      {"counts", counts_json(r.counts)},
                      {"statuses", std::move(statuses)},
                      {"event_ids", std::move(ids)},
                      {"last_error", r.last_error}};
}

// Reads an optional non-negative number field.
template <class T>
bool read_number(const json::object& o, const char* key, T& out, std::string& err) {
  auto* v = o.if_contains(key);
  if (!v) return true;
  if (v->is_int64() && v->as_int64() >= 0) {
    out = static_cast<T>(v->as_int64());
    return true;
  }
  if (v->is_uint64()) {
    out = static_cast<T>(v->as_uint64());
    return true;
  }
  if (v->is_double() && v->as_double() >= 0) {
    out = static_cast<T>(v->as_double());
    return true;
  }
  err = std::string{"field '"} + key + "' must be a non-negative number";
  return false;
}

} // namespace

std::string report_json(const job_report& r) {
  return json::serialize(report_object(r));
}

webhook_control::webhook_control(control_options opts) : opts_(opts) {}

http_response webhook_control::handle(const http_request& req, time_point) {
  auto path = req.path();
  if (path == "/__sim/webhooks/send") {
    if (req.method != "POST") return error_answer(405, "use POST");
    return send(req);
  }
  if (path == "/__sim/webhooks/report") {
    if (req.method != "GET") return error_answer(405, "use GET");
    return report(req);
  }
  if (path == "/__sim/webhooks/stop") {
    if (req.method != "POST") return error_answer(405, "use POST");
    sender_.stop_all();
    return json_answer(200, json::object{{"stopped", true}});
  }
  return error_answer(404, "unknown webhooks control path");
}

http_response webhook_control::send(const http_request& req) {
  json::value v;
  try {
    v = json::parse(req.body);
  } catch (const std::exception& e) {
    return error_answer(400, std::string{"body is not JSON: "} + e.what());
  }
  if (!v.is_object()) return error_answer(400, "body must be a JSON object");
  auto& o = v.as_object();

  send_request sr;
  sr.seed = opts_.seed;
  sr.time_scale = opts_.time_scale;
  auto* platform = o.if_contains("platform");
  if (!platform || !platform->is_string())
    return error_answer(400, "field 'platform' is required");
  auto src = source_from_name(platform->as_string());
  if (!src)
    return error_answer(400, "unknown platform (meta, whatsapp, tiktok, twitter, linkedin)");
  sr.platform = *src;
  auto* target = o.if_contains("target_url");
  if (!target || !target->is_string()
      || !(target->as_string().starts_with("http://") || target->as_string().starts_with("https://")))
    return error_answer(400, "field 'target_url' must be an absolute http(s) URL");
  sr.target_url = std::string{target->as_string()};
  for (auto key : {"secret", "verify_token"}) {
    if (auto* s = o.if_contains(key)) {
      if (!s->is_string()) return error_answer(400, std::string{"field '"} + key + "' must be a string");
      (std::string_view{key} == "secret" ? sr.secret : sr.verify_token) = std::string{s->as_string()};
    }
  }
  std::string err;
  std::int64_t timeout_ms = sr.timeout.count();
  if (!read_number(o, "count", sr.count, err) || !read_number(o, "rate_per_s", sr.rate_per_s, err)
      || !read_number(o, "duplicates", sr.duplicates, err)
      || !read_number(o, "bad_signatures", sr.bad_signatures, err)
      || !read_number(o, "seed", sr.seed, err) || !read_number(o, "time_scale", sr.time_scale, err)
      || !read_number(o, "timeout_ms", timeout_ms, err))
    return error_answer(400, err);
  if (sr.rate_per_s <= 0) return error_answer(400, "field 'rate_per_s' must be > 0");
  if (sr.time_scale <= 0) return error_answer(400, "field 'time_scale' must be > 0");
  if (sr.count > 1000000) return error_answer(400, "field 'count' is too large (max 1000000)");
  sr.timeout = std::chrono::milliseconds{std::max<std::int64_t>(1, timeout_ms)};
  if (auto* skip = o.if_contains("skip_handshake")) {
    if (!skip->is_bool()) return error_answer(400, "field 'skip_handshake' must be a boolean");
    sr.skip_handshake = skip->as_bool();
  }
  auto id = sender_.start(std::move(sr));
  return json_answer(202, json::object{{"job", id},
                                       {"report", "/__sim/webhooks/report?job=" + std::to_string(id)}});
}

http_response webhook_control::report(const http_request& req) const {
  std::optional<std::uint64_t> only;
  // parse_query must not see an empty view (its data() may be null).
  if (auto q = boost::urls::parse_query(req.query().empty() ? std::string_view{""} : req.query())) {
    for (auto p : *q) {
      if (p.key == "job" && p.has_value) {
        try {
          only = std::stoull(std::string{p.value});
        } catch (...) {
          return error_answer(400, "job must be a number");
        }
      }
    }
  }
  json::array jobs;
  std::map<std::string, delivery_counts> per_platform;
  for (auto& r : sender_.reports()) {
    if (only && r.id != *only) continue;
    jobs.push_back(report_object(r));
    auto& t = per_platform[std::string{name_of(r.platform)}];
    auto& c = r.counts;
    t.events += c.events;
    t.sent += c.sent;
    t.acknowledged += c.acknowledged;
    t.redelivered += c.redelivered;
    t.failed += c.failed;
    t.pending += c.pending;
    t.duplicates_sent += c.duplicates_sent;
    t.duplicates_acknowledged += c.duplicates_acknowledged;
    t.bad_signatures_sent += c.bad_signatures_sent;
    t.bad_signatures_rejected += c.bad_signatures_rejected;
    t.bad_signatures_accepted += c.bad_signatures_accepted;
  }
  if (only && jobs.empty()) return error_answer(404, "no such job");
  json::object platforms;
  for (auto& [name, c] : per_platform) platforms[name] = counts_json(c);
  return json_answer(200, json::object{{"jobs", std::move(jobs)}, {"platforms", std::move(platforms)}});
}

} // namespace adbatch::sim::webhooks
