#include "tools/bench/workload.hpp"

#include "tools/bench/workload_gen.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>

namespace adbatch::bench {

namespace gen {

int pick(rng& g, int lo, int hi) { // inclusive
  return std::uniform_int_distribution<int>{lo, hi}(g);
}

/// A name drawn by weight.
const std::string&
weighted(rng& g, const std::vector<std::pair<std::string, double>>& v) {
  std::vector<double> w;
  for (auto& [_, x] : v)
    w.push_back(x);
  std::discrete_distribution<std::size_t> d{w.begin(), w.end()};
  return v[d(g)].first;
}

bool chance(rng& g, double p) {
  return std::uniform_real_distribution<double>{0, 1}(g) < p;
}

/// "2026-01-15" for days since 1970-01-01.
std::string date_of(std::int64_t day) {
  auto ymd = std::chrono::year_month_day{
      std::chrono::sys_days{std::chrono::days{day}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

} // namespace gen

namespace {

namespace json = boost::json;
namespace pl = platforms;
using namespace gen;

std::string uuid(std::uint32_t a, std::uint16_t b, std::uint64_t c) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4000-8000-%012llx", a,
                static_cast<unsigned>(b),
                static_cast<unsigned long long>(c & 0xffffffffffffULL));
  return buf;
}

using generator_factory =
    std::unique_ptr<platform_generator> (*)(const workload_options&);

/// Each platform's generator (a platform without one gets a connection but
/// no requests).
generator_factory generator_for(pl::platform_id p) {
  switch (p) {
  case pl::platform_id::meta:
    return make_meta_generator;
  case pl::platform_id::google:
    return make_google_generator;
  case pl::platform_id::twitter:
    return make_twitter_generator;
  case pl::platform_id::linkedin:
    return make_linkedin_generator;
  case pl::platform_id::snapchat:
    return make_snapchat_generator;
  case pl::platform_id::tiktok:
    return make_tiktok_generator;
  default:
    return nullptr;
  }
}

/// Each platform draws from its own stream (seeded by the workload seed and
/// the platform), so a platform's requests are the same whichever other
/// platforms the workload includes: its figures compare across runs.
rng stream_of(std::uint64_t seed, pl::platform_id p) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed),
                    static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(p)};
  return rng{seq};
}

/// Appends the lists round-robin (one from each in turn), so an org's
/// requests for its platforms arrive interleaved.
void interleave(std::vector<std::vector<persistence::enqueue_request>>& lists,
                workload& out, bool duplicate) {
  for (std::size_t i = 0;; ++i) {
    bool any = false;
    for (auto& l : lists)
      if (i < l.size()) {
        out.requests.push_back(std::move(l[i]));
        out.duplicate.push_back(duplicate);
        any = true;
      }
    if (!any) return;
  }
}

} // namespace

workload make_workload(const workload_options& opts) {
  workload out;
  std::map<pl::platform_id, std::unique_ptr<platform_generator>> gens;
  std::map<pl::platform_id, rng> streams;
  for (auto p : opts.platforms) {
    if (auto make = generator_for(p)) gens[p] = make(opts);
    streams.emplace(p, stream_of(opts.seed, p));
  }
  for (int k = 0; k < opts.orgs; ++k) {
    auto org = uuid(0x0a000000u + static_cast<std::uint32_t>(k), 0,
                    static_cast<std::uint64_t>(k) + 1);
    std::vector<std::vector<persistence::enqueue_request>> distinct_lists,
        duplicate_lists;
    for (auto p : opts.platforms) {
      auto& g = streams.at(p);
      workload_connection c;
      c.org_id = org;
      c.platform = p;
      c.connection_id = uuid(0x0c000000u + static_cast<std::uint32_t>(k),
                             static_cast<std::uint16_t>(p) + 1,
                             static_cast<std::uint64_t>(k) + 1);
      c.token = "org-" + std::to_string(k) + "-" + std::string{pl::name_of(p)};
      std::vector<persistence::enqueue_request> mine, dups;
      if (auto it = gens.find(p); it != gens.end()) {
        auto& gen = *it->second;
        gen.connect(k, c);
        for (int i = 0; i < opts.requests_per_org; ++i) {
          bool foreign = chance(g, opts.foreign_share);
          std::string type;
          json::object params;
          gen.request(g, k, c, foreign, type, params);
          mine.push_back(persistence::enqueue_request{
              org, std::string{pl::name_of(p)}, c.connection_id, type,
              json::serialize(params), pick(g, 1, 10), 3});
        }
        // Duplicates: other users of the org ask for what someone already
        // asked (same connection, type and params, maybe another priority).
        std::shuffle(mine.begin(), mine.end(), g);
        auto distinct = mine.size();
        auto n_dups = static_cast<std::size_t>(
            static_cast<double>(distinct) * opts.duplicate_share /
            std::max(0.1, 1.0 - opts.duplicate_share));
        for (std::size_t i = 0; i < n_dups && distinct > 0; ++i) {
          auto copy = mine[static_cast<std::size_t>(
              pick(g, 0, static_cast<int>(distinct) - 1))];
          copy.priority = pick(g, 1, 10);
          dups.push_back(std::move(copy));
        }
      }
      out.connections.push_back(std::move(c));
      distinct_lists.push_back(std::move(mine));
      duplicate_lists.push_back(std::move(dups));
    }
    interleave(distinct_lists, out, false);
    interleave(duplicate_lists, out, true);
  }
  return out;
}

} // namespace adbatch::bench
