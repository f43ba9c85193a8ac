#include "persistence/pg_backend.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include <boost/json.hpp>

#include "persistence/backoff.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/validation.hpp"

namespace adbatch::persistence {

namespace {

/// Epoch microseconds of a timestamptz column, NULL stays NULL.
std::string us(const char* col) {
  return std::string{"(extract(epoch from "} + col + ") * 1000000)::bigint";
}

time_point from_us(std::int64_t v) {
  return time_point{std::chrono::duration_cast<clock::duration>(std::chrono::microseconds{v})};
}

std::optional<time_point> opt_time(const pg_rows& r, int row, int col) {
  if (r.is_null(row, col))
    return std::nullopt;
  return from_us(r.i64(row, col));
}

std::int64_t to_us(time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

/// "{a,b,c}": an array literal of values that need no quoting (validated
/// UUIDs, hex keys, integers).
template <class Range, class F>
std::string array_literal(const Range& items, F&& render) {
  std::string out = "{";
  bool first = true;
  for (const auto& x : items) {
    if (!first)
      out += ',';
    first = false;
    out += render(x);
  }
  out += '}';
  return out;
}

std::string ids_literal(const std::vector<request_id>& ids) {
  return array_literal(ids, [](request_id id) { return std::to_string(id); });
}

db_error invalid(std::string msg) {
  return make_error(error_code::invalid_argument, std::move(msg));
}

bool valid_json(const std::string& text) {
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  return !ec;
}

double default_jitter() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_real_distribution<double>{0.0, 1.0}(gen);
}

enum class role { app, worker };

const std::string view_columns =
  "id, org_id::text, platform, connection_id::text, request_type, params::text, status, "
  "priority, attempts, max_attempts, batch_id, result::text, error, error_code, "
  + us("created_at") + ", " + us("updated_at") + ", " + us("next_attempt_at") + ", "
  + us("started_at") + ", " + us("completed_at");

request_view read_view(const pg_rows& r, int i) {
  request_view v;
  v.id = r.i64(i, 0);
  v.org_id = r.str(i, 1);
  v.platform = parse_platform(r.text(i, 2)).value_or(ad_platform::meta);
  v.connection_id = r.str(i, 3);
  v.request_type = r.str(i, 4);
  v.params = r.str(i, 5);
  v.status = parse_request_status(r.text(i, 6)).value_or(request_status::pending);
  v.priority = static_cast<int>(r.i64(i, 7));
  v.attempts = static_cast<int>(r.i64(i, 8));
  v.max_attempts = static_cast<int>(r.i64(i, 9));
  if (!r.is_null(i, 10))
    v.batch = r.i64(i, 10);
  if (!r.is_null(i, 11))
    v.result = r.str(i, 11);
  if (!r.is_null(i, 12))
    v.error = r.str(i, 12);
  if (!r.is_null(i, 13))
    v.error_code = r.str(i, 13);
  v.created_at = from_us(r.i64(i, 14));
  v.updated_at = from_us(r.i64(i, 15));
  v.next_attempt_at = from_us(r.i64(i, 16));
  v.started_at = opt_time(r, i, 17);
  v.completed_at = opt_time(r, i, 18);
  return v;
}

const char* connection_columns =
  "connection_id::text, org_id::text, platform, account_ids::text, token_ref, "
  "display_name, enabled";

platform_connection read_connection(const pg_rows& r, int i) {
  platform_connection c;
  c.connection_id = r.str(i, 0);
  c.org_id = r.str(i, 1);
  c.platform = parse_platform(r.text(i, 2)).value_or(ad_platform::meta);
  c.account_ids = r.str(i, 3);
  c.token_ref = r.str(i, 4);
  c.display_name = r.str(i, 5);
  c.enabled = r.boolean(i, 6);
  return c;
}

bool valid_token_ref(const std::string& ref) {
  if (ref.empty())
    return true;
  auto colon = ref.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == ref.size())
    return false;
  if (!(ref[0] >= 'a' && ref[0] <= 'z'))
    return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = ref[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  for (std::size_t i = colon + 1; i < ref.size(); ++i)
    if (std::isspace(static_cast<unsigned char>(ref[i])))
      return false;
  return true;
}

} // namespace

// -- transactions ---------------------------------------------------------------

namespace {

/// BEGIN + SET LOCAL ROLE (+ the org for RLS) in one round trip. The org id
/// is a validated UUID, so it can be inlined safely.
result<void> begin_as(pg_connection& conn, role r, const std::string* org) {
  std::string sql = "BEGIN; SET LOCAL ROLE ";
  sql += r == role::app ? "adbatch_app" : "adbatch_worker";
  if (org)
    sql += "; SELECT set_config('adbatch.org_id', " + quote_simple_literal(*org) + ", true)";
  return conn.exec_script(sql);
}

/// Runs body() inside a transaction as the role; rolls back on error.
template <class F>
auto in_txn(pg_connection& conn, role r, const std::string* org, F&& body)
  -> decltype(body()) {
  if (auto b = begin_as(conn, r, org); !b) {
    conn.rollback_quietly();
    return b.error();
  }
  auto res = body();
  if (!res) {
    conn.rollback_quietly();
    return res;
  }
  if (auto c = conn.exec_script("COMMIT"); !c) {
    conn.rollback_quietly();
    return c.error();
  }
  return res;
}

result<std::string> checked_org(const std::string& org_id) {
  if (org_id.empty())
    return invalid("org_id is missing");
  if (!is_uuid(org_id))
    return invalid("org_id '" + org_id + "' is not a UUID");
  return normalize_uuid(org_id);
}

} // namespace

// -- construction -------------------------------------------------------------

pg_backend::pg_backend(std::unique_ptr<pg_connection> conn, backend_options options)
  : conn_(std::move(conn)), options_(std::move(options)) {}

pg_backend::~pg_backend() = default;

result<std::unique_ptr<pg_backend>> pg_backend::connect(const std::string& conninfo,
                                                        backend_options options) {
  auto conn = pg_connection::open(conninfo,
                                  static_cast<int>(options.connect_timeout.count()));
  if (!conn)
    return conn.error();
  if (options.statement_timeout.count() > 0) {
    auto set = (*conn)->exec("SELECT set_config('statement_timeout', $1, false)",
                             {std::to_string(options.statement_timeout.count()) + "ms"});
    if (!set)
      return set.error();
  }
  return std::unique_ptr<pg_backend>{new pg_backend(std::move(*conn), std::move(options))};
}

result<void> pg_backend::ping() {
  auto r = conn_->exec("SELECT 1");
  if (!r)
    return r.error();
  return {};
}

bool pg_backend::connected() const { return conn_->ok(); }

// -- connections ------------------------------------------------------------------

result<void> pg_backend::add_connection(const platform_connection& c) {
  auto org = checked_org(c.org_id);
  if (!org)
    return org.error();
  if (!is_uuid(c.connection_id))
    return invalid("connection_id '" + c.connection_id + "' is not a UUID");
  boost::system::error_code ec;
  auto ids = boost::json::parse(c.account_ids, ec);
  if (ec || !ids.is_object())
    return invalid("account_ids must be a JSON object");
  if (!valid_token_ref(c.token_ref))
    return invalid("token_ref must be a reference such as env:NAME, not a credential");
  const auto conn_id = normalize_uuid(c.connection_id);
  return in_txn(*conn_, role::app, &*org, [&]() -> result<void> {
    auto r = conn_->exec(
      "INSERT INTO adbatch.platform_connections "
      "(connection_id, org_id, platform, account_ids, token_ref, display_name, enabled) "
      "VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)",
      {conn_id, *org, std::string{to_string(c.platform)}, c.account_ids, c.token_ref,
       c.display_name, std::string{c.enabled ? "true" : "false"}});
    if (!r && conn_->last_sqlstate() == "23505")
      return make_error(error_code::conflict, "connection " + conn_id + " already exists");
    if (!r)
      return r.error();
    return {};
  });
}

result<void> pg_backend::set_connection_enabled(const std::string& org_id,
                                                const std::string& connection_id,
                                                bool enabled) {
  auto org = checked_org(org_id);
  if (!org)
    return org.error();
  if (!is_uuid(connection_id))
    return invalid("connection_id '" + connection_id + "' is not a UUID");
  return in_txn(*conn_, role::app, &*org, [&]() -> result<void> {
    auto r = conn_->exec("UPDATE adbatch.platform_connections SET enabled = $2, "
                         "updated_at = now() WHERE connection_id = $1",
                         {normalize_uuid(connection_id), std::string{enabled ? "true" : "false"}});
    if (!r)
      return r.error();
    if (r->affected() == 0)
      return make_error(error_code::not_found,
                        "connection " + connection_id + " not found for org " + *org);
    return {};
  });
}

result<platform_connection> pg_backend::get_connection(const std::string& connection_id) {
  if (!is_uuid(connection_id))
    return invalid("connection_id '" + connection_id + "' is not a UUID");
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<platform_connection> {
    auto r = conn_->exec(std::string{"SELECT "} + connection_columns
                           + " FROM adbatch.platform_connections WHERE connection_id = $1",
                         {normalize_uuid(connection_id)});
    if (!r)
      return r.error();
    if (r->size() == 0)
      return make_error(error_code::not_found, "connection " + connection_id + " not found");
    return read_connection(*r, 0);
  });
}

result<std::vector<platform_connection>> pg_backend::list_connections(ad_platform p) {
  return in_txn(*conn_, role::worker, nullptr,
                [&]() -> result<std::vector<platform_connection>> {
                  auto r = conn_->exec(std::string{"SELECT "} + connection_columns
                                         + " FROM adbatch.platform_connections "
                                           "WHERE platform = $1 ORDER BY connection_id",
                                       {std::string{to_string(p)}});
                  if (!r)
                    return r.error();
                  std::vector<platform_connection> out;
                  for (int i = 0; i < r->size(); ++i)
                    out.push_back(read_connection(*r, i));
                  return out;
                });
}

// -- enqueue ----------------------------------------------------------------------------

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

  // Everything below runs in ONE transaction (one commit for the batch).
  auto body = [&]() -> result<void> {
    for (auto& [org, items] : by_org) {
      if (auto r = conn_->exec("SELECT set_config('adbatch.org_id', $1, true)", {org}); !r)
        return r.error();
      // 1. The connections must exist in this org (RLS hides others),
      //    match the platform and be enabled.
      std::set<std::string> conn_ids;
      for (auto i : items)
        conn_ids.insert(valid[i].connection_id);
      auto rows = conn_->exec(
        "SELECT connection_id::text, platform, enabled FROM adbatch.platform_connections "
        "WHERE connection_id = ANY($1::uuid[])",
        {array_literal(conn_ids, [](const std::string& s) { return s; })});
      if (!rows)
        return rows.error();
      std::map<std::string, std::pair<std::string, bool>> known;
      for (int r = 0; r < rows->size(); ++r)
        known[rows->str(r, 0)] = {rows->str(r, 1), rows->boolean(r, 2)};
      std::vector<std::size_t> ok_items;
      for (auto i : items) {
        const auto& v = valid[i];
        auto it = known.find(v.connection_id);
        if (it == known.end())
          out[i] = invalid("connection " + v.connection_id + " does not exist for org " + org);
        else if (it->second.first != to_string(v.platform))
          out[i] = invalid("connection " + v.connection_id + " belongs to platform "
                           + it->second.first + ", not " + to_string(v.platform));
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
      // 3. Completed within the window: hand back that row.
      if (options_.dedup_window.count() > 0 && !unique_items.empty()) {
        auto keys = array_literal(unique_items,
                                  [&](std::size_t i) { return valid[i].request_key; });
        auto done = conn_->exec(
          "SELECT DISTINCT ON (request_key) request_key, id FROM adbatch.batch_request_queue "
          "WHERE request_key = ANY($1::text[]) AND status = 'completed' "
          "AND completed_at > now() - $2::bigint * interval '1 second' "
          "ORDER BY request_key, completed_at DESC",
          {keys, std::to_string(options_.dedup_window.count())});
        if (!done)
          return done.error();
        for (int r = 0; r < done->size(); ++r)
          by_key[done->str(r, 0)] = enqueue_result{done->i64(r, 1), true};
      }
      // 4. Insert the rest; a conflict means an active row has the key:
      //    select it. If it finished in between, insert again.
      std::vector<std::size_t> todo;
      for (auto i : unique_items)
        if (!by_key.count(valid[i].request_key))
          todo.push_back(i);
      for (int round = 0; round < 5 && !todo.empty(); ++round) {
        boost::json::array rows_json;
        rows_json.reserve(todo.size());
        for (auto i : todo) {
          const auto& v = valid[i];
          rows_json.push_back(boost::json::object{
            {"org_id", v.org_id},
            {"platform", to_string(v.platform)},
            {"connection_id", v.connection_id},
            {"request_type", v.request_type},
            {"params", v.params},
            {"request_key", v.request_key},
            {"priority", v.priority},
            {"max_attempts", v.max_attempts},
            {"n", rows_json.size()}});
        }
        // Ids follow the batch order (nextval runs after the inner sort),
        // but rows go in in key order: concurrent enqueuers then wait on
        // each other's uncommitted keys in one global order and cannot
        // deadlock.
        auto ins = conn_->exec(
          "INSERT INTO adbatch.batch_request_queue "
          "(id, org_id, platform, connection_id, request_type, params, request_key, priority, "
          "max_attempts) "
          "SELECT s.id, s.org_id, s.platform, s.connection_id, s.request_type, s.params::jsonb, "
          "s.request_key, s.priority, s.max_attempts FROM ("
          "  SELECT nextval('adbatch.batch_request_queue_id_seq') AS id, x.* "
          "  FROM json_to_recordset($1::json) AS x(org_id uuid, platform text, "
          "  connection_id uuid, request_type text, params text, request_key text, "
          "  priority smallint, max_attempts integer, n bigint) "
          "  ORDER BY x.n) s "
          "ORDER BY s.request_key "
          "ON CONFLICT (request_key) WHERE status IN ('pending', 'processing') DO NOTHING "
          "RETURNING request_key, id",
          {boost::json::serialize(rows_json)});
        if (!ins)
          return ins.error();
        for (int r = 0; r < ins->size(); ++r)
          by_key[ins->str(r, 0)] = enqueue_result{ins->i64(r, 1), false};
        std::vector<std::size_t> missing;
        for (auto i : todo)
          if (!by_key.count(valid[i].request_key))
            missing.push_back(i);
        if (missing.empty())
          break;
        auto act = conn_->exec(
          "SELECT request_key, id FROM adbatch.batch_request_queue "
          "WHERE request_key = ANY($1::text[]) AND status IN ('pending', 'processing')",
          {array_literal(missing, [&](std::size_t i) { return valid[i].request_key; })});
        if (!act)
          return act.error();
        for (int r = 0; r < act->size(); ++r)
          by_key[act->str(r, 0)] = enqueue_result{act->i64(r, 1), true};
        todo.clear();
        for (auto i : missing)
          if (!by_key.count(valid[i].request_key))
            todo.push_back(i);
      }
      for (auto i : ok_items) {
        auto it = by_key.find(valid[i].request_key);
        if (it == by_key.end()) {
          out[i] = make_error(error_code::conflict,
                              "request key kept changing state; retry the enqueue");
          continue;
        }
        auto res = it->second;
        if (first_of_key[valid[i].request_key] != i)
          res.deduplicated = true;
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
    for (int retry = 0; retry < 3 && !status
                        && (conn_->last_sqlstate() == "40P01"
                            || conn_->last_sqlstate() == "40001");
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
    final_out.push_back(o ? std::move(*o)
                          : result<enqueue_result>{make_error(error_code::storage_error,
                                                              "internal: no result")});
  return final_out;
}

// -- org-scoped reads and cancels -----------------------------------------------------------

result<request_view> pg_backend::get_request(const std::string& org_id, request_id id) {
  auto org = checked_org(org_id);
  if (!org)
    return org.error();
  return in_txn(*conn_, role::app, &*org, [&]() -> result<request_view> {
    auto r = conn_->exec("SELECT " + view_columns
                           + " FROM adbatch.batch_request_queue WHERE id = $1",
                         {std::to_string(id)});
    if (!r)
      return r.error();
    if (r->size() == 0)
      return make_error(error_code::not_found,
                        "request " + std::to_string(id) + " not found for org " + *org);
    return read_view(*r, 0);
  });
}

result<std::vector<request_view>> pg_backend::list_requests(const std::string& org_id,
                                                            const request_filter& f) {
  auto org = checked_org(org_id);
  if (!org)
    return org.error();
  if (f.limit < 1 || f.limit > 1000)
    return invalid("limit must be within 1..1000");
  if (f.connection_id && !is_uuid(*f.connection_id))
    return invalid("connection_id '" + *f.connection_id + "' is not a UUID");
  auto opt_str = [](bool has, auto&& make) -> pg_param {
    if (!has)
      return std::nullopt;
    return make();
  };
  return in_txn(*conn_, role::app, &*org, [&]() -> result<std::vector<request_view>> {
    // NULL parameters switch their condition off; RLS adds the org.
    auto r = conn_->exec(
      "SELECT " + view_columns + " FROM adbatch.batch_request_queue "
      "WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR platform = $2) "
      "AND ($3::uuid IS NULL OR connection_id = $3) AND ($4::bigint IS NULL OR id < $4) "
      "ORDER BY id DESC LIMIT $5",
      {opt_str(f.status.has_value(), [&] { return std::string{to_string(*f.status)}; }),
       opt_str(f.platform.has_value(), [&] { return std::string{to_string(*f.platform)}; }),
       opt_str(f.connection_id.has_value(), [&] { return normalize_uuid(*f.connection_id); }),
       opt_str(f.before_id.has_value(), [&] { return std::to_string(*f.before_id); }),
       std::to_string(f.limit)});
    if (!r)
      return r.error();
    std::vector<request_view> out;
    for (int i = 0; i < r->size(); ++i)
      out.push_back(read_view(*r, i));
    return out;
  });
}

result<void> pg_backend::cancel(const std::string& org_id, request_id id) {
  auto org = checked_org(org_id);
  if (!org)
    return org.error();
  return in_txn(*conn_, role::app, &*org, [&]() -> result<void> {
    auto r = conn_->exec(
      "UPDATE adbatch.batch_request_queue SET status = 'cancelled', error = 'cancelled by org', "
      "error_code = 'cancelled', completed_at = now(), updated_at = now() "
      "WHERE id = $1 AND status = 'pending'",
      {std::to_string(id)});
    if (!r)
      return r.error();
    if (r->affected() == 1)
      return {};
    auto s = conn_->exec("SELECT status FROM adbatch.batch_request_queue WHERE id = $1",
                         {std::to_string(id)});
    if (!s)
      return s.error();
    if (s->size() == 0)
      return make_error(error_code::not_found,
                        "request " + std::to_string(id) + " not found for org " + *org);
    return make_error(error_code::conflict, "request " + std::to_string(id) + " is "
                                              + s->str(0, 0) + " and cannot be cancelled");
  });
}

result<std::int64_t> pg_backend::cancel_connection(const std::string& org_id,
                                                   const std::string& connection_id,
                                                   const std::string& reason) {
  auto org = checked_org(org_id);
  if (!org)
    return org.error();
  if (!is_uuid(connection_id))
    return invalid("connection_id '" + connection_id + "' is not a UUID");
  return in_txn(*conn_, role::app, &*org, [&]() -> result<std::int64_t> {
    auto r = conn_->exec(
      "UPDATE adbatch.batch_request_queue SET status = 'cancelled', error = $2, "
      "error_code = 'cancelled', completed_at = now(), updated_at = now() "
      "WHERE connection_id = $1 AND status = 'pending'",
      {normalize_uuid(connection_id),
       reason.empty() ? std::string{"cancelled: connection disabled"} : reason});
    if (!r)
      return r.error();
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

result<std::vector<queue_stats>> pg_backend::org_stats(const std::string& org_id) {
  auto org = checked_org(org_id);
  if (!org)
    return org.error();
  return in_txn(*conn_, role::app, &*org, [&]() -> result<std::vector<queue_stats>> {
    auto r = conn_->exec(
      "SELECT platform, "
      "count(*) FILTER (WHERE status = 'pending'), "
      "count(*) FILTER (WHERE status = 'processing'), "
      "count(*) FILTER (WHERE status = 'pending' AND attempts > 0), "
      "count(*) FILTER (WHERE status = 'completed' AND completed_at > now() - interval '24 hours'), "
      "count(*) FILTER (WHERE status = 'failed' AND completed_at > now() - interval '24 hours'), "
      "coalesce(extract(epoch from now() - min(created_at) FILTER (WHERE status = 'pending')), 0) "
      "FROM adbatch.batch_request_queue GROUP BY platform");
    if (!r)
      return r.error();
    auto out = empty_stats();
    for (int i = 0; i < r->size(); ++i) {
      auto p = parse_platform(r->text(i, 0));
      if (!p)
        continue;
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

// -- worker: claims and outcomes ------------------------------------------------------------------

result<claim_result> pg_backend::claim(ad_platform p, int limit,
                                       std::chrono::milliseconds lease,
                                       const std::string& lease_owner) {
  return claim_filtered(p, limit, lease, lease_owner, claim_options{});
}

result<claim_result> pg_backend::claim_filtered(ad_platform p, int limit,
                                                std::chrono::milliseconds lease,
                                                const std::string& lease_owner,
                                                const claim_options& options) {
  for (const auto& c : options.exclude_connections)
    if (!is_uuid(c))
      return invalid("excluded connection '" + c + "' is not a UUID");
  if (options.per_connection_limit < 0)
    return invalid("per_connection_limit must not be negative");
  if (limit <= 0)
    return invalid("claim limit must be positive");
  if (lease.count() <= 0)
    return invalid("lease duration must be positive");
  if (lease_owner.empty())
    return invalid("lease_owner is missing");
  const std::string plat = to_string(p);
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<claim_result> {
    claim_result out;
    // Reap expired leases first, so their rows are claimable below (the
    // next statement sees this one's changes).
    auto reaped = conn_->exec(
      "WITH expired AS ("
      "  SELECT id FROM adbatch.batch_request_queue"
      "  WHERE platform = $1 AND status = 'processing' AND lease_expires_at < now()"
      "  FOR UPDATE SKIP LOCKED) "
      "UPDATE adbatch.batch_request_queue q SET "
      "  status = CASE WHEN q.attempts >= q.max_attempts THEN 'failed' ELSE 'pending' END, "
      "  lease_expires_at = NULL, next_attempt_at = now(), "
      "  error = 'lease of ' || coalesce(q.lease_owner, '?') || ' expired', "
      "  error_code = 'lease_expired', "
      "  completed_at = CASE WHEN q.attempts >= q.max_attempts THEN now() END, "
      "  updated_at = now() "
      "FROM expired WHERE q.id = expired.id RETURNING q.status",
      {plat});
    if (!reaped)
      return reaped.error();
    for (int i = 0; i < reaped->size(); ++i)
      (reaped->text(i, 0) == "failed" ? out.leases_exhausted : out.leases_reclaimed) += 1;
    const std::string excluded = array_literal(
      options.exclude_connections, [](const std::string& c) { return normalize_uuid(c); });
    std::vector<pg_param> params{plat, std::to_string(limit), lease_owner,
                                 std::to_string(lease.count()), excluded};
    std::string candidates;
    if (options.per_connection_limit > 0) {
      // Up to N per connection (each from batch_request_queue_connection_claim),
      // then the most urgent of those.
      candidates =
        "SELECT l.id FROM adbatch.platform_connections pc CROSS JOIN LATERAL ("
        "  SELECT id, priority FROM adbatch.batch_request_queue"
        "  WHERE connection_id = pc.connection_id AND status = 'pending'"
        "    AND next_attempt_at <= now()"
        "  ORDER BY priority, id LIMIT $6 FOR UPDATE SKIP LOCKED) l "
        "WHERE pc.platform = $1 AND pc.connection_id <> ALL($5::uuid[]) "
        "ORDER BY l.priority, l.id LIMIT $2";
      params.push_back(std::to_string(options.per_connection_limit));
    } else {
      // The ORDER BY matches the partial index batch_request_queue_claim
      // (platform, priority, id) WHERE pending: no sort, only the rows taken
      // (plus skipped ones) are read.
      candidates =
        "SELECT id FROM adbatch.batch_request_queue"
        "  WHERE platform = $1 AND status = 'pending' AND next_attempt_at <= now()"
        "    AND connection_id <> ALL($5::uuid[])"
        "  ORDER BY priority, id LIMIT $2 FOR UPDATE SKIP LOCKED";
    }
    auto rows = conn_->exec(
      "WITH c AS (" + candidates + "), "
      "b AS (SELECT nextval('adbatch.batch_id_seq') AS batch) "
      "UPDATE adbatch.batch_request_queue q SET "
      "  status = 'processing', lease_owner = $3, "
      "  lease_expires_at = now() + $4::bigint * interval '1 millisecond', "
      "  attempts = q.attempts + 1, batch_id = b.batch, started_at = now(), "
      "  updated_at = now() "
      "FROM c, b WHERE q.id = c.id "
      "RETURNING q.id, q.org_id::text, q.connection_id::text, q.request_type, "
      "  q.params::text, q.priority, q.attempts, q.max_attempts, q.batch_id",
      params);
    if (!rows)
      return rows.error();
    for (int i = 0; i < rows->size(); ++i) {
      claimed_request c;
      c.id = rows->i64(i, 0);
      c.org_id = rows->str(i, 1);
      c.platform = p;
      c.connection_id = rows->str(i, 2);
      c.request_type = rows->str(i, 3);
      c.params = rows->str(i, 4);
      c.priority = static_cast<int>(rows->i64(i, 5));
      c.attempts = static_cast<int>(rows->i64(i, 6));
      c.max_attempts = static_cast<int>(rows->i64(i, 7));
      c.batch = rows->i64(i, 8);
      out.batch = c.batch;
      out.requests.push_back(std::move(c));
    }
    // RETURNING has no order: restore the claim order.
    std::sort(out.requests.begin(), out.requests.end(), [](const auto& a, const auto& b) {
      return std::tie(a.priority, a.id) < std::tie(b.priority, b.id);
    });
    return out;
  });
}

result<void> pg_backend::complete(request_id id, const std::string& lease_owner,
                                  const std::string& result_json) {
  auto r = complete_many({completion{id, result_json}}, lease_owner);
  if (!r)
    return r.error();
  if (r->applied.empty())
    return make_error(error_code::conflict, "request " + std::to_string(id)
                                              + " is not processing under lease owner "
                                              + lease_owner);
  return {};
}

result<batch_outcome> pg_backend::complete_many(const std::vector<completion>& items,
                                                const std::string& lease_owner) {
  batch_outcome out;
  if (items.empty())
    return out;
  boost::json::array rows_json;
  for (const auto& c : items) {
    if (!valid_json(c.result_json))
      return invalid("result of request " + std::to_string(c.id) + " is not valid JSON");
    rows_json.push_back(boost::json::object{{"id", c.id}, {"result", c.result_json}});
  }
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<batch_outcome> {
    auto r = conn_->exec(
      "UPDATE adbatch.batch_request_queue q SET status = 'completed', "
      "  result = x.result::jsonb, lease_expires_at = NULL, error = NULL, error_code = NULL, "
      "  completed_at = now(), updated_at = now() "
      "FROM json_to_recordset($1::json) AS x(id bigint, result text) "
      "WHERE q.id = x.id AND q.status = 'processing' AND q.lease_owner = $2 "
      "RETURNING q.id",
      {boost::json::serialize(rows_json), lease_owner});
    if (!r)
      return r.error();
    std::set<request_id> applied;
    for (int i = 0; i < r->size(); ++i)
      applied.insert(r->i64(i, 0));
    for (const auto& c : items)
      (applied.count(c.id) ? out.applied : out.rejected).push_back(c.id);
    return out;
  });
}

result<fail_outcome> pg_backend::fail(request_id id, const std::string& lease_owner,
                                      const std::string& error, const std::string& code,
                                      bool retryable) {
  std::map<request_id, fail_outcome> outcomes;
  auto r = fail_rows({failure{id, error, code, retryable}}, lease_owner, &outcomes);
  if (!r)
    return r.error();
  auto it = outcomes.find(id);
  if (it == outcomes.end())
    return make_error(error_code::conflict, "request " + std::to_string(id)
                                              + " is not processing under lease owner "
                                              + lease_owner);
  return it->second;
}

result<batch_outcome> pg_backend::fail_many(const std::vector<failure>& items,
                                            const std::string& lease_owner) {
  return fail_rows(items, lease_owner, nullptr);
}

result<batch_outcome>
pg_backend::fail_rows(const std::vector<failure>& items, const std::string& lease_owner,
                      std::map<request_id, fail_outcome>* outcomes) {
  batch_outcome out;
  if (items.empty())
    return out;
  std::vector<request_id> ids;
  for (const auto& f : items)
    ids.push_back(f.id);
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<batch_outcome> {
    auto cur = conn_->exec(
      "SELECT id, attempts, max_attempts FROM adbatch.batch_request_queue "
      "WHERE id = ANY($1::bigint[]) AND status = 'processing' AND lease_owner = $2 "
      "FOR UPDATE",
      {ids_literal(ids), lease_owner});
    if (!cur)
      return cur.error();
    std::map<request_id, std::pair<int, int>> held;
    for (int i = 0; i < cur->size(); ++i)
      held[cur->i64(i, 0)] = {static_cast<int>(cur->i64(i, 1)),
                              static_cast<int>(cur->i64(i, 2))};
    boost::json::array rows_json;
    for (const auto& f : items) {
      auto it = held.find(f.id);
      if (it == held.end())
        continue;
      const auto [attempts, max_attempts] = it->second;
      const bool retry = f.retryable && attempts < max_attempts;
      std::int64_t delay_ms = 0;
      if (retry) {
        const double u = options_.jitter_source ? options_.jitter_source() : default_jitter();
        delay_ms = retry_backoff(attempts, u, options_.backoff).count();
      }
      rows_json.push_back(boost::json::object{
        {"id", f.id},
        {"status", retry ? "pending" : "failed"},
        {"delay_ms", delay_ms},
        {"error", f.error},
        {"error_code", f.error_code}});
      held.erase(it); // a duplicate id in items counts once
    }
    std::set<request_id> applied;
    if (!rows_json.empty()) {
      auto r = conn_->exec(
        "UPDATE adbatch.batch_request_queue q SET status = x.status, "
        "  next_attempt_at = CASE WHEN x.status = 'pending' "
        "    THEN now() + x.delay_ms * interval '1 millisecond' ELSE q.next_attempt_at END, "
        "  lease_owner = CASE WHEN x.status = 'pending' THEN NULL ELSE q.lease_owner END, "
        "  lease_expires_at = NULL, error = x.error, error_code = x.error_code, "
        "  completed_at = CASE WHEN x.status = 'failed' THEN now() END, updated_at = now() "
        "FROM json_to_recordset($1::json) AS x(id bigint, status text, delay_ms bigint, "
        "  error text, error_code text) "
        "WHERE q.id = x.id RETURNING q.id, q.status, " + us("q.next_attempt_at"),
        {boost::json::serialize(rows_json)});
      if (!r)
        return r.error();
      for (int i = 0; i < r->size(); ++i) {
        applied.insert(r->i64(i, 0));
        if (outcomes) {
          fail_outcome o;
          o.status = parse_request_status(r->text(i, 1)).value_or(request_status::failed);
          if (o.status == request_status::pending)
            o.next_attempt_at = from_us(r->i64(i, 2));
          (*outcomes)[r->i64(i, 0)] = o;
        }
      }
    }
    for (const auto& f : items)
      (applied.count(f.id) ? out.applied : out.rejected).push_back(f.id);
    return out;
  });
}

result<void> pg_backend::skip(request_id id, const std::string& lease_owner,
                              const std::string& reason) {
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<void> {
    auto r = conn_->exec(
      "UPDATE adbatch.batch_request_queue SET status = 'skipped', lease_expires_at = NULL, "
      "  error = $3, error_code = 'skipped', completed_at = now(), updated_at = now() "
      "WHERE id = $1 AND status = 'processing' AND lease_owner = $2",
      {std::to_string(id), lease_owner, reason});
    if (!r)
      return r.error();
    if (r->affected() == 0)
      return make_error(error_code::conflict, "request " + std::to_string(id)
                                                + " is not processing under lease owner "
                                                + lease_owner);
    return {};
  });
}

result<batch_outcome> pg_backend::release(const std::vector<request_id>& ids,
                                          const std::string& lease_owner,
                                          std::chrono::milliseconds delay) {
  batch_outcome out;
  if (ids.empty())
    return out;
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<batch_outcome> {
    auto r = conn_->exec(
      "UPDATE adbatch.batch_request_queue SET status = 'pending', "
      "  attempts = greatest(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL, "
      "  next_attempt_at = now() + $3::bigint * interval '1 millisecond', updated_at = now() "
      "WHERE id = ANY($1::bigint[]) AND status = 'processing' AND lease_owner = $2 "
      "RETURNING id",
      {ids_literal(ids), lease_owner, std::to_string(std::max<std::int64_t>(delay.count(), 0))});
    if (!r)
      return r.error();
    std::set<request_id> applied;
    for (int i = 0; i < r->size(); ++i)
      applied.insert(r->i64(i, 0));
    for (auto id : ids)
      (applied.count(id) ? out.applied : out.rejected).push_back(id);
    return out;
  });
}

result<std::int64_t> pg_backend::requeue_failed(ad_platform p, int limit) {
  if (limit <= 0)
    return invalid("requeue limit must be positive");
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::int64_t> {
    // Skip keys that are active again: requeueing them would break the
    // one-active-row-per-key rule.
    auto cand = conn_->exec(
      "SELECT f.id, f.request_key FROM adbatch.batch_request_queue f "
      "WHERE f.platform = $1 AND f.status = 'failed' AND NOT EXISTS ("
      "  SELECT 1 FROM adbatch.batch_request_queue a "
      "  WHERE a.request_key = f.request_key AND a.status IN ('pending', 'processing')) "
      "ORDER BY f.completed_at LIMIT $2 FOR UPDATE SKIP LOCKED",
      {std::string{to_string(p)}, std::to_string(limit)});
    if (!cand)
      return cand.error();
    std::set<std::string> keys;
    std::vector<request_id> ids;
    for (int i = 0; i < cand->size(); ++i)
      if (keys.insert(cand->str(i, 1)).second)
        ids.push_back(cand->i64(i, 0));
    if (ids.empty())
      return std::int64_t{0};
    auto r = conn_->exec(
      "UPDATE adbatch.batch_request_queue SET status = 'pending', attempts = 0, "
      "  next_attempt_at = now(), lease_owner = NULL, error = NULL, error_code = NULL, "
      "  result = NULL, completed_at = NULL, updated_at = now() "
      "WHERE id = ANY($1::bigint[]) AND status = 'failed'",
      {ids_literal(ids)});
    if (!r && conn_->last_sqlstate() == "23505")
      return make_error(error_code::conflict,
                        "a failed request's key became active meanwhile; retry");
    if (!r)
      return r.error();
    return r->affected();
  });
}

result<std::int64_t> pg_backend::prune(std::chrono::seconds retention) {
  if (retention.count() < 0)
    return invalid("retention must not be negative");
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::int64_t> {
    std::int64_t total = 0;
    // Per platform, so each DELETE walks batch_request_queue_finished.
    for (auto p : all_platforms) {
      auto r = conn_->exec(
        "DELETE FROM adbatch.batch_request_queue WHERE platform = $1 "
        "AND status IN ('completed', 'failed', 'cancelled', 'skipped') "
        "AND completed_at < now() - $2::bigint * interval '1 second'",
        {std::string{to_string(p)}, std::to_string(retention.count())});
      if (!r)
        return r.error();
      total += r->affected();
    }
    auto log = conn_->exec("DELETE FROM adbatch.batch_execution_log "
                           "WHERE started_at < now() - $1::bigint * interval '1 second'",
                           {std::to_string(retention.count())});
    if (!log)
      return log.error();
    return total;
  });
}

namespace {

result<queue_stats> platform_stats(pg_connection& conn, ad_platform p) {
  // One subquery per counter so each uses its partial index instead of
  // scanning the platform's whole history.
  auto r = conn.exec(
    "SELECT "
    "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 AND status = 'pending'), "
    "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 AND status = 'processing'), "
    "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 AND status = 'pending' "
    "   AND attempts > 0), "
    "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 AND status = 'completed' "
    "   AND completed_at > now() - interval '24 hours'), "
    "(SELECT count(*) FROM adbatch.batch_request_queue WHERE platform = $1 AND status = 'failed' "
    "   AND completed_at > now() - interval '24 hours'), "
    "(SELECT coalesce(extract(epoch from now() - min(created_at)), 0) "
    "   FROM adbatch.batch_request_queue WHERE platform = $1 AND status = 'pending')",
    {std::string{to_string(p)}});
  if (!r)
    return r.error();
  queue_stats s;
  s.platform = p;
  s.pending = r->i64(0, 0);
  s.processing = r->i64(0, 1);
  s.due_for_retry = r->i64(0, 2);
  s.completed_24h = r->i64(0, 3);
  s.failed_24h = r->i64(0, 4);
  s.oldest_pending_age_s = r->f64(0, 5);
  return s;
}

} // namespace

result<queue_stats> pg_backend::stats(ad_platform p) {
  return in_txn(*conn_, role::worker, nullptr, [&] { return platform_stats(*conn_, p); });
}

result<std::vector<queue_stats>> pg_backend::stats_all() {
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::vector<queue_stats>> {
    std::vector<queue_stats> out;
    for (auto p : all_platforms) {
      auto s = platform_stats(*conn_, p);
      if (!s)
        return s.error();
      out.push_back(*s);
    }
    return out;
  });
}

// -- execution log --------------------------------------------------------------------------

result<std::int64_t> pg_backend::log_execution(const execution_log_row& row) {
  if (row.connection_id && !is_uuid(*row.connection_id))
    return invalid("execution log connection_id is not a UUID");
  if (row.org_id && !is_uuid(*row.org_id))
    return invalid("execution log org_id is not a UUID");
  if (row.errors_json && !valid_json(*row.errors_json))
    return invalid("execution log errors is not valid JSON");
  auto opt = [](const std::optional<std::string>& s) -> pg_param { return s; };
  auto ts = [](time_point t) -> pg_param {
    if (t.time_since_epoch().count() == 0)
      return std::nullopt;
    return std::to_string(to_us(t));
  };
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::int64_t> {
    auto r = conn_->exec(
      "INSERT INTO adbatch.batch_execution_log (platform, batch_id, batch_type, connection_id, "
      "  org_id, request_count, api_calls_made, quota_units, success_count, failed_count, "
      "  skipped_count, bytes_received, duration_ms, rate_limit_remaining, rate_limit_reset_at, "
      "  rate_limit_hit, errors, started_at, finished_at) "
      "VALUES ($1, $2, $3, $4::uuid, $5::uuid, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
      "  to_timestamp($15::bigint / 1000000.0), $16, $17::jsonb, "
      "  coalesce(to_timestamp($18::bigint / 1000000.0), now()), "
      "  coalesce(to_timestamp($19::bigint / 1000000.0), now())) RETURNING id",
      {std::string{to_string(row.platform)}, std::to_string(row.batch), row.batch_type,
       opt(row.connection_id), opt(row.org_id), std::to_string(row.request_count),
       std::to_string(row.api_calls_made), std::to_string(row.quota_units),
       std::to_string(row.success_count), std::to_string(row.failed_count),
       std::to_string(row.skipped_count), std::to_string(row.bytes_received),
       std::to_string(row.duration_ms),
       row.rate_limit_remaining ? pg_param{std::to_string(*row.rate_limit_remaining)}
                                : pg_param{},
       row.rate_limit_reset_at ? ts(*row.rate_limit_reset_at) : pg_param{},
       std::string{row.rate_limit_hit ? "true" : "false"}, opt(row.errors_json),
       ts(row.started_at), ts(row.finished_at)});
    if (!r)
      return r.error();
    return r->i64(0, 0);
  });
}

result<execution_summary> pg_backend::execution_log(ad_platform p, int hours) {
  if (hours <= 0)
    return invalid("hours must be positive");
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<execution_summary> {
    auto r = conn_->exec(
      "SELECT count(*), coalesce(sum(request_count), 0), coalesce(sum(api_calls_made), 0), "
      "  coalesce(sum(quota_units), 0), coalesce(sum(success_count), 0), "
      "  coalesce(sum(failed_count), 0), coalesce(sum(skipped_count), 0), "
      "  coalesce(sum(bytes_received), 0), count(*) FILTER (WHERE rate_limit_hit), "
      "  coalesce(avg(duration_ms), 0) "
      "FROM adbatch.batch_execution_log "
      "WHERE platform = $1 AND started_at > now() - $2::bigint * interval '1 hour'",
      {std::string{to_string(p)}, std::to_string(hours)});
    if (!r)
      return r.error();
    execution_summary s;
    s.platform = p;
    s.hours = hours;
    s.batches = r->i64(0, 0);
    s.requests = r->i64(0, 1);
    s.api_calls = r->i64(0, 2);
    s.quota_units = r->i64(0, 3);
    s.success = r->i64(0, 4);
    s.failed = r->i64(0, 5);
    s.skipped = r->i64(0, 6);
    s.bytes_received = r->i64(0, 7);
    s.rate_limit_hits = r->i64(0, 8);
    s.avg_duration_ms = r->f64(0, 9);
    const auto done = s.success + s.failed;
    s.success_rate = done == 0 ? 1.0 : static_cast<double>(s.success) / static_cast<double>(done);
    return s;
  });
}

// -- webhook events -----------------------------------------------------------------------------

result<store_event_result> pg_backend::store_event(const webhook_event& e) {
  boost::system::error_code ec;
  auto headers = boost::json::parse(e.headers_json, ec);
  if (ec || !headers.is_object())
    return invalid("webhook headers must be a JSON object");
  if (!valid_json(e.payload_json))
    return invalid("webhook payload is not valid JSON");
  if (e.external_event_id && e.external_event_id->empty())
    return invalid("external_event_id is empty (leave it unset instead)");
  if (e.org_id && !is_uuid(*e.org_id))
    return invalid("webhook org_id is not a UUID");
  if (e.connection_id && !is_uuid(*e.connection_id))
    return invalid("webhook connection_id is not a UUID");
  if (e.max_attempts < 1 || e.max_attempts > max_max_attempts)
    return invalid("webhook max_attempts is outside 1..100");
  const bool invalid_signature = e.signature_valid == std::optional<bool>{false};
  const std::string plat = to_string(e.platform);
  auto opt_uuid = [](const std::optional<std::string>& s) -> pg_param {
    if (!s)
      return std::nullopt;
    return normalize_uuid(*s);
  };
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<store_event_result> {
    auto r = conn_->exec(
      "INSERT INTO adbatch.webhook_events (platform, external_event_id, event_type, "
      "  signature_valid, status, max_attempts, headers, payload, raw_payload, source_ip, "
      "  user_agent, request_method, org_id, connection_id, error, error_code, processed_at) "
      "VALUES ($1, $2, $3, $4::boolean, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, "
      "  $13::uuid, $14::uuid, $15, $16, CASE WHEN $5 = 'ignored' THEN now() END) "
      "ON CONFLICT ON CONSTRAINT webhook_events_external_id DO NOTHING RETURNING id",
      {plat, e.external_event_id, e.event_type,
       e.signature_valid ? pg_param{*e.signature_valid ? "true" : "false"} : pg_param{},
       std::string{invalid_signature ? "ignored" : "received"}, std::to_string(e.max_attempts),
       e.headers_json, e.payload_json, e.raw_payload, e.source_ip, e.user_agent,
       e.request_method, opt_uuid(e.org_id), opt_uuid(e.connection_id),
       invalid_signature ? pg_param{"invalid signature"} : pg_param{},
       invalid_signature ? pg_param{"invalid_signature"} : pg_param{}});
    if (!r && conn_->last_sqlstate() == "23503")
      return invalid("webhook connection_id names no known connection");
    if (!r)
      return r.error();
    if (r->size() == 1)
      return store_event_result{r->i64(0, 0), false};
    // A re-delivery: answer the stored event.
    auto first = conn_->exec("SELECT id FROM adbatch.webhook_events "
                             "WHERE platform = $1 AND external_event_id = $2",
                             {plat, e.external_event_id});
    if (!first)
      return first.error();
    if (first->size() != 1)
      return make_error(error_code::conflict, "webhook event vanished while storing; retry");
    return store_event_result{first->i64(0, 0), true};
  });
}

result<std::vector<claimed_event>> pg_backend::claim_events(ad_platform p, int limit,
                                                            std::chrono::milliseconds lease,
                                                            const std::string& lease_owner) {
  if (limit <= 0)
    return invalid("claim limit must be positive");
  if (lease.count() <= 0)
    return invalid("lease duration must be positive");
  if (lease_owner.empty())
    return invalid("lease_owner is missing");
  const std::string plat = to_string(p);
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::vector<claimed_event>> {
    auto reaped = conn_->exec(
      "WITH expired AS ("
      "  SELECT id FROM adbatch.webhook_events"
      "  WHERE platform = $1 AND status = 'processing' AND lease_expires_at < now()"
      "  FOR UPDATE SKIP LOCKED) "
      "UPDATE adbatch.webhook_events w SET "
      "  status = CASE WHEN w.attempts >= w.max_attempts THEN 'failed' ELSE 'received' END, "
      "  lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = now(), "
      "  error = 'lease expired', error_code = 'lease_expired', "
      "  processed_at = CASE WHEN w.attempts >= w.max_attempts THEN now() END, "
      "  updated_at = now() "
      "FROM expired WHERE w.id = expired.id",
      {plat});
    if (!reaped)
      return reaped.error();
    // Events with an invalid signature are never processed.
    auto rows = conn_->exec(
      "WITH c AS ("
      "  SELECT id FROM adbatch.webhook_events"
      "  WHERE platform = $1 AND status = 'received' AND next_attempt_at <= now()"
      "    AND signature_valid IS DISTINCT FROM false"
      "  ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) "
      "UPDATE adbatch.webhook_events w SET status = 'processing', lease_owner = $3, "
      "  lease_expires_at = now() + $4::bigint * interval '1 millisecond', "
      "  attempts = w.attempts + 1, updated_at = now() "
      "FROM c WHERE w.id = c.id "
      "RETURNING w.id, w.external_event_id, w.event_type, w.headers::text, w.payload::text, "
      "  w.org_id::text, w.connection_id::text, w.attempts, w.max_attempts",
      {plat, std::to_string(limit), lease_owner, std::to_string(lease.count())});
    if (!rows)
      return rows.error();
    std::vector<claimed_event> out;
    for (int i = 0; i < rows->size(); ++i) {
      claimed_event ev;
      ev.id = rows->i64(i, 0);
      ev.platform = p;
      if (!rows->is_null(i, 1))
        ev.external_event_id = rows->str(i, 1);
      ev.event_type = rows->str(i, 2);
      ev.headers_json = rows->str(i, 3);
      ev.payload_json = rows->str(i, 4);
      if (!rows->is_null(i, 5))
        ev.org_id = rows->str(i, 5);
      if (!rows->is_null(i, 6))
        ev.connection_id = rows->str(i, 6);
      ev.attempts = static_cast<int>(rows->i64(i, 7));
      ev.max_attempts = static_cast<int>(rows->i64(i, 8));
      out.push_back(std::move(ev));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
  });
}

result<void> pg_backend::finish_event(std::int64_t id, const std::string& lease_owner,
                                      webhook_status status,
                                      const std::optional<std::string>& org_id,
                                      const std::optional<std::string>& connection_id) {
  if (status != webhook_status::processed && status != webhook_status::ignored
      && status != webhook_status::duplicate)
    return invalid("finish_event takes processed, ignored or duplicate");
  if (org_id && !is_uuid(*org_id))
    return invalid("org_id is not a UUID");
  if (connection_id && !is_uuid(*connection_id))
    return invalid("connection_id is not a UUID");
  auto opt_uuid = [](const std::optional<std::string>& s) -> pg_param {
    if (!s)
      return std::nullopt;
    return normalize_uuid(*s);
  };
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<void> {
    auto r = conn_->exec(
      "UPDATE adbatch.webhook_events SET status = $3, lease_expires_at = NULL, "
      "  org_id = coalesce($4::uuid, org_id), connection_id = coalesce($5::uuid, connection_id), "
      "  error = NULL, error_code = NULL, processed_at = now(), updated_at = now() "
      "WHERE id = $1 AND status = 'processing' AND lease_owner = $2",
      {std::to_string(id), lease_owner, std::string{to_string(status)}, opt_uuid(org_id),
       opt_uuid(connection_id)});
    if (!r && conn_->last_sqlstate() == "23503")
      return invalid("connection_id names no known connection");
    if (!r)
      return r.error();
    if (r->affected() == 0)
      return make_error(error_code::conflict, "webhook event " + std::to_string(id)
                                                + " is not processing under lease owner "
                                                + lease_owner);
    return {};
  });
}

result<event_fail_outcome> pg_backend::fail_event(std::int64_t id,
                                                  const std::string& lease_owner,
                                                  const std::string& error,
                                                  const std::string& code, bool retryable) {
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<event_fail_outcome> {
    auto cur = conn_->exec("SELECT attempts, max_attempts FROM adbatch.webhook_events "
                           "WHERE id = $1 AND status = 'processing' AND lease_owner = $2 "
                           "FOR UPDATE",
                           {std::to_string(id), lease_owner});
    if (!cur)
      return cur.error();
    if (cur->size() == 0)
      return make_error(error_code::conflict, "webhook event " + std::to_string(id)
                                                + " is not processing under lease owner "
                                                + lease_owner);
    const int attempts = static_cast<int>(cur->i64(0, 0));
    const bool retry = retryable && attempts < static_cast<int>(cur->i64(0, 1));
    std::int64_t delay_ms = 0;
    if (retry) {
      const double u = options_.jitter_source ? options_.jitter_source() : default_jitter();
      delay_ms = retry_backoff(attempts, u, options_.backoff).count();
    }
    auto r = conn_->exec(
      "UPDATE adbatch.webhook_events SET status = $2, lease_owner = NULL, "
      "  lease_expires_at = NULL, error = $3, error_code = $4, "
      "  next_attempt_at = CASE WHEN $2 = 'received' "
      "    THEN now() + $5::bigint * interval '1 millisecond' ELSE next_attempt_at END, "
      "  processed_at = CASE WHEN $2 = 'failed' THEN now() END, updated_at = now() "
      "WHERE id = $1 RETURNING " + us("next_attempt_at"),
      {std::to_string(id), std::string{retry ? "received" : "failed"}, error, code,
       std::to_string(delay_ms)});
    if (!r)
      return r.error();
    event_fail_outcome out;
    out.status = retry ? webhook_status::received : webhook_status::failed;
    if (retry && r->size() == 1)
      out.next_attempt_at = from_us(r->i64(0, 0));
    return out;
  });
}

result<std::int64_t> pg_backend::prune_events(std::chrono::seconds retention) {
  if (retention.count() < 0)
    return invalid("retention must not be negative");
  return in_txn(*conn_, role::worker, nullptr, [&]() -> result<std::int64_t> {
    auto r = conn_->exec(
      "DELETE FROM adbatch.webhook_events "
      "WHERE status IN ('processed', 'failed', 'ignored', 'duplicate') "
      "AND received_at < now() - $1::bigint * interval '1 second'",
      {std::to_string(retention.count())});
    if (!r)
      return r.error();
    return r->affected();
  });
}

} // namespace adbatch::persistence
