// pg_backend: connection, platform connections, enqueue and the org-scoped
// reads and cancels. Worker calls are in pg_worker.cpp, webhooks in
// pg_webhooks.cpp.

#include "persistence/pg_backend.hpp"

#include "persistence/backoff.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/pg_detail.hpp"
#include "persistence/validation.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace adbatch::persistence {

using namespace detail;

// -- construction -------------------------------------------------------------

pg_backend::pg_backend(std::unique_ptr<pg_connection> conn,
                       backend_options options)
    : conn_(std::move(conn)), options_(std::move(options)) {}

pg_backend::~pg_backend() = default;

result<std::unique_ptr<pg_backend>>
pg_backend::connect(const std::string& conninfo, backend_options options) {
  auto conn = pg_connection::open(
      conninfo, static_cast<int>(options.connect_timeout.count()));
  if (!conn) return conn.error();
  if (options.statement_timeout.count() > 0) {
    auto set = (*conn)->exec(
        "SELECT set_config('statement_timeout', $1, false)",
        {std::to_string(options.statement_timeout.count()) + "ms"});
    if (!set) return set.error();
  }
  return std::unique_ptr<pg_backend>{
      new pg_backend(std::move(*conn), std::move(options))};
}

result<void> pg_backend::ping() {
  auto r = conn_->exec("SELECT 1");
  if (!r) return r.error();
  return {};
}

bool pg_backend::connected() const {
  return conn_->ok();
}

// -- connections
// ------------------------------------------------------------------

result<void> pg_backend::add_connection(const platform_connection& c) {
  auto org = checked_org(c.org_id);
  if (!org) return org.error();
  if (!is_uuid(c.connection_id))
    return invalid("connection_id '" + c.connection_id + "' is not a UUID");
  boost::system::error_code ec;
  auto ids = boost::json::parse(c.account_ids, ec);
  if (ec || !ids.is_object())
    return invalid("account_ids must be a JSON object");
  if (!valid_token_ref(c.token_ref))
    return invalid(
        "token_ref must be a reference such as env:NAME, not a credential");
  const auto conn_id = normalize_uuid(c.connection_id);
  return in_txn(*conn_, role::app, &*org, [&]() -> result<void> {
    auto r = conn_->exec("INSERT INTO adbatch.platform_connections "
                         "(connection_id, org_id, platform, account_ids, "
                         "token_ref, display_name, enabled) "
                         "VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)",
                         {conn_id, *org, std::string{to_string(c.platform)},
                          c.account_ids, c.token_ref, c.display_name,
                          std::string{c.enabled ? "true" : "false"}});
    if (!r && conn_->last_sqlstate() == "23505")
      return make_error(error_code::conflict,
                        "connection " + conn_id + " already exists");
    if (!r) return r.error();
    return {};
  });
}

result<void> pg_backend::set_connection_enabled(
    const std::string& org_id, const std::string& connection_id, bool enabled) {
  auto org = checked_org(org_id);
  if (!org) return org.error();
  if (!is_uuid(connection_id))
    return invalid("connection_id '" + connection_id + "' is not a UUID");
  return in_txn(*conn_, role::app, &*org, [&]() -> result<void> {
    auto r =
        conn_->exec("UPDATE adbatch.platform_connections SET enabled = $2, "
                    "updated_at = now() WHERE connection_id = $1",
                    {normalize_uuid(connection_id),
                     std::string{enabled ? "true" : "false"}});
    if (!r) return r.error();
    if (r->affected() == 0)
      return make_error(error_code::not_found, "connection " + connection_id +
                                                   " not found for org " +
                                                   *org);
    return {};
  });
}

result<platform_connection>
pg_backend::get_connection(const std::string& connection_id) {
  if (!is_uuid(connection_id))
    return invalid("connection_id '" + connection_id + "' is not a UUID");
  return in_txn(
      *conn_, role::worker, nullptr, [&]() -> result<platform_connection> {
        auto r = conn_->exec(
            std::string{"SELECT "} + connection_columns +
                " FROM adbatch.platform_connections WHERE connection_id = $1",
            {normalize_uuid(connection_id)});
        if (!r) return r.error();
        if (r->size() == 0)
          return make_error(error_code::not_found,
                            "connection " + connection_id + " not found");
        return read_connection(*r, 0);
      });
}

result<std::vector<platform_connection>>
pg_backend::list_connections(ad_platform p) {
  return in_txn(*conn_, role::worker, nullptr,
                [&]() -> result<std::vector<platform_connection>> {
                  auto r = conn_->exec(
                      std::string{"SELECT "} + connection_columns +
                          " FROM adbatch.platform_connections "
                          "WHERE platform = $1 ORDER BY connection_id",
                      {std::string{to_string(p)}});
                  if (!r) return r.error();
                  std::vector<platform_connection> out;
                  for (int i = 0; i < r->size(); ++i)
                    out.push_back(read_connection(*r, i));
                  return out;
                });
}

// -- enqueue
// ----------------------------------------------------------------------------

namespace {

/// One element of a PostgreSQL array literal, double-quoted so that commas,
/// braces, spaces and the word NULL in the text stay data.
void append_array_element(std::string& out, const std::string& s) {
  out += '"';
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
}

} // namespace

std::vector<result<enqueue_result>>
pg_backend::enqueue_batch(const std::vector<enqueue_request>& requests) {
  const std::size_t n = requests.size();
  std::vector<std::optional<result<enqueue_result>>> out(n);
  std::vector<validated_request> valid(n);
  // org -> indices of its valid requests
  std::map<std::string, std::vector<std::size_t>> by_org;
  for (std::size_t i = 0; i < n; ++i) {
    auto v = validate_request(requests[i], options_.validate_request_type);
    if (!v) {
      out[i] = v.error();
      continue;
    }
    valid[i] = std::move(*v);
    by_org[valid[i].org_id].push_back(i);
  }

  const bool window = options_.dedup_window.count() > 0;
  const std::string window_s = std::to_string(options_.dedup_window.count());
  auto key_of = [&](std::size_t i) -> const std::string& {
    return valid[i].request_key;
  };

  // Everything below runs in ONE transaction (one commit for the batch).
  // Per org: set the org, check its connections, insert (one statement for
  // all its rows), and only when some key was not inserted one lookup.
  // All four are prepared once per connection.
  auto body = [&]() -> result<void> {
    for (auto& [org, items] : by_org) {
      if (auto r = conn_->exec_prepared(
              "enq_org", "SELECT set_config('adbatch.org_id', $1, true)",
              {org});
          !r)
        return r.error();
      // 1. The connections must exist in this org (RLS hides others),
      //    match the platform and be enabled.
      std::set<std::string> conn_ids;
      for (auto i : items)
        conn_ids.insert(valid[i].connection_id);
      auto rows = conn_->exec_prepared(
          "enq_connections",
          "SELECT connection_id::text, platform, enabled FROM "
          "adbatch.platform_connections "
          "WHERE connection_id = ANY($1::uuid[])",
          {array_literal(conn_ids, [](const std::string& s) { return s; })});
      if (!rows) return rows.error();
      std::map<std::string, std::pair<std::string, bool>, std::less<>> known;
      for (int r = 0; r < rows->size(); ++r)
        known[rows->str(r, 0)] = {rows->str(r, 1), rows->boolean(r, 2)};
      std::vector<std::size_t> ok_items;
      for (auto i : items) {
        const auto& v = valid[i];
        auto it = known.find(v.connection_id);
        if (it == known.end())
          out[i] = invalid("connection " + v.connection_id +
                           " does not exist for org " + org);
        else if (it->second.first != to_string(v.platform))
          out[i] = invalid("connection " + v.connection_id +
                           " belongs to platform " + it->second.first +
                           ", not " + to_string(v.platform));
        else if (!it->second.second)
          out[i] = invalid("connection " + v.connection_id + " is disabled");
        else
          ok_items.push_back(i);
      }
      // 2. Identical requests inside the batch share one row.
      std::unordered_map<std::string, std::size_t> first_of_key;
      std::vector<std::size_t> unique_items;
      for (auto i : ok_items)
        if (first_of_key.emplace(valid[i].request_key, i).second)
          unique_items.push_back(i);
      std::unordered_map<std::string, enqueue_result> by_key;
      // 3. Insert, as typed arrays unnested by the server. A key with a row
      //    completed within the window is not inserted (a probe in the
      //    statement); a conflict means an active row has the key. The keys
      //    RETURNING does not name are looked up once: the completed row if
      //    there is one, else the active row. If neither exists any more
      //    (the active row finished in between), insert again.
      std::vector<std::size_t> todo = unique_items;
      for (int round = 0; round < 5 && !todo.empty(); ++round) {
        std::string platforms = "{", conns = "{", types = "{", params = "{",
                    keys = "{", priorities = "{", max_attempts = "{";
        // Sized up front: a batch's params array is tens of KB, and growing
        // it by doubling costs copies and large frees.
        std::size_t params_size = 2;
        for (auto i : todo) params_size += valid[i].params.size() + 8;
        params.reserve(params_size);
        types.reserve(todo.size() * 24 + 2);
        platforms.reserve(todo.size() * 9 + 2);
        conns.reserve(todo.size() * 37 + 2);
        keys.reserve(todo.size() * 65 + 2);
        priorities.reserve(todo.size() * 3 + 2);
        max_attempts.reserve(todo.size() * 4 + 2);
        for (std::size_t k = 0; k < todo.size(); ++k) {
          const auto& v = valid[todo[k]];
          const char* sep = k == 0 ? "" : ",";
          platforms += sep;
          platforms += to_string(v.platform);
          conns += sep;
          conns += v.connection_id;
          types += sep;
          append_array_element(types, v.request_type);
          params += sep;
          append_array_element(params, v.params);
          keys += sep;
          keys += v.request_key;
          priorities += sep;
          priorities += std::to_string(v.priority);
          max_attempts += sep;
          max_attempts += std::to_string(v.max_attempts);
        }
        for (auto* a : {&platforms, &conns, &types, &params, &keys,
                        &priorities, &max_attempts})
          *a += '}';
        // Ids follow the batch order (nextval runs after the inner sort),
        // but rows go in in key order: concurrent enqueuers then wait on
        // each other's uncommitted keys in one global order and cannot
        // deadlock.
        static const std::string insert_head =
            "INSERT INTO adbatch.batch_request_queue "
            "(id, org_id, platform, connection_id, request_type, params, "
            "request_key, priority, max_attempts) "
            "SELECT s.id, $1::uuid, s.platform, s.connection_id, "
            "s.request_type, s.params, s.request_key, s.priority, "
            "s.max_attempts FROM ("
            "  SELECT nextval('adbatch.batch_request_queue_id_seq') AS id, u.* "
            "  FROM unnest($2::text[], $3::uuid[], $4::text[], $5::jsonb[], "
            "  $6::text[], $7::smallint[], $8::int[]) WITH ORDINALITY "
            "  AS u(platform, connection_id, request_type, params, "
            "  request_key, priority, max_attempts, n) ";
        static const std::string insert_tail =
            "  ORDER BY u.n) s "
            "ORDER BY s.request_key "
            "ON CONFLICT (request_key) WHERE status IN ('pending', "
            "'processing') DO NOTHING "
            "RETURNING request_key, id";
        static const std::string insert_plain = insert_head + insert_tail;
        static const std::string insert_window =
            insert_head +
            // A correlated scalar subquery (not NOT EXISTS, which the
            // planner may turn into a scan of every completed row) stays
            // one index probe per row on batch_request_queue_completed_key.
            "  WHERE (SELECT 1 FROM adbatch.batch_request_queue d "
            "  WHERE d.request_key = u.request_key AND d.status = 'completed' "
            "  AND d.completed_at > now() - $9::bigint * interval '1 second' "
            "  LIMIT 1) IS NULL " +
            insert_tail;
        std::vector<pg_param> args{org,   platforms,  conns,       types,
                                   params, keys,      priorities,  max_attempts};
        if (window) args.emplace_back(window_s);
        auto ins = window ? conn_->exec_prepared("enq_insert_window",
                                                 insert_window, args)
                          : conn_->exec_prepared("enq_insert", insert_plain,
                                                 args);
        if (!ins) return ins.error();
        for (int r = 0; r < ins->size(); ++r)
          by_key[ins->str(r, 0)] = enqueue_result{ins->i64(r, 1), false};
        if (static_cast<std::size_t>(ins->size()) == todo.size()) break;
        std::vector<std::size_t> missing;
        for (auto i : todo)
          if (!by_key.count(valid[i].request_key)) missing.push_back(i);
        if (missing.empty()) break;
        // A completed row within the window wins over an active one (the
        // newest completed one), as in the insert's filter. One index probe
        // per key (LATERAL ... LIMIT 1): a prepared statement keeps its
        // generic plan, and a plan chosen while the table was small must
        // not turn into a scan of the org's rows once it is large.
        auto found = conn_->exec_prepared(
            "enq_lookup",
            "SELECT k.key, a.id, NULL::bigint "
            "FROM unnest($1::text[]) AS k(key) CROSS JOIN LATERAL ("
            "  SELECT q.id FROM adbatch.batch_request_queue q "
            "  WHERE q.request_key = k.key "
            "  AND q.status IN ('pending', 'processing') LIMIT 1) a "
            "UNION ALL "
            "SELECT k.key, c.id, c.at "
            "FROM unnest($1::text[]) AS k(key) CROSS JOIN LATERAL ("
            "  SELECT q.id, " +
                us("q.completed_at") +
                " AS at FROM adbatch.batch_request_queue q "
                "  WHERE $2::bigint > 0 AND q.request_key = k.key "
                "  AND q.status = 'completed' "
                "  AND q.completed_at > now() - $2::bigint * interval '1 "
                "second' "
                "  ORDER BY q.completed_at DESC LIMIT 1) c",
            {array_literal(missing, key_of), window_s});
        if (!found) return found.error();
        // key -> completed_at of the row chosen so far (-1: an active row)
        std::unordered_map<std::string, std::int64_t> chosen_at;
        for (int r = 0; r < found->size(); ++r) {
          auto key = found->str(r, 0);
          const std::int64_t at =
              found->is_null(r, 2) ? -1 : found->i64(r, 2);
          auto [it, fresh] = chosen_at.emplace(key, at);
          if (!fresh && at <= it->second) continue;
          it->second = at;
          by_key[key] = enqueue_result{found->i64(r, 1), true};
        }
        todo.clear();
        for (auto i : missing)
          if (!by_key.count(valid[i].request_key)) todo.push_back(i);
      }
      for (auto i : ok_items) {
        auto it = by_key.find(valid[i].request_key);
        if (it == by_key.end()) {
          out[i] =
              make_error(error_code::conflict,
                         "request key kept changing state; retry the enqueue");
          continue;
        }
        auto res = it->second;
        if (first_of_key[valid[i].request_key] != i) res.deduplicated = true;
        out[i] = res;
      }
    }
    return {};
  };

  if (!by_org.empty()) {
    // The body sets each org itself, so BEGIN needs none.
    auto status = in_txn(*conn_, role::app, nullptr, body);
    // A deadlock or serialization failure rolled everything back: the
    // whole batch can simply run again.
    for (int retry = 0; retry < 3 && !status &&
                        (conn_->last_sqlstate() == "40P01" ||
                         conn_->last_sqlstate() == "40001");
         ++retry)
      status = in_txn(*conn_, role::app, nullptr, body);
    if (!status) {
      // Nothing committed: every item that was not rejected by validation
      // shares the storage error.
      for (auto& [org, items] : by_org)
        for (auto i : items)
          out[i] = status.error();
    }
  }
  std::vector<result<enqueue_result>> final_out;
  final_out.reserve(n);
  for (auto& o : out)
    final_out.push_back(
        o ? std::move(*o)
          : result<enqueue_result>{
                make_error(error_code::storage_error, "internal: no result")});
  return final_out;
}

// -- org-scoped reads and cancels
// -----------------------------------------------------------

result<request_view> pg_backend::get_request(const std::string& org_id,
                                             request_id id) {
  auto org = checked_org(org_id);
  if (!org) return org.error();
  return in_txn(*conn_, role::app, &*org, [&]() -> result<request_view> {
    auto r = conn_->exec("SELECT " + view_columns +
                             " FROM adbatch.batch_request_queue WHERE id = $1",
                         {std::to_string(id)});
    if (!r) return r.error();
    if (r->size() == 0)
      return make_error(error_code::not_found, "request " + std::to_string(id) +
                                                   " not found for org " +
                                                   *org);
    return read_view(*r, 0);
  });
}

result<std::vector<request_view>>
pg_backend::list_requests(const std::string& org_id, const request_filter& f) {
  auto org = checked_org(org_id);
  if (!org) return org.error();
  if (f.limit < 1 || f.limit > 1000)
    return invalid("limit must be within 1..1000");
  if (f.connection_id && !is_uuid(*f.connection_id))
    return invalid("connection_id '" + *f.connection_id + "' is not a UUID");
  auto opt_str = [](bool has, auto&& make) -> pg_param {
    if (!has) return std::nullopt;
    return make();
  };
  return in_txn(
      *conn_, role::app, &*org, [&]() -> result<std::vector<request_view>> {
        // NULL parameters switch their condition off; RLS adds the org.
        auto r = conn_->exec(
            "SELECT " + view_columns +
                " FROM adbatch.batch_request_queue "
                "WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL "
                "OR platform = $2) "
                "AND ($3::uuid IS NULL OR connection_id = $3) AND ($4::bigint "
                "IS NULL OR id < $4) "
                "ORDER BY id DESC LIMIT $5",
            {opt_str(f.status.has_value(),
                     [&] { return std::string{to_string(*f.status)}; }),
             opt_str(f.platform.has_value(),
                     [&] { return std::string{to_string(*f.platform)}; }),
             opt_str(f.connection_id.has_value(),
                     [&] { return normalize_uuid(*f.connection_id); }),
             opt_str(f.before_id.has_value(),
                     [&] { return std::to_string(*f.before_id); }),
             std::to_string(f.limit)});
        if (!r) return r.error();
        std::vector<request_view> out;
        for (int i = 0; i < r->size(); ++i)
          out.push_back(read_view(*r, i));
        return out;
      });
}

result<void> pg_backend::cancel(const std::string& org_id, request_id id) {
  auto org = checked_org(org_id);
  if (!org) return org.error();
  return in_txn(*conn_, role::app, &*org, [&]() -> result<void> {
    auto r = conn_->exec(
        "UPDATE adbatch.batch_request_queue SET status = 'cancelled', error = "
        "'cancelled by org', "
        "error_code = 'cancelled', completed_at = now(), updated_at = now() "
        "WHERE id = $1 AND status = 'pending'",
        {std::to_string(id)});
    if (!r) return r.error();
    if (r->affected() == 1) return {};
    auto s = conn_->exec(
        "SELECT status FROM adbatch.batch_request_queue WHERE id = $1",
        {std::to_string(id)});
    if (!s) return s.error();
    if (s->size() == 0)
      return make_error(error_code::not_found, "request " + std::to_string(id) +
                                                   " not found for org " +
                                                   *org);
    return make_error(error_code::conflict, "request " + std::to_string(id) +
                                                " is " + s->str(0, 0) +
                                                " and cannot be cancelled");
  });
}

result<std::int64_t>
pg_backend::cancel_connection(const std::string& org_id,
                              const std::string& connection_id,
                              const std::string& reason) {
  auto org = checked_org(org_id);
  if (!org) return org.error();
  if (!is_uuid(connection_id))
    return invalid("connection_id '" + connection_id + "' is not a UUID");
  return in_txn(*conn_, role::app, &*org, [&]() -> result<std::int64_t> {
    auto r = conn_->exec(
        "UPDATE adbatch.batch_request_queue SET status = 'cancelled', error = "
        "$2, "
        "error_code = 'cancelled', completed_at = now(), updated_at = now() "
        "WHERE connection_id = $1 AND status = 'pending'",
        {normalize_uuid(connection_id),
         reason.empty() ? std::string{"cancelled: connection disabled"}
                        : reason});
    if (!r) return r.error();
    return r->affected();
  });
}

namespace {

std::vector<queue_stats> empty_stats() {
  std::vector<queue_stats> out;
  for (auto p : all_platforms) {
    queue_stats s;
    s.platform = p;
    out.push_back(s);
  }
  return out;
}

} // namespace

result<std::vector<queue_stats>>
pg_backend::org_stats(const std::string& org_id) {
  auto org = checked_org(org_id);
  if (!org) return org.error();
  return in_txn(
      *conn_, role::app, &*org, [&]() -> result<std::vector<queue_stats>> {
        auto r = conn_->exec(
            "SELECT platform, "
            "count(*) FILTER (WHERE status = 'pending'), "
            "count(*) FILTER (WHERE status = 'processing'), "
            "count(*) FILTER (WHERE status = 'pending' AND attempts > 0), "
            "count(*) FILTER (WHERE status = 'completed' AND completed_at > "
            "now() - interval '24 hours'), "
            "count(*) FILTER (WHERE status = 'failed' AND completed_at > now() "
            "- interval '24 hours'), "
            "coalesce(extract(epoch from now() - min(created_at) FILTER (WHERE "
            "status = 'pending')), 0) "
            "FROM adbatch.batch_request_queue GROUP BY platform");
        if (!r) return r.error();
        auto out = empty_stats();
        for (int i = 0; i < r->size(); ++i) {
          auto p = parse_platform(r->text(i, 0));
          if (!p) continue;
          auto& s = out[static_cast<std::size_t>(*p)];
          s.pending = r->i64(i, 1);
          s.processing = r->i64(i, 2);
          s.due_for_retry = r->i64(i, 3);
          s.completed_24h = r->i64(i, 4);
          s.failed_24h = r->i64(i, 5);
          s.oldest_pending_age_s = r->f64(i, 6);
        }
        return out;
      });
}

} // namespace adbatch::persistence
