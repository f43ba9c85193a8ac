// adbatch-bench: benchmarks, one subcommand each (enqueue; later flush,
// webhooks...). The logic lives in tools/bench/.

#include <CLI/CLI.hpp>

#include "tools/bench/enqueue_bench.hpp"

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

  CLI11_PARSE(app, argc, argv);
  if (enqueue->parsed())
    return adbatch::bench::run_enqueue_bench(eq);
  return 2;
}
