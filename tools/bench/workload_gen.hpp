#pragma once

// Inside the workload: the random helpers every platform's generator uses,
// and the generator interface. One file per platform (workload_<name>.cpp)
// knows that platform's catalog and reads its simulator's model, so each
// request names objects the org's token really owns.

#include "tools/bench/workload.hpp"

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace adbatch::bench::gen {

using rng = std::mt19937_64;

/// Uniform in [lo, hi] (inclusive).
int pick(rng& g, int lo, int hi);

template <class T>
const T& pick_of(rng& g, const std::vector<T>& v) {
  return v[static_cast<std::size_t>(
      pick(g, 0, static_cast<int>(v.size()) - 1))];
}

/// A name drawn by weight.
const std::string&
weighted(rng& g, const std::vector<std::pair<std::string, double>>& v);

bool chance(rng& g, double p);

/// "2026-01-15" for days since 1970-01-01.
std::string date_of(std::int64_t day);

/// One platform's share of the workload.
class platform_generator {
public:
  virtual ~platform_generator() = default;

  /// Fills c.account_ids for org number k (c.org_id, c.connection_id and
  /// c.token, "org-<k>-<platform>", are set).
  virtual void connect(int k, workload_connection& c) = 0;

  /// One request of org k on connection c: its type and params. With
  /// `foreign`, it names an object another org's token owns (the
  /// platform's permission error). Draws from g only.
  virtual void request(rng& g, int k, const workload_connection& c,
                       bool foreign, std::string& type,
                       boost::json::object& params) = 0;
};

std::unique_ptr<platform_generator>
make_meta_generator(const workload_options& opts);
std::unique_ptr<platform_generator>
make_google_generator(const workload_options& opts);
std::unique_ptr<platform_generator>
make_tiktok_generator(const workload_options& opts);
std::unique_ptr<platform_generator>
make_linkedin_generator(const workload_options& opts);
std::unique_ptr<platform_generator>
make_twitter_generator(const workload_options& opts);
std::unique_ptr<platform_generator>
make_snapchat_generator(const workload_options& opts);

} // namespace adbatch::bench::gen
