#include "platforms/meta/splitter.hpp"

#include "platforms/meta/rate_signals.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

namespace adbatch::platforms::meta {

namespace json = boost::json;

namespace {

// -- cutting results out
// -------------------------------------------------------

/// A node as Graph renders it for `fields`: those fields in that order,
/// then `id` (Graph always adds it).
json::object project_node(const json::object& obj,
                          const std::vector<std::string>& fields) {
  json::object o;
  for (const auto& f : fields)
    if (const auto* v = obj.if_contains(f)) o[f] = *v;
  if (!o.contains("id"))
    if (const auto* id = obj.if_contains("id")) o["id"] = *id;
  return o;
}

/// An insights row as Graph renders it: the asked fields it has, then the
/// breakdown values, then date_start / date_stop.
json::object project_row(const json::object& row,
                         const std::vector<std::string>& fields,
                         const std::vector<std::string>& breakdowns) {
  json::object o;
  for (const auto& f : fields) {
    if (f == "date_start" || f == "date_stop") continue;
    if (const auto* v = row.if_contains(f)) o[f] = *v;
  }
  for (const auto& b : breakdowns)
    if (const auto* v = row.if_contains(b)) o[b] = *v;
  for (auto k : {"date_start", "date_stop"})
    if (const auto* v = row.if_contains(k)) o[k] = *v;
  return o;
}

const json::array* data_of(const json::object& obj, std::string_view edge) {
  const auto* e = obj.if_contains(edge);
  if (!e || !e->is_object()) return nullptr;
  const auto* d = e->as_object().if_contains("data");
  return d ? d->if_array() : nullptr;
}

/// One asset list out of `me`'s expanded answer; nullopt when malformed.
std::optional<json::array> asset_list(const json::object& me, asset a,
                                      const std::vector<std::string>& fields) {
  const auto& ai = info(a);
  const auto* items = data_of(me, ai.me_edge);
  if (!items) return std::nullopt;
  json::array out;
  std::set<std::string> seen;
  auto add = [&](const json::object& item) {
    auto o = project_node(item, fields);
    if (const auto* id = o.if_contains("id"); id && id->is_string()) {
      if (!seen.insert(std::string(id->as_string())).second) return;
    }
    out.push_back(std::move(o));
  };
  for (const auto& item : *items) {
    const auto* io = item.if_object();
    if (!io) return std::nullopt;
    if (ai.nested.empty()) {
      add(*io);
    } else if (!ai.nested_is_edge) {
      // Object field: absent when the item has none.
      if (const auto* n = io->if_contains(ai.nested); n && n->is_object())
        add(n->as_object());
    } else {
      const auto* nested = data_of(*io, ai.nested);
      if (!nested) return std::nullopt;
      for (const auto& n : *nested)
        if (const auto* no = n.if_object()) add(*no);
    }
  }
  return out;
}

} // namespace

std::optional<json::value> extract_result(const meta_request& r,
                                          const json::object& node) {
  switch (r.kind) {
  case request_kind::node:
    return json::value(project_node(node, r.fields));
  case request_kind::edge: {
    const auto* e = node.if_contains(r.edge);
    if (!e || !e->is_object()) return std::nullopt;
    json::object body = e->as_object();
    if (auto* d = body.if_contains("data")) {
      auto* arr = d->if_array();
      if (!arr) return std::nullopt;
      json::array rows;
      for (const auto& item : *arr) {
        const auto* io = item.if_object();
        if (!io) return std::nullopt;
        rows.push_back(r.edge == "insights"
                           ? project_row(*io, r.fields, r.breakdowns)
                           : project_node(*io, r.fields));
      }
      *d = std::move(rows);
    }
    return json::value(std::move(body));
  }
  case request_kind::assets: {
    json::object out;
    for (const auto& [a, fields] : r.assets) {
      auto list = asset_list(node, a, fields);
      if (!list) return std::nullopt;
      out[r.all_assets ? info(a).all_key : info(a).key] = std::move(*list);
    }
    return json::value(std::move(out));
  }
  case request_kind::generic:
    return json::value(node);
  }
  return std::nullopt;
}

namespace {

// -- classifying answers -----------------------------------------------------

/// A Graph error envelope, when the body is one.
struct graph_error {
  std::int64_t code = 0;
  std::int64_t subcode = 0;
  std::string message;
  bool is_transient = false;
};

std::optional<graph_error> error_of(const json::value& body) {
  const auto* o = body.if_object();
  if (!o) return std::nullopt;
  const auto* e = o->if_contains("error");
  if (!e || !e->is_object()) return std::nullopt;
  const auto& eo = e->as_object();
  graph_error g;
  auto num = [&](const char* k) -> std::int64_t {
    const auto* v = eo.if_contains(k);
    if (!v) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    return 0;
  };
  g.code = num("code");
  g.subcode = num("error_subcode");
  if (const auto* m = eo.if_contains("message"); m && m->is_string())
    g.message = std::string(m->as_string());
  if (const auto* t = eo.if_contains("is_transient"); t && t->is_bool())
    g.is_transient = t->as_bool();
  return g;
}

/// Ids a refusal names: "(#803) Some of the aliases you requested do not
/// exist: a,b" or "Object with ID 'a' does not exist".
std::set<std::string> named_ids(const graph_error& e) {
  std::set<std::string> out;
  const std::string& m = e.message;
  if (e.code == 803) {
    auto p = m.find("exist:");
    if (p != std::string::npos) {
      std::string list = m.substr(p + 6);
      std::size_t i = 0;
      while (i <= list.size()) {
        auto j = list.find(',', i);
        if (j == std::string::npos) j = list.size();
        auto id = list.substr(i, j - i);
        id.erase(std::remove(id.begin(), id.end(), ' '), id.end());
        if (!id.empty()) out.insert(id);
        i = j + 1;
      }
    }
  }
  auto p = m.find("Object with ID '");
  if (p != std::string::npos) {
    auto start = p + 16;
    auto end = m.find('\'', start);
    if (end != std::string::npos) out.insert(m.substr(start, end - start));
  }
  return out;
}

/// Whether a non-throttle, non-transient error is about the root (or the
/// token) rather than one merged part: every request of the root fails
/// alike when sent alone.
bool root_level(const graph_error& e) {
  return e.code == 190 || e.code == 102 || e.code == 104 || e.code == 10 ||
         e.code == 803 || (e.code >= 200 && e.code <= 299) ||
         (e.code == 100 && e.subcode == 33);
}

/// Whether Graph charged an operation that answered with this error: a
/// refused call (unknown or not owned object, token, permission) costs
/// nothing; a parameter or field error found while running it does.
bool charged(const graph_error& e) {
  return (e.code == 100 && e.subcode != 33) || e.code == 2500;
}

/// The numeric ad account an operation spends BUC budget of, if one.
std::optional<std::string> account_of(const planned_op& op) {
  std::string root;
  if (op.form == op_form::generic) {
    auto parts = split_endpoint(op.path);
    if (!parts.path.empty()) root = parts.path.front();
  } else if (op.roots.size() == 1) {
    root = op.roots.front().id;
  }
  if (root.rfind("act_", 0) == 0) return root.substr(4);
  return std::nullopt;
}

std::map<std::string, std::string> lower_headers(const json::value* hs) {
  std::map<std::string, std::string> out;
  const auto* arr = hs ? hs->if_array() : nullptr;
  if (!arr) return out;
  for (const auto& h : *arr) {
    const auto* o = h.if_object();
    if (!o) continue;
    const auto* n = o->if_contains("name");
    const auto* v = o->if_contains("value");
    if (!n || !v || !n->is_string() || !v->is_string()) continue;
    std::string name(n->as_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(c));
    out[name] = std::string(v->as_string());
  }
  return out;
}

class splitter {
public:
  splitter(const upstream_call& call, const upstream_reply& reply,
           const meta_limits& limits)
      : call_(call), reply_(reply), limits_(limits),
        buc_(buc_usage_of(reply.headers)) {}

  split_result run() {
    result_.signals = parse_rate_headers(reply_.headers);
    const auto* ctx =
        dynamic_cast<const meta_call_context*>(call_.context.get());
    if (!ctx) {
      for (auto id : call_.serves)
        add(id, outcome_kind::transient, "meta_no_context",
            "the call carries no Meta plan context");
      return std::move(result_);
    }
    if (reply_.transport_error) {
      for (const auto& op : ctx->ops)
        transport_failure(op);
      return std::move(result_);
    }
    if (!ctx->batch) {
      for (const auto& op : ctx->ops)
        answer(op, reply_.status, reply_.body, buc_);
      return std::move(result_);
    }
    batch(*ctx);
    return std::move(result_);
  }

private:
  void add(std::int64_t id, outcome_kind kind, std::string code = {},
           std::string message = {},
           std::optional<milliseconds> retry = std::nullopt) {
    request_outcome o;
    o.request_id = id;
    o.kind = kind;
    o.error_code = std::move(code);
    o.error_message = std::move(message);
    o.retry_after = retry;
    result_.outcomes.push_back(std::move(o));
  }

  void all(const planned_op& op, outcome_kind kind, const std::string& code,
           const std::string& message,
           std::optional<milliseconds> retry = std::nullopt) {
    for (auto id : op.request_ids())
      add(id, kind, code, message, retry);
  }

  void transport_failure(const planned_op& op) {
    std::string code = "transport_" + *reply_.transport_error;
    if (op.write && reply_.maybe_delivered)
      all(op, outcome_kind::ambiguous, code,
          "no answer to a write that may have reached Meta");
    else
      all(op, outcome_kind::transient, code, "no answer from Meta");
  }

  /// A body that is not a Graph answer (proxy error page, cut JSON).
  void unreadable(const planned_op& op, int status) {
    std::string code = "http_" + std::to_string(status);
    if (status == 429) {
      all(op, outcome_kind::throttled, code, "HTTP 429 from Meta",
          limits_.default_retry_after);
    } else if (status >= 500 || status == 200) {
      if (op.write)
        all(op, outcome_kind::ambiguous, code,
            "unreadable answer to a write (HTTP " + std::to_string(status) +
                ")");
      else
        all(op, outcome_kind::transient, code,
            "unreadable answer (HTTP " + std::to_string(status) + ")");
    } else {
      all(op, outcome_kind::permanent, code,
          "HTTP " + std::to_string(status) + " from Meta");
    }
  }

  void throttled(const planned_op& op, const graph_error& e,
                 const std::vector<buc_usage>& buc) {
    auto account = account_of(op);
    auto retry =
        throttle_retry_after(e.code, account, buc, limits_.default_retry_after);
    result_.signals.push_back(throttle_signal(e.code, account, retry));
    all(op, outcome_kind::throttled, "meta_" + std::to_string(e.code),
        e.message, retry);
  }

  /// One operation's answer: status and body text.
  void answer(const planned_op& op, int status, const std::string& text,
              const std::vector<buc_usage>& buc) {
    boost::system::error_code ec;
    auto body = json::parse(text, ec);
    if (ec) return unreadable(op, status);
    auto err = error_of(body);
    if (!err && status >= 200 && status < 300) return success(op, body);
    if (!err) return unreadable(op, status);
    failure(op, status, *err, buc);
  }

  void failure(const planned_op& op, int status, const graph_error& e,
               const std::vector<buc_usage>& buc) {
    auto code = "meta_" + std::to_string(e.code);
    if (is_throttle_code(e.code)) return throttled(op, e, buc);
    if (e.code == 1 || e.code == 2 || status >= 500 || e.is_transient)
      return all(op, outcome_kind::transient, code, e.message);
    if (charged(e)) result_.units_spent += op.units;
    std::size_t groups = 0;
    for (const auto& r : op.roots)
      groups += r.groups.size();
    if (op.roots.size() > 1) {
      auto named = named_ids(e);
      bool hit = false;
      for (const auto& r : op.roots)
        hit = hit || named.count(r.id);
      if (hit) {
        for (const auto& r : op.roots)
          for (const auto& g : r.groups)
            for (auto id : g.ids) {
              if (named.count(r.id))
                add(id, outcome_kind::permanent, code, e.message);
              else
                add(id, outcome_kind::not_attempted);
            }
        return;
      }
      if (e.code == 190 || e.code == 102)
        return all(op, outcome_kind::permanent, code, e.message);
      return merged_failure(op, code, e);
    }
    if (groups <= 1 || root_level(e))
      return all(op, outcome_kind::permanent, code, e.message);
    merged_failure(op, code, e);
  }

  /// A merged read failed and the error does not say which part: each
  /// request is retried (one attempt spent) and then read alone.
  void merged_failure(const planned_op& op, const std::string& code,
                      const graph_error& e) {
    all(op, outcome_kind::transient, code,
        e.message + " (in a merged read; the retry reads it alone)");
  }

  void success(const planned_op& op, const json::value& body) {
    result_.units_spent += op.units;
    for (const auto& root : op.roots) {
      std::optional<json::object> node;
      switch (op.form) {
      case op_form::node:
        if (const auto* o = body.if_object()) node = *o;
        break;
      case op_form::edge:
        node = json::object{{op.edge, body}};
        break;
      case op_form::ids_node:
        if (const auto* o = body.if_object())
          if (const auto* n = o->if_contains(root.id); n && n->is_object())
            node = n->as_object();
        break;
      case op_form::ids_edge:
        if (const auto* o = body.if_object())
          if (const auto* n = o->if_contains(root.id))
            node = json::object{{op.edge, *n}};
        break;
      case op_form::generic:
        break;
      }
      for (const auto& g : root.groups) {
        std::optional<json::value> v;
        if (op.form == op_form::generic)
          v = body;
        else if (node)
          v = extract_result(*g.request, *node);
        if (!v) {
          for (auto id : g.ids)
            add(id, outcome_kind::transient, "meta_bad_response",
                "Meta's answer lacks what the request read");
          continue;
        }
        sanitize_result(*v);
        auto text = json::serialize(*v);
        for (auto id : g.ids) {
          request_outcome o;
          o.request_id = id;
          o.kind = outcome_kind::completed;
          o.result_json = text;
          result_.outcomes.push_back(std::move(o));
        }
      }
    }
  }

  void batch(const meta_call_context& ctx) {
    boost::system::error_code ec;
    auto body = json::parse(reply_.body, ec);
    if (reply_.status != 200) {
      auto err = ec ? std::nullopt : error_of(body);
      for (const auto& op : ctx.ops) {
        if (!err) {
          unreadable(op, reply_.status);
        } else if (is_throttle_code(err->code)) {
          throttled(op, *err, buc_);
        } else if (err->code == 190 || err->code == 102) {
          // The batch's own token failed: its operations fail, the others
          // were not tried.
          if (op.batch_token)
            all(op, outcome_kind::permanent,
                "meta_" + std::to_string(err->code), err->message);
          else
            all(op, outcome_kind::not_attempted, {}, {});
        } else {
          all(op, outcome_kind::transient, "meta_" + std::to_string(err->code),
              "batch refused: " + err->message);
        }
      }
      return;
    }
    const auto* arr = ec ? nullptr : body.if_array();
    if (!arr || arr->size() != ctx.ops.size()) {
      for (const auto& op : ctx.ops)
        unreadable(op, 200);
      return;
    }
    for (std::size_t i = 0; i < ctx.ops.size(); ++i) {
      const auto& op = ctx.ops[i];
      const auto& item = (*arr)[i];
      if (item.is_null()) {
        all(op, outcome_kind::not_attempted, {}, {});
        continue;
      }
      const auto* io = item.if_object();
      const auto* code = io ? io->if_contains("code") : nullptr;
      const auto* text = io ? io->if_contains("body") : nullptr;
      if (!code || !code->is_number() || !text) {
        unreadable(op, 200);
        continue;
      }
      auto op_headers = lower_headers(io->if_contains("headers"));
      auto buc = buc_;
      if (!op_headers.empty()) {
        auto sig = parse_rate_headers(op_headers);
        result_.signals.insert(result_.signals.end(), sig.begin(), sig.end());
        auto own = buc_usage_of(op_headers);
        if (!own.empty()) buc = std::move(own);
      }
      int status = static_cast<int>(code->to_number<double>());
      std::string body_text = text->is_string() ? std::string(text->as_string())
                                                : json::serialize(*text);
      answer(op, status, body_text, buc);
    }
  }

  const upstream_call& call_;
  const upstream_reply& reply_;
  const meta_limits& limits_;
  std::vector<buc_usage> buc_;
  split_result result_;
};

} // namespace

split_result split_meta_call(const upstream_call& call,
                             const upstream_reply& reply,
                             const meta_limits& limits) {
  return splitter{call, reply, limits}.run();
}

} // namespace adbatch::platforms::meta
