// adbatch-bench: benchmarks, one subcommand each (enqueue; later flush,
// webhooks...). The logic lives in tools/bench/.

#include <CLI/CLI.hpp>

#include "tools/bench/enqueue_bench.hpp"
#include "tools/bench/reduce_bench.hpp"

int main(int argc, char** argv) {
  CLI::App app{"adbatch benchmarks"};
  app.require_subcommand(1);

  adbatch::bench::enqueue_options eq;
  auto* enqueue = app.add_subcommand(
    "enqueue", "durable enqueue rate through the storage actor vs raw COPY");
  enqueue->add_option("--requests", eq.requests, "requests to enqueue")
    ->capture_default_str();
  enqueue->add_option("--duplicates", eq.duplicates,
                      "share of requests repeating an earlier one (0..0.99)")
    ->capture_default_str();
  enqueue->add_option("--clients", eq.clients, "concurrent enqueuers (actors)")
    ->capture_default_str();
  enqueue->add_option("--orgs", eq.orgs,
                      "orgs (tenants) the requests are spread over")
    ->capture_default_str();
  enqueue->add_option("--inflight", eq.inflight,
                      "outstanding enqueues per client")
    ->capture_default_str();
  enqueue->add_option("--workers", eq.workers,
                      "storage connections (worker threads)")
    ->capture_default_str();
  enqueue->add_option("--max-batch", eq.max_batch,
                      "largest group of enqueues per commit")
    ->capture_default_str();
  enqueue->add_option("--database-url", eq.database_url,
                      "libpq key=value conninfo of a server (a fresh database "
                      "is created there and dropped); default: an embedded "
                      "cluster with durable settings in a temp dir");
  enqueue->add_option("--caf-threads", eq.caf_threads,
                      "CAF scheduler threads (0 = CAF's default, one per core)")
    ->capture_default_str();
  enqueue->add_flag("--json", eq.json, "print one JSON object");
  enqueue->add_flag("--keep", eq.keep, "keep the database afterwards");

  adbatch::bench::reduce_options rd;
  auto* reduce = app.add_subcommand(
    "reduce", "upstream calls and quota units the flush pipeline spends on a "
              "seeded workload vs one call per request and vs the minimum");
  reduce->add_option("--seed", rd.seed, "workload seed")->capture_default_str();
  reduce->add_option("--orgs", rd.orgs, "orgs, each with its own connections "
                                        "and tokens")
    ->capture_default_str();
  reduce->add_option("--requests-per-org", rd.requests_per_org,
                     "distinct requests per org and platform")
    ->capture_default_str();
  reduce->add_option("--duplicates", rd.duplicates,
                     "share of requests repeating one of the same org "
                     "(0..0.9)")
    ->capture_default_str();
  reduce->add_option("--platforms", rd.platforms,
                     "platforms to run (default: every one with a batcher)")
    ->delimiter(',');
  reduce->add_option("--database-url", rd.database_url,
                     "libpq key=value conninfo of a server (a fresh database "
                     "is created there and dropped); default: an embedded "
                     "cluster with durable settings in a temp dir");
  reduce->add_flag("--json", rd.json, "print one JSON object");
  reduce->add_flag("--keep", rd.keep, "keep the database afterwards");

  CLI11_PARSE(app, argc, argv);
  if (enqueue->parsed())
    return adbatch::bench::run_enqueue_bench(eq);
  if (reduce->parsed())
    return adbatch::bench::run_reduce_bench(rd);
  return 2;
}
