#pragma once

// `adbatch-bench reduce`: how many upstream calls and quota units the flush
// pipeline spends on a seeded, realistic workload, against one call per
// request (naive) and against the minimum function (the best possible
// plan), all counted by the simulator in the same run.

#include <cstdint>
#include <string>
#include <vector>

namespace adbatch::bench {

struct reduce_options {
  std::uint64_t seed = 42;
  int orgs = 40;
  int requests_per_org = 40;
  double duplicates = 0.25;
  /// Platform names; empty = every platform with a batcher.
  std::vector<std::string> platforms;
  /// libpq conninfo of a server (a fresh database is created and dropped);
  /// empty = an embedded cluster with durable settings in a temp dir.
  std::string database_url;
  bool json = false;
  bool keep = false;
};

/// Runs the benchmark and prints the report; returns the exit code.
int run_reduce_bench(const reduce_options& opts);

} // namespace adbatch::bench
