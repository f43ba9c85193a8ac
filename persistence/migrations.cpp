#include "persistence/migrations.hpp"

#include "persistence/pg_connection.hpp"

#include <array>
#include <set>
#include <string>

namespace adbatch::persistence {

namespace {

// Roles are cluster-wide, so several databases (tests, several nodes) may
// create them at the same moment: creation tolerates "already exists".
constexpr const char* m1_roles_and_tables = R"sql(
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['adbatch_owner', 'adbatch_app', 'adbatch_worker'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END;
    END IF;
    -- The login role switches to these with SET LOCAL ROLE.
    IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
      BEGIN
        EXECUTE format('GRANT %I TO %I', r, current_user);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END;
    END IF;
  END LOOP;
END
$$;

CREATE TABLE adbatch.platform_connections (
  connection_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  platform text NOT NULL
    CHECK (platform IN ('meta', 'google', 'tiktok', 'linkedin', 'twitter', 'snapchat')),
  display_name text NOT NULL DEFAULT '',
  account_ids jsonb NOT NULL DEFAULT '{}'
    CHECK (jsonb_typeof(account_ids) = 'object'),
  -- Typed views of the platform's account ids, derived from account_ids.
  ad_account_id text GENERATED ALWAYS AS (account_ids ->> 'ad_account_id') STORED,
  business_id text GENERATED ALWAYS AS (account_ids ->> 'business_id') STORED,
  customer_id text GENERATED ALWAYS AS (account_ids ->> 'customer_id') STORED,
  login_customer_id text GENERATED ALWAYS AS (account_ids ->> 'login_customer_id') STORED,
  advertiser_ids jsonb GENERATED ALWAYS AS (account_ids -> 'advertiser_ids') STORED,
  sponsored_account_urns jsonb
    GENERATED ALWAYS AS (account_ids -> 'sponsored_account_urns') STORED,
  user_id text GENERATED ALWAYS AS (account_ids ->> 'user_id') STORED,
  ads_account_id text GENERATED ALWAYS AS (account_ids ->> 'ads_account_id') STORED,
  organization_id text GENERATED ALWAYS AS (account_ids ->> 'organization_id') STORED,
  ad_account_ids jsonb GENERATED ALWAYS AS (account_ids -> 'ad_account_ids') STORED,
  -- A reference to the credential (env:NAME, file:/path...), never the token.
  token_ref text NOT NULL DEFAULT ''
    CHECK (token_ref = '' OR token_ref ~ '^[a-z][a-z0-9_]*:[^[:space:]]+$'),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A claim's batch id; the execution log row of the batch carries it too.
CREATE SEQUENCE adbatch.batch_id_seq;

CREATE TABLE adbatch.batch_request_queue (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL,
  platform text NOT NULL
    CHECK (platform IN ('meta', 'google', 'tiktok', 'linkedin', 'twitter', 'snapchat')),
  connection_id uuid NOT NULL
    REFERENCES adbatch.platform_connections (connection_id) ON DELETE CASCADE,
  request_type text NOT NULL CHECK (request_type <> '' AND length(request_type) <= 100),
  params jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
  request_key text NOT NULL CHECK (request_key ~ '^[0-9a-f]{64}$'),
  priority smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 10),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled', 'skipped')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_owner text,
  lease_expires_at timestamptz,
  batch_id bigint,
  result jsonb,
  error text,
  error_code text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  completed_at timestamptz,
  -- A processing row always has a lease; nothing else has one.
  CONSTRAINT lease_iff_processing
    CHECK ((status = 'processing') = (lease_expires_at IS NOT NULL)),
  -- Finished rows say when (retention and the dedup window use it).
  CONSTRAINT finished_has_completed_at
    CHECK (status IN ('pending', 'processing') OR completed_at IS NOT NULL)
);

CREATE TABLE adbatch.webhook_events (
  id bigserial PRIMARY KEY,
  platform text NOT NULL
    CHECK (platform IN ('meta', 'google', 'tiktok', 'linkedin', 'twitter', 'snapchat')),
  external_event_id text,
  event_type text NOT NULL DEFAULT '',
  signature_valid boolean,
  status text NOT NULL DEFAULT 'received'
    CHECK (status IN ('received', 'processing', 'processed', 'failed', 'ignored', 'duplicate')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_owner text,
  lease_expires_at timestamptz,
  headers jsonb NOT NULL DEFAULT '{}',
  payload jsonb NOT NULL DEFAULT '{}',
  raw_payload text,
  source_ip text,
  user_agent text,
  request_method text NOT NULL DEFAULT 'POST',
  org_id uuid,
  connection_id uuid
    REFERENCES adbatch.platform_connections (connection_id) ON DELETE SET NULL,
  error text,
  error_code text,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Platform retries of the same event are recognised, not re-processed.
  CONSTRAINT webhook_events_external_id UNIQUE (platform, external_event_id)
);

CREATE TABLE adbatch.batch_execution_log (
  id bigserial PRIMARY KEY,
  platform text NOT NULL
    CHECK (platform IN ('meta', 'google', 'tiktok', 'linkedin', 'twitter', 'snapchat')),
  batch_id bigint NOT NULL,
  batch_type text NOT NULL DEFAULT 'standard',
  connection_id uuid,
  org_id uuid,
  request_count integer NOT NULL DEFAULT 0,
  api_calls_made integer NOT NULL DEFAULT 0,
  quota_units bigint NOT NULL DEFAULT 0,
  success_count integer NOT NULL DEFAULT 0,
  failed_count integer NOT NULL DEFAULT 0,
  skipped_count integer NOT NULL DEFAULT 0,
  bytes_received bigint NOT NULL DEFAULT 0,
  duration_ms bigint NOT NULL DEFAULT 0,
  rate_limit_remaining bigint,
  rate_limit_reset_at timestamptz,
  rate_limit_hit boolean NOT NULL DEFAULT false,
  errors jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
)sql";

// Each index serves one statement of pg_backend; see docs/storage.md.
constexpr const char* m2_indexes = R"sql(
-- De-dup: at most one active row per request key (key covers org,
-- connection, platform, type and canonical params).
CREATE UNIQUE INDEX batch_request_queue_active_key
  ON adbatch.batch_request_queue (request_key)
  WHERE status IN ('pending', 'processing');
-- Claim: matches ORDER BY priority, id of the claim for one platform.
CREATE INDEX batch_request_queue_claim
  ON adbatch.batch_request_queue (platform, priority, id)
  WHERE status = 'pending';
-- Lease reaper: expired leases of a platform.
CREATE INDEX batch_request_queue_leases
  ON adbatch.batch_request_queue (platform, lease_expires_at)
  WHERE status = 'processing';
-- Completed-within-window de-dup.
CREATE INDEX batch_request_queue_completed_key
  ON adbatch.batch_request_queue (request_key, completed_at)
  WHERE status = 'completed';
-- Stats over the last 24 h and pruning by age.
CREATE INDEX batch_request_queue_finished
  ON adbatch.batch_request_queue (platform, completed_at)
  WHERE status IN ('completed', 'failed', 'cancelled', 'skipped');
-- Cancel a connection's pending work.
CREATE INDEX batch_request_queue_connection_pending
  ON adbatch.batch_request_queue (connection_id)
  WHERE status = 'pending';
-- Per-org views and stats.
CREATE INDEX batch_request_queue_org
  ON adbatch.batch_request_queue (org_id, platform);
-- Joining a batch's requests with its log row.
CREATE INDEX batch_request_queue_batch
  ON adbatch.batch_request_queue (batch_id) WHERE batch_id IS NOT NULL;

CREATE INDEX platform_connections_org ON adbatch.platform_connections (org_id, platform);
CREATE INDEX platform_connections_platform ON adbatch.platform_connections (platform);

CREATE INDEX webhook_events_due
  ON adbatch.webhook_events (platform, next_attempt_at)
  WHERE status IN ('received', 'failed');
CREATE INDEX webhook_events_received ON adbatch.webhook_events (received_at);

CREATE INDEX batch_execution_log_platform
  ON adbatch.batch_execution_log (platform, started_at);
CREATE INDEX batch_execution_log_batch ON adbatch.batch_execution_log (batch_id);
)sql";

// Ownership, grants and org isolation. FORCE makes the owner obey the
// policies too; superusers still bypass them (tests use that to look).
constexpr const char* m3_roles_rls = R"sql(
ALTER SCHEMA adbatch OWNER TO adbatch_owner;
ALTER TABLE adbatch.platform_connections OWNER TO adbatch_owner;
ALTER TABLE adbatch.batch_request_queue OWNER TO adbatch_owner;
ALTER TABLE adbatch.webhook_events OWNER TO adbatch_owner;
ALTER TABLE adbatch.batch_execution_log OWNER TO adbatch_owner;
ALTER TABLE adbatch.adbatch_schema_migrations OWNER TO adbatch_owner;
ALTER SEQUENCE adbatch.batch_id_seq OWNER TO adbatch_owner;

GRANT USAGE ON SCHEMA adbatch TO adbatch_app, adbatch_worker;
GRANT SELECT ON adbatch.adbatch_schema_migrations TO adbatch_app, adbatch_worker;

-- The org-scoped API: enqueue, read, cancel, per-org stats, connections.
-- No DELETE anywhere.
GRANT SELECT, INSERT, UPDATE ON adbatch.batch_request_queue TO adbatch_app;
GRANT USAGE ON SEQUENCE adbatch.batch_request_queue_id_seq TO adbatch_app;
GRANT SELECT, INSERT, UPDATE ON adbatch.platform_connections TO adbatch_app;

-- Workers: claim, complete/fail, requeue, prune (DELETE), stats across
-- orgs; read-only on connections; webhook events and the execution log.
GRANT SELECT, UPDATE, DELETE ON adbatch.batch_request_queue TO adbatch_worker;
GRANT USAGE ON SEQUENCE adbatch.batch_id_seq TO adbatch_worker;
GRANT SELECT ON adbatch.platform_connections TO adbatch_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON adbatch.webhook_events TO adbatch_worker;
GRANT USAGE ON SEQUENCE adbatch.webhook_events_id_seq TO adbatch_worker;
GRANT SELECT, INSERT, DELETE ON adbatch.batch_execution_log TO adbatch_worker;
GRANT USAGE ON SEQUENCE adbatch.batch_execution_log_id_seq TO adbatch_worker;

ALTER TABLE adbatch.batch_request_queue ENABLE ROW LEVEL SECURITY;
ALTER TABLE adbatch.batch_request_queue FORCE ROW LEVEL SECURITY;
ALTER TABLE adbatch.platform_connections ENABLE ROW LEVEL SECURITY;
ALTER TABLE adbatch.platform_connections FORCE ROW LEVEL SECURITY;

-- missing_ok = true and NULLIF: with no org set the comparison is NULL, so
-- the app sees nothing instead of raising an error.
CREATE POLICY org_isolation ON adbatch.batch_request_queue
  FOR ALL TO adbatch_app
  USING (org_id = NULLIF(current_setting('adbatch.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('adbatch.org_id', true), '')::uuid);
CREATE POLICY worker_all ON adbatch.batch_request_queue
  FOR ALL TO adbatch_worker USING (true) WITH CHECK (true);

CREATE POLICY org_isolation ON adbatch.platform_connections
  FOR ALL TO adbatch_app
  USING (org_id = NULLIF(current_setting('adbatch.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('adbatch.org_id', true), '')::uuid);
CREATE POLICY worker_read ON adbatch.platform_connections
  FOR SELECT TO adbatch_worker USING (true);
)sql";

// Per-connection claims (claim_options::per_connection_limit) walk each
// connection's pending rows in claim order; this index replaces the
// single-column one, which it also serves (cancel_connection).
constexpr const char* m4_connection_claim_index = R"sql(
CREATE INDEX batch_request_queue_connection_claim
  ON adbatch.batch_request_queue (connection_id, priority, id)
  WHERE status = 'pending';
DROP INDEX adbatch.batch_request_queue_connection_pending;
)sql";

// Webhook processing claims received events oldest first; the reaper finds
// expired leases. Replaces the (platform, next_attempt_at) index, whose
// order the claim does not use.
constexpr const char* m5_webhook_claim_indexes = R"sql(
CREATE INDEX webhook_events_claim
  ON adbatch.webhook_events (platform, id) WHERE status = 'received';
CREATE INDEX webhook_events_leases
  ON adbatch.webhook_events (platform, lease_expires_at) WHERE status = 'processing';
DROP INDEX adbatch.webhook_events_due;
)sql";

// An org's request list is newest first (list_requests); (org_id, id)
// serves that and the org filter of per-org stats, so it replaces
// (org_id, platform) at the same write cost.
constexpr const char* m6_org_index = R"sql(
CREATE INDEX batch_request_queue_org_id
  ON adbatch.batch_request_queue (org_id, id);
DROP INDEX adbatch.batch_request_queue_org;
)sql";

// request_key is lower-case hex: byte order is the right order, and the
// default collation (C.UTF-8 in the embedded cluster, often en_US.UTF-8
// elsewhere) made every comparison in the two key indexes a strcoll call.
// The de-dup check compares keys several times per enqueued row (the
// ON CONFLICT arbiter check, the unique insert, the completed-window probe).
// Rebuilds the two key indexes; the table itself is not rewritten.
constexpr const char* m7_request_key_collation = R"sql(
ALTER TABLE adbatch.batch_request_queue
  ALTER COLUMN request_key TYPE text COLLATE "C";
)sql";

// A write whose outcome upstream is unknown (timed out after it was sent)
// ends as 'ambiguous': terminal, never retried blindly. The status CHECK and
// the partial index of finished rows (stats over 24 h, prune) learn the new
// status. Written to run again harmlessly: IF EXISTS / IF NOT EXISTS, and
// the CHECK is dropped before it is re-added.
constexpr const char* m8_ambiguous_status = R"sql(
ALTER TABLE adbatch.batch_request_queue
  DROP CONSTRAINT IF EXISTS batch_request_queue_status_check;
ALTER TABLE adbatch.batch_request_queue
  ADD CONSTRAINT batch_request_queue_status_check
  CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled',
                    'skipped', 'ambiguous'));
DROP INDEX IF EXISTS adbatch.batch_request_queue_finished;
CREATE INDEX IF NOT EXISTS batch_request_queue_finished
  ON adbatch.batch_request_queue (platform, completed_at)
  WHERE status IN ('completed', 'failed', 'cancelled', 'skipped', 'ambiguous');
)sql";

// Connection tokens encrypted at rest (AES-256-GCM, sealed by the storage
// actor; see persistence/token_cipher.hpp): the ciphertext with its tag, the
// 12-byte nonce and the id of the key that sealed it. All four are set
// together or not at all. The table-level grants and the org_isolation
// policy cover the new columns as they are: the app role writes them for its
// own org only, the worker role reads them.
constexpr const char* m9_connection_tokens = R"sql(
ALTER TABLE adbatch.platform_connections
  ADD COLUMN IF NOT EXISTS token_ciphertext bytea,
  ADD COLUMN IF NOT EXISTS token_nonce bytea,
  ADD COLUMN IF NOT EXISTS token_key_id text,
  ADD COLUMN IF NOT EXISTS token_updated_at timestamptz;
ALTER TABLE adbatch.platform_connections
  DROP CONSTRAINT IF EXISTS platform_connections_token_sealed;
ALTER TABLE adbatch.platform_connections
  ADD CONSTRAINT platform_connections_token_sealed CHECK (
    (token_ciphertext IS NULL AND token_nonce IS NULL
     AND token_key_id IS NULL AND token_updated_at IS NULL)
    OR (token_ciphertext IS NOT NULL AND token_nonce IS NOT NULL
        AND token_key_id IS NOT NULL AND token_updated_at IS NOT NULL
        AND octet_length(token_ciphertext) > 16
        AND octet_length(token_nonce) = 12 AND token_key_id <> ''));
)sql";

// A multi-step request's progress between rounds (an async report job's id
// and state): written when a round gives the request back with progress,
// handed back with the next claim. NULL for ordinary requests.
constexpr const char* m10_request_progress = R"sql(
ALTER TABLE adbatch.batch_request_queue
  ADD COLUMN IF NOT EXISTS progress jsonb;
)sql";

constexpr std::array<migration, 10> all_migrations{{
    {1, "roles and tables", m1_roles_and_tables},
    {2, "indexes", m2_indexes},
    {3, "ownership, grants and row-level security", m3_roles_rls},
    {4, "per-connection claim index", m4_connection_claim_index},
    {5, "webhook claim indexes", m5_webhook_claim_indexes},
    {6, "org request index in id order", m6_org_index},
    {7, "request_key compares bytes (COLLATE \"C\")", m7_request_key_collation},
    {8, "status 'ambiguous'", m8_ambiguous_status},
    {9, "encrypted connection tokens", m9_connection_tokens},
    {10, "multi-step request progress", m10_request_progress},
}};

// Serialises migrators of one database (advisory locks are per database).
constexpr const char* lock_and_bootstrap = R"sql(
BEGIN;
SELECT pg_advisory_xact_lock(4242001);
CREATE SCHEMA IF NOT EXISTS adbatch;
CREATE TABLE IF NOT EXISTS adbatch.adbatch_schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
)sql";

} // namespace

std::span<const migration> known_migrations() {
  return all_migrations;
}

int latest_schema_version() {
  return all_migrations.back().version;
}

result<int> current_schema_version(pg_connection& conn) {
  auto rows =
      conn.exec("SELECT CASE WHEN "
                "to_regclass('adbatch.adbatch_schema_migrations') IS NULL "
                "THEN -1 END");
  if (!rows) return rows.error();
  if (!rows->is_null(0, 0)) return 0;
  auto v = conn.exec("SELECT coalesce(max(version), 0) FROM "
                     "adbatch.adbatch_schema_migrations");
  if (!v) return v.error();
  return static_cast<int>(v->i64(0, 0));
}

result<migrate_report> migrate(pg_connection& conn) {
  migrate_report report;
  bool first = true;
  for (;;) {
    if (auto r = conn.exec_script(lock_and_bootstrap); !r) {
      conn.rollback_quietly();
      return r.error();
    }
    auto rows =
        conn.exec("SELECT version FROM adbatch.adbatch_schema_migrations");
    if (!rows) {
      conn.rollback_quietly();
      return rows.error();
    }
    std::set<int> applied;
    for (int i = 0; i < rows->size(); ++i)
      applied.insert(static_cast<int>(rows->i64(i, 0)));
    const int db_version = applied.empty() ? 0 : *applied.rbegin();
    if (first) {
      report.from_version = db_version;
      first = false;
    }
    if (db_version > latest_schema_version()) {
      conn.rollback_quietly();
      return make_error(
          error_code::schema_too_new,
          "database schema version " + std::to_string(db_version) +
              " is newer than this binary's version " +
              std::to_string(latest_schema_version()) +
              "; upgrade adbatch before starting it on this database");
    }
    const migration* next = nullptr;
    for (const auto& m : all_migrations)
      if (!applied.count(m.version)) {
        next = &m;
        break;
      }
    if (next == nullptr) {
      if (auto r = conn.exec_script("COMMIT"); !r) return r.error();
      report.to_version = db_version;
      return report;
    }
    auto fail = [&](const db_error& e) -> db_error {
      conn.rollback_quietly();
      return make_error(e.code, "migration " + std::to_string(next->version) +
                                    " (" + next->name +
                                    ") failed: " + e.message);
    };
    if (auto r = conn.exec_script(next->sql); !r) return fail(r.error());
    if (auto r = conn.exec(
            "INSERT INTO adbatch.adbatch_schema_migrations (version, name) "
            "VALUES ($1, $2)",
            {std::to_string(next->version), std::string{next->name}});
        !r)
      return fail(r.error());
    if (auto r = conn.exec_script("COMMIT"); !r) return fail(r.error());
    ++report.applied;
  }
}

} // namespace adbatch::persistence
