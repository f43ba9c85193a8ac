#pragma once

// The benchmark's reference point: a raw single-stream COPY of queue rows
// into a fresh copy of the queue table (same columns, defaults, checks and
// indexes), one commit. This is a measuring stick, not product code, so it
// talks libpq directly instead of going through persistence/.

#include <string>
#include <vector>

#include "persistence/result.hpp"
#include "persistence/validation.hpp"

namespace adbatch::bench {

/// Time and CPU of one COPY.
struct copy_measurement {
  double seconds = 0;    ///< wall time of COPY + commit
  double cpu_self = 0;   ///< CPU seconds of this process meanwhile
  double cpu_server = -1; ///< CPU seconds of the server meanwhile (-1 unknown)
};

/// Copies `rows` into adbatch.bench_copy (created LIKE the queue table
/// INCLUDING ALL; dropped first if it exists). Measures COPY + commit only
/// (table creation excluded). `postmaster_pid` 0 = server CPU unknown.
persistence::result<copy_measurement>
copy_rows(const std::string& conninfo,
          const std::vector<persistence::validated_request>& rows,
          int postmaster_pid);

/// A second reference point: what one de-duplicating INSERT statement per
/// batch can do. Offers `rows` (duplicates included) in batches of
/// `batch_size` as `INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO
/// NOTHING RETURNING id` into adbatch.bench_insert (LIKE the queue table
/// INCLUDING ALL), one commit per batch, one connection, no validation and
/// no org checks. Answers the measurement and, in `inserted`, how many rows
/// were new.
persistence::result<copy_measurement>
insert_rows(const std::string& conninfo,
            const std::vector<persistence::validated_request>& rows,
            std::size_t batch_size, int postmaster_pid, std::size_t& inserted);

} // namespace adbatch::bench
