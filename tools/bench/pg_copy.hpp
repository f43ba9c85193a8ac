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

/// Copies `rows` into adbatch.bench_copy (created LIKE the queue table
/// INCLUDING ALL; dropped first if it exists). Answers the seconds spent in
/// COPY + commit (table creation excluded).
persistence::result<double>
copy_rows(const std::string& conninfo,
          const std::vector<persistence::validated_request>& rows);

} // namespace adbatch::bench
