// pg_backend: connection tokens, sealed by the caller (the storage actor's
// token_cipher). Only ciphertext, nonce and key id reach PostgreSQL; bytea
// travels as hex text (decode/encode), so no binary parameters are needed.

#include "persistence/pg_backend.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/pg_detail.hpp"
#include "persistence/validation.hpp"
#include "platforms/common/crypto.hpp"

#include <string>

namespace adbatch::persistence {

using namespace detail;

namespace {

using platforms::to_hex;

/// PostgreSQL's encode(x, 'hex') output back to bytes (empty if malformed,
/// which PostgreSQL never writes).
std::string from_hex(std::string_view hex) {
  return platforms::from_hex(hex).value_or(std::string{});
}

/// Checks the shape of a sealed token before it is stored (the table's
/// CHECK says the same).
std::optional<db_error> check_sealed(const sealed_token& s) {
  if (s.key_id.empty() || s.key_id.size() > 100)
    return invalid("token key id must be 1 to 100 characters");
  if (s.nonce.size() != 12) return invalid("token nonce must be 12 bytes");
  if (s.ciphertext.size() <= 16)
    return invalid("token ciphertext must be longer than its 16-byte tag");
  return std::nullopt;
}

/// connection_columns plus the sealed token, for get_connection_secret.
const std::string secret_columns =
    std::string{connection_columns} +
    ", token_key_id, encode(token_nonce, 'hex'), "
    "encode(token_ciphertext, 'hex')";

std::optional<sealed_token> read_sealed(const pg_rows& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  sealed_token t;
  t.key_id = r.str(row, col);
  t.nonce = from_hex(r.text(row, col + 1));
  t.ciphertext = from_hex(r.text(row, col + 2));
  return t;
}

} // namespace

result<void> pg_backend::set_connection_token(const std::string& org_id,
                                              const std::string& connection_id,
                                              const sealed_token& sealed) {
  auto org = checked_org(org_id);
  if (!org) return org.error();
  if (!is_uuid(connection_id))
    return invalid("connection_id '" + connection_id + "' is not a UUID");
  if (auto bad = check_sealed(sealed)) return *bad;
  // Row-level security: an update of another org's connection touches no
  // row, so it answers not_found like an unknown id.
  return in_txn(*conn_, role::app, &*org, [&]() -> result<void> {
    auto r =
        conn_->exec("UPDATE adbatch.platform_connections SET "
                    "token_ciphertext = decode($2, 'hex'), "
                    "token_nonce = decode($3, 'hex'), token_key_id = $4, "
                    "token_updated_at = now(), updated_at = now() "
                    "WHERE connection_id = $1",
                    {normalize_uuid(connection_id), to_hex(sealed.ciphertext),
                     to_hex(sealed.nonce), sealed.key_id});
    if (!r) return r.error();
    if (r->affected() == 0)
      return make_error(error_code::not_found, "connection " + connection_id +
                                                   " not found for org " +
                                                   *org);
    return {};
  });
}

result<void>
pg_backend::clear_connection_token(const std::string& org_id,
                                   const std::string& connection_id) {
  auto org = checked_org(org_id);
  if (!org) return org.error();
  if (!is_uuid(connection_id))
    return invalid("connection_id '" + connection_id + "' is not a UUID");
  return in_txn(*conn_, role::app, &*org, [&]() -> result<void> {
    auto r = conn_->exec(
        "UPDATE adbatch.platform_connections SET token_ciphertext = NULL, "
        "token_nonce = NULL, token_key_id = NULL, token_updated_at = NULL, "
        "updated_at = now() WHERE connection_id = $1",
        {normalize_uuid(connection_id)});
    if (!r) return r.error();
    if (r->affected() == 0)
      return make_error(error_code::not_found, "connection " + connection_id +
                                                   " not found for org " +
                                                   *org);
    return {};
  });
}

result<stored_connection_secret>
pg_backend::get_connection_secret(const std::string& connection_id) {
  if (!is_uuid(connection_id))
    return invalid("connection_id '" + connection_id + "' is not a UUID");
  return in_txn(
      *conn_, role::worker, nullptr, [&]() -> result<stored_connection_secret> {
        auto r = conn_->exec("SELECT " + secret_columns +
                                 " FROM adbatch.platform_connections "
                                 "WHERE connection_id = $1",
                             {normalize_uuid(connection_id)});
        if (!r) return r.error();
        if (r->size() == 0)
          return make_error(error_code::not_found,
                            "connection " + connection_id + " not found");
        stored_connection_secret out;
        out.connection = read_connection(*r, 0);
        out.token = read_sealed(*r, 0, 7);
        return out;
      });
}

result<token_rotation>
pg_backend::rotate_tokens(const std::string& active_key_id, int batch,
                          const token_resealer& reseal) {
  if (active_key_id.empty()) return invalid("the active key id is empty");
  if (batch <= 0) return invalid("rotation batch must be positive");
  if (!reseal) return invalid("no resealer given");
  token_rotation out;
  // Keyset paging by connection id: rows that fail to open keep their old
  // key id and are not looked at again in this run.
  std::string after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    bool more = false;
    auto step = in_txn(*conn_, role::worker, nullptr, [&]() -> result<void> {
      // The worker role reads across orgs; it cannot lock (no UPDATE
      // privilege), so each update below checks the row still holds the
      // token that was read.
      auto rows = conn_->exec(
          "SELECT connection_id::text, org_id::text, token_key_id, "
          "encode(token_nonce, 'hex'), encode(token_ciphertext, 'hex') "
          "FROM adbatch.platform_connections "
          "WHERE token_key_id IS NOT NULL AND token_key_id <> $1 "
          "AND connection_id > $2::uuid ORDER BY connection_id LIMIT $3",
          {active_key_id, after, std::to_string(batch)});
      if (!rows) return rows.error();
      more = rows->size() == batch;
      std::string current_org;
      for (int i = 0; i < rows->size(); ++i) {
        const auto conn_id = rows->str(i, 0);
        const auto org = rows->str(i, 1);
        after = conn_id;
        auto old = read_sealed(*rows, i, 2);
        auto fresh = reseal(conn_id, *old);
        if (!fresh) {
          ++out.failed;
          if (out.failures.size() < 100)
            out.failures.push_back("connection " + conn_id + ": " +
                                   fresh.error().message);
          continue;
        }
        if (auto bad = check_sealed(*fresh)) return *bad;
        // Each row is written as its own org (row-level security), so the
        // rotation needs no cross-org write privilege.
        if (org != current_org) {
          auto as_org = conn_->exec_script(
              "SET LOCAL ROLE adbatch_app; SELECT set_config("
              "'adbatch.org_id', " +
              quote_simple_literal(org) + ", true)");
          if (!as_org) return as_org.error();
          current_org = org;
        }
        auto upd = conn_->exec(
            "UPDATE adbatch.platform_connections SET "
            "token_ciphertext = decode($2, 'hex'), "
            "token_nonce = decode($3, 'hex'), token_key_id = $4, "
            "token_updated_at = now(), updated_at = now() "
            "WHERE connection_id = $1 AND token_key_id = $5 "
            "AND token_nonce = decode($6, 'hex')",
            {conn_id, to_hex(fresh->ciphertext), to_hex(fresh->nonce),
             fresh->key_id, old->key_id, to_hex(old->nonce)});
        if (!upd) return upd.error();
        out.resealed += upd->affected();
      }
      return {};
    });
    if (!step) return step.error();
    if (!more) return out;
  }
}

} // namespace adbatch::persistence
