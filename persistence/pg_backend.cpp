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


/// The insert of one org's items (step 3 of enqueue_batch): typed arrays
/// unnested by the server, one statement for all of them.
pg_step insert_step(const std::string& org,
                    const std::vector<std::size_t>& todo,
                    const std::vector<validated_request>& valid, bool window,
                    const std::string& window_s) {
  std::string platforms = "{", conns = "{", types = "{", params = "{",
              keys = "{", priorities = "{", max_attempts = "{";
  // Sized up front: a batch's params array is tens of KB, and growing it by
  // doubling costs copies and large frees.
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
  for (auto* a :
       {&platforms, &conns, &types, &params, &keys, &priorities, &max_attempts})
    *a += '}';
  // Ids follow the batch order (nextval runs after the inner sort), but rows
  // go in in key order: concurrent enqueuers then wait on each other's
  // uncommitted keys in one global order and cannot deadlock.
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
      // A correlated scalar subquery (not NOT EXISTS, which the planner may
      // turn into a scan of every completed row) stays one index probe per
      // row on batch_request_queue_completed_key.
      "  WHERE (SELECT 1 FROM adbatch.batch_request_queue d "
      "  WHERE d.request_key = u.request_key AND d.status = 'completed' "
      "  AND d.completed_at > now() - $9::bigint * interval '1 second' "
      "  LIMIT 1) IS NULL " +
      insert_tail;
  std::vector<pg_param> args{org,    std::move(platforms), std::move(conns),
                             std::move(types), std::move(params),
                             std::move(keys), std::move(priorities),
                             std::move(max_attempts)};
  if (window) args.emplace_back(window_s);
  return window ? pg_step{"enq_insert_window", insert_window, std::move(args)}
                : pg_step{"enq_insert", insert_plain, std::move(args)};
}

/// The lookup of keys the insert did not name: the active row, and the
/// newest row completed within the window ($2 seconds; 0 = off).
const std::string& lookup_sql() {
  static const std::string sql =
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
      "  AND q.completed_at > now() - $2::bigint * interval '1 second' "
      "  ORDER BY q.completed_at DESC LIMIT 1) c";
  return sql;
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
  // Row-level security scopes each statement to one org, so every org gets
  // its own statements: set the org, check its connections, insert (one
  // statement for all its rows), and only when some key was not inserted a
  // lookup. The orgs' statements of each phase go out together in one
  // pipeline (one round trip per phase, not per org), and all of them are
  // prepared once per connection.
  struct org_work {
    const std::string* org = nullptr;
    std::vector<std::size_t> ok_items;
    /// The first item of each key (later ones share its row).
    std::unordered_map<std::string, std::size_t> first_of_key;
    /// Items whose key has no row yet.
    std::vector<std::size_t> todo;
  };
  auto set_org = [](const std::string& org) {
    return pg_step{"enq_org", "SELECT set_config('adbatch.org_id', $1, true)",
                   {org}};
  };
  auto body = [&]() -> result<void> {
    // 1. The connections must exist in the org (RLS hides others), match
    //    the platform and be enabled.
    std::vector<pg_step> steps;
    // Generic plans for this transaction's statements: their plans do not
    // depend on the parameter values (array sizes aside), and left to
    // itself PostgreSQL kept re-planning the insert on every execution
    // (~0.1 ms each, which dominated when a batch spans hundreds of orgs).
    steps.push_back(pg_step{
        "enq_generic_plans",
        "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)",
        {}});
    for (auto& [org, items] : by_org) {
      std::set<std::string> conn_ids;
      for (auto i : items)
        conn_ids.insert(valid[i].connection_id);
      steps.push_back(set_org(org));
      steps.push_back(pg_step{
          "enq_connections",
          "SELECT connection_id::text, platform, enabled FROM "
          "adbatch.platform_connections "
          "WHERE connection_id = ANY($1::uuid[])",
          {array_literal(conn_ids, [](const std::string& s) { return s; })}});
    }
    auto checked = conn_->exec_pipeline(steps);
    if (!checked) return checked.error();
    std::vector<org_work> work;
    work.reserve(by_org.size());
    std::size_t step = 2; // after the plan setting and the first set_org
    for (auto& [org, items] : by_org) {
      const auto& rows = (*checked)[step];
      step += 2;
      std::map<std::string, std::pair<std::string, bool>, std::less<>> known;
      for (int r = 0; r < rows.size(); ++r)
        known[rows.str(r, 0)] = {rows.str(r, 1), rows.boolean(r, 2)};
      auto& w = work.emplace_back();
      w.org = &org;
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
          w.ok_items.push_back(i);
      }
      // 2. Identical requests inside the batch share one row.
      for (auto i : w.ok_items)
        if (w.first_of_key.emplace(valid[i].request_key, i).second)
          w.todo.push_back(i);
    }
    // Keys include the org, so one map serves every org of the batch.
    std::unordered_map<std::string, enqueue_result> by_key;
    // 3. Insert, as typed arrays unnested by the server. A key with a row
    //    completed within the window is not inserted (a probe in the
    //    statement); a conflict means an active row has the key. The keys
    //    RETURNING does not name are looked up once: the completed row if
    //    there is one, else the active row. If neither exists any more
    //    (the active row finished in between), insert again.
    for (int round = 0; round < 5; ++round) {
      steps.clear();
      std::vector<org_work*> inserting;
      for (auto& w : work) {
        if (w.todo.empty()) continue;
        steps.push_back(set_org(*w.org));
        steps.push_back(insert_step(*w.org, w.todo, valid, window, window_s));
        inserting.push_back(&w);
      }
      if (inserting.empty()) break;
      auto ins = conn_->exec_pipeline(steps);
      if (!ins) return ins.error();
      steps.clear();
      std::vector<org_work*> looking;
      for (std::size_t k = 0; k < inserting.size(); ++k) {
        auto& w = *inserting[k];
        const auto& rows = (*ins)[2 * k + 1];
        for (int r = 0; r < rows.size(); ++r)
          by_key[rows.str(r, 0)] = enqueue_result{rows.i64(r, 1), false};
        std::vector<std::size_t> missing;
        if (static_cast<std::size_t>(rows.size()) != w.todo.size())
          for (auto i : w.todo)
            if (!by_key.count(valid[i].request_key)) missing.push_back(i);
        w.todo = std::move(missing);
        if (w.todo.empty()) continue;
        // A completed row within the window wins over an active one (the
        // newest completed one), as in the insert's filter. One index
        // probe per key (LATERAL ... LIMIT 1): a prepared statement keeps
        // its generic plan, and a plan chosen while the table was small
        // must not turn into a scan of the org's rows once it is large.
        steps.push_back(set_org(*w.org));
        steps.push_back(pg_step{"enq_lookup", lookup_sql(),
                                {array_literal(w.todo, key_of), window_s}});
        looking.push_back(&w);
      }
      if (looking.empty()) break;
      auto found = conn_->exec_pipeline(steps);
      if (!found) return found.error();
      for (std::size_t k = 0; k < looking.size(); ++k) {
        auto& w = *looking[k];
        const auto& rows = (*found)[2 * k + 1];
        // key -> completed_at of the row chosen so far (-1: an active row)
        std::unordered_map<std::string, std::int64_t> chosen_at;
        for (int r = 0; r < rows.size(); ++r) {
          auto key = rows.str(r, 0);
          const std::int64_t at = rows.is_null(r, 2) ? -1 : rows.i64(r, 2);
          auto [it, fresh] = chosen_at.emplace(key, at);
          if (!fresh && at <= it->second) continue;
          it->second = at;
          by_key[key] = enqueue_result{rows.i64(r, 1), true};
        }
        std::vector<std::size_t> still;
        for (auto i : w.todo)
          if (!by_key.count(valid[i].request_key)) still.push_back(i);
        w.todo = std::move(still);
      }
    }
    for (auto& w : work) {
      for (auto i : w.ok_items) {
        auto it = by_key.find(valid[i].request_key);
        if (it == by_key.end()) {
          out[i] =
              make_error(error_code::conflict,
                         "request key kept changing state; retry the enqueue");
          continue;
        }
        auto res = it->second;
        if (w.first_of_key[valid[i].request_key] != i) res.deduplicated = true;
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
            "status = 'pending')), 0), "
            "count(*) FILTER (WHERE status = 'ambiguous' AND completed_at > "
            "now() - interval '24 hours') "
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
          s.ambiguous_24h = r->i64(i, 7);
        }
        return out;
      });
}

} // namespace adbatch::persistence
