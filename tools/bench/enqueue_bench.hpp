#pragma once

// `adbatch-bench enqueue`: durable enqueue rate through the storage actor
// with many concurrent enqueuers, against a raw single-stream COPY of the
// same rows into the same PostgreSQL.

#include <cstddef>
#include <string>

#include "config/config.hpp"

namespace adbatch::bench {

struct enqueue_options {
  std::size_t requests = 100000;
  double duplicates = 0.2;    ///< share of requests that repeat an earlier one
  std::size_t clients = 64;   ///< concurrent enqueuers (actors)
  int orgs = 8;               ///< tenants the requests are spread over
  std::size_t inflight = 32;  ///< outstanding enqueues per client
  /// Storage connections (worker threads): the node's database.pool_size.
  std::size_t workers = config::database_config{}.pool_size;
  std::size_t max_batch = 1000;
  std::size_t caf_threads = 0; ///< CAF scheduler threads; 0 = CAF's default
  std::string database_url;   ///< empty = embedded cluster in a temp dir
  bool json = false;
  bool keep = false;          ///< keep the database / cluster afterwards
};

/// Runs the benchmark and prints the report; answers the exit code.
int run_enqueue_bench(const enqueue_options& opts);

} // namespace adbatch::bench
