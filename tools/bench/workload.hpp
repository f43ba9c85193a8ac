#pragma once

// A seeded, realistic workload for the flush pipeline: many orgs, each with
// its own connections and tokens on the simulated platforms, requests of
// every catalog type aimed at objects the org's token owns (read from the
// simulators' models, so every request is valid), a share of duplicates
// from different users of one org, and optionally a few requests for
// objects the org does not own (the platform's permission error). Used by
// `adbatch-bench reduce` and the pipeline integration tests.

#include "persistence/types.hpp"
#include "platforms/common/platform_table.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace adbatch::bench {

struct workload_options {
  std::uint64_t seed = 42;
  /// Orgs, each with one connection (and token) per platform.
  int orgs = 40;
  /// Distinct requests per org and platform (before duplicates).
  int requests_per_org = 40;
  /// Share of the requests that repeat an earlier request of the same org
  /// (another user asking the same thing), 0..0.9.
  double duplicate_share = 0.25;
  /// Share of requests for an object the org's token does not own, 0..1.
  double foreign_share = 0.0;
  /// Include writes (Meta generic POST updates, Google mutates).
  bool writes = true;
  std::vector<platforms::platform_id> platforms{platforms::platform_id::meta,
                                                platforms::platform_id::google};
  /// The simulators' seed (their worlds depend on it).
  std::uint64_t sim_seed = 42;
  /// The Google simulator's "today" (days since 1970-01-01; 0 = its
  /// default). Explicit date ranges are picked before it.
  std::int64_t google_today = 0;
};

/// One org's connection to one platform.
struct workload_connection {
  std::string org_id;
  std::string connection_id;
  platforms::platform_id platform = platforms::platform_id::meta;
  /// The access token (the simulators' scoped form "org-<k>-<platform>").
  std::string token;
  /// platform_connection::account_ids (JSON object).
  std::string account_ids;
};

struct workload {
  std::vector<workload_connection> connections;
  /// In arrival order; duplicates are exact copies of an earlier one.
  std::vector<persistence::enqueue_request> requests;
  /// requests[i] repeats an earlier request.
  std::vector<bool> duplicate;
};

/// Builds the workload; the same options give the same workload.
workload make_workload(const workload_options& opts);

} // namespace adbatch::bench
