#pragma once

// Versioned schema migrations of the `adbatch` schema.
//
// migrate() applies every migration the database lacks, each in its own
// transaction under a transaction-scoped advisory lock (so concurrent
// starters serialise and the loser sees the work done), and records each in
// adbatch.adbatch_schema_migrations. Rerunning is a no-op. A database whose
// recorded version is newer than this binary's newest migration is refused
// with schema_too_new.

#include "persistence/result.hpp"

#include <span>

namespace adbatch::persistence {

class pg_connection;

/// One migration: SQL run as one transaction.
struct migration {
  int version;
  const char* name;
  const char* sql;
};

/// Every migration this binary knows, ordered by version (1..N).
std::span<const migration> known_migrations();

/// The newest version this binary knows.
int latest_schema_version();

/// What migrate() did.
struct migrate_report {
  int from_version = 0; ///< version before (0 = empty database)
  int to_version = 0;   ///< version after
  int applied = 0;      ///< migrations applied by this call
};

/// Brings the database up to latest_schema_version().
result<migrate_report> migrate(pg_connection& conn);

/// The version recorded in the database (0 when the schema is absent).
result<int> current_schema_version(pg_connection& conn);

} // namespace adbatch::persistence
