#include "tools/bench/enqueue_bench.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <set>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/error.hpp"
#include "actors/storage.hpp"
#include "actors/system_config.hpp"
#include "persistence/pg_backend.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/validation.hpp"
#include "tools/bench/bench_db.hpp"
#include "tools/bench/cpu_usage.hpp"
#include "tools/bench/pg_copy.hpp"

namespace adbatch::bench {

namespace ps = persistence;
using namespace std::chrono_literals;

namespace {

std::string org_id(int i) {
  return fmt::format("0000{:04x}-0000-4000-8000-000000000001", i);
}

std::string connection_id(int i) {
  return fmt::format("0000{:04x}-1111-4000-8000-000000000001", i);
}

/// The workload: `unique` distinct requests plus duplicates of them,
/// shuffled. Params are ~150 bytes like a typical insights call.
struct workload {
  std::vector<ps::enqueue_request> requests;
  std::size_t unique = 0;
  std::size_t duplicates = 0;
};

workload make_workload(std::size_t n, double dup_share, int org_count) {
  workload w;
  w.duplicates = static_cast<std::size_t>(
    std::llround(static_cast<double>(n) * std::clamp(dup_share, 0.0, 0.99)));
  w.unique = n - w.duplicates;
  std::mt19937_64 rng{42};
  w.requests.reserve(n);
  for (std::size_t i = 0; i < w.unique; ++i) {
    int org = static_cast<int>(i % org_count);
    ps::enqueue_request r;
    r.org_id = org_id(org);
    r.platform = "meta";
    r.connection_id = connection_id(org);
    r.request_type = "get_insights";
    r.params = fmt::format(
      R"({{"object_id":"act_{}","fields":["impressions","clicks","spend","reach"],)"
      R"("date_preset":"last_7d","level":"campaign","limit":100,"n":{}}})",
      100000 + i % 5000, i);
    r.priority = 1 + static_cast<int>(i % 10);
    w.requests.push_back(std::move(r));
  }
  std::uniform_int_distribution<std::size_t> pick{0, w.unique - 1};
  for (std::size_t i = 0; i < w.duplicates; ++i)
    w.requests.push_back(w.requests[pick(rng)]);
  std::shuffle(w.requests.begin(), w.requests.end(), rng);
  return w;
}

/// What the client actors share; each index is written by one client only.
struct shared_run {
  std::vector<ps::enqueue_request> requests;
  std::atomic<std::size_t> deduplicated{0};
  std::atomic<std::size_t> errors{0};
  std::mutex first_error_mtx;
  std::string first_error;
};

using done_atom = caf::atom_constant<caf::atom("benchdone")>;

struct client_state {
  std::size_t next = 0;
  std::size_t end = 0;
  std::size_t answered = 0;
  std::size_t total = 0;
  static inline const char* name = "bench-client";
};

using client_pointer = caf::stateful_actor<client_state>*;

void issue_next(client_pointer self, storage_actor storage,
                std::shared_ptr<shared_run> run, caf::actor report_to);

void on_answer(client_pointer self, storage_actor storage,
               std::shared_ptr<shared_run> run, caf::actor report_to) {
  if (++self->state.answered == self->state.total) {
    self->send(report_to, done_atom::value);
    self->quit();
    return;
  }
  issue_next(self, std::move(storage), std::move(run), std::move(report_to));
}

void issue_next(client_pointer self, storage_actor storage,
                std::shared_ptr<shared_run> run, caf::actor report_to) {
  auto& st = self->state;
  if (st.next >= st.end)
    return;
  auto i = st.next++;
  // No client-side timeout: the storage actor answers every call itself
  // (its queue_timeout and the backend's statement timeout bound the wait),
  // and a per-request timer would cost each call a round trip through CAF's
  // clock thread, which is the client's cost, not the queue's.
  self->request(storage, caf::infinite, atom::enqueue::value, run->requests[i])
    .then(
      [=](const ps::enqueue_result& r) {
        if (r.deduplicated)
          ++run->deduplicated;
        on_answer(self, storage, run, report_to);
      },
      [=](caf::error& e) {
        if (run->errors++ == 0) {
          std::lock_guard<std::mutex> guard{run->first_error_mtx};
          run->first_error = render(e);
        }
        on_answer(self, storage, run, report_to);
      });
}

caf::behavior enqueue_client(client_pointer self, storage_actor storage,
                             std::shared_ptr<shared_run> run,
                             std::size_t begin, std::size_t end,
                             std::size_t inflight, caf::actor report_to) {
  self->state.next = begin;
  self->state.end = end;
  self->state.total = end - begin;
  if (begin == end) {
    self->send(report_to, done_atom::value);
    self->quit();
    return {};
  }
  for (std::size_t k = 0; k < inflight; ++k)
    issue_next(self, storage, run, report_to);
  return {[](caf::unit_t) {}};
}

struct bench_config : caf::actor_system_config {
  explicit bench_config(std::size_t threads) {
    if (threads > 0)
      set("scheduler.max-threads", threads);
    // The node's settings (scheduler polling included).
    configure_actor_system(*this);
  }
};

ps::result<void> add_connections(const std::string& conninfo, int org_count) {
  auto b = ps::pg_backend::connect(conninfo);
  if (!b)
    return b.error();
  for (int i = 0; i < org_count; ++i) {
    ps::platform_connection c;
    c.connection_id = connection_id(i);
    c.org_id = org_id(i);
    c.platform = ps::ad_platform::meta;
    c.account_ids = fmt::format(R"({{"ad_account_id":"act_{}"}})", i);
    c.token_ref = "env:BENCH_TOKEN";
    c.display_name = "bench";
    if (auto r = (*b)->add_connection(c); !r)
      return r.error();
  }
  return {};
}

ps::result<std::int64_t> count_rows(const std::string& conninfo) {
  auto c = ps::pg_connection::open(conninfo);
  if (!c)
    return c.error();
  auto r = (*c)->exec("SELECT count(*) FROM adbatch.batch_request_queue");
  if (!r)
    return r.error();
  return r->i64(0, 0);
}

/// Wall and CPU time of the enqueue phase.
struct phase_measurement {
  double seconds = 0;
  double cpu_self = 0;
  double cpu_server = -1;
};

/// Enqueues everything through the storage actor.
phase_measurement run_actor_phase(const enqueue_options& opts,
                                  const std::string& conninfo,
                                  int postmaster_pid,
                                  const std::shared_ptr<shared_run>& run,
                                  storage_counters& counters,
                                  std::string& error) {
  phase_measurement m;
  bench_config cfg{opts.caf_threads};
  caf::actor_system sys{cfg};
  storage_config scfg;
  scfg.max_batch = opts.max_batch;
  scfg.queue_timeout = 60s;
  auto factory = [conninfo]() -> ps::result<std::unique_ptr<ps::backend>> {
    auto b = ps::pg_backend::connect(conninfo);
    if (!b)
      return b.error();
    return std::unique_ptr<ps::backend>{std::move(*b)};
  };
  auto storage = spawn_storage(sys, scfg, factory, opts.workers);
  caf::scoped_actor self{sys};
  bool ready = false;
  self->request(storage, 60s, atom::ping::value)
    .receive([&](caf::ok_atom) { ready = true; },
             [&](caf::error& e) { error = render(e); });
  if (!ready) {
    self->send_exit(storage, caf::exit_reason::user_shutdown);
    return m;
  }
  auto n = run->requests.size();
  auto clients = std::max<std::size_t>(1, std::min(opts.clients, n));
  auto self0 = self_cpu_seconds();
  auto server0 = server_cpu_seconds(postmaster_pid);
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t c = 0; c < clients; ++c) {
    auto begin = n * c / clients;
    auto end = n * (c + 1) / clients;
    sys.spawn(enqueue_client, storage, run, begin, end,
              std::max<std::size_t>(1, opts.inflight),
              caf::actor{self});
  }
  std::size_t done = 0;
  bool timed_out = false;
  while (done < clients && !timed_out)
    self->receive([&](done_atom) { ++done; },
                  caf::after(std::chrono::minutes(10)) >> [&] {
                    timed_out = true;
                  });
  auto t1 = std::chrono::steady_clock::now();
  m.cpu_self = self_cpu_seconds() - self0;
  auto server1 = server_cpu_seconds(postmaster_pid);
  if (server0 >= 0 && server1 >= 0)
    m.cpu_server = server1 - server0;
  if (timed_out)
    error = "clients did not finish within 10 minutes";
  auto* st = dynamic_cast<caf::stateful_actor<storage_state,
                                              storage_actor::base>*>(
    caf::actor_cast<caf::abstract_actor*>(storage));
  // Reading counters from another thread: the actor is idle by now (every
  // call was answered), and the value is for the report only.
  if (st != nullptr)
    counters = st->state.counters;
  self->send_exit(storage, caf::exit_reason::user_shutdown);
  m.seconds = std::chrono::duration<double>(t1 - t0).count();
  return m;
}

} // namespace

int run_enqueue_bench(const enqueue_options& opts) {
  if (opts.requests == 0) {
    std::fputs("--requests must be > 0\n", stderr);
    return 2;
  }
  auto load = load_average();
  auto db = bench_db::open(opts.database_url, opts.keep);
  if (!db) {
    std::fprintf(stderr, "adbatch-bench: cannot prepare the database: %s\n",
                 db.error().message.c_str());
    return 1;
  }
  auto& ci = (*db)->conninfo();
  if (auto r = add_connections(ci, std::max(1, opts.orgs)); !r) {
    std::fprintf(stderr, "adbatch-bench: %s\n", r.error().message.c_str());
    return 1;
  }
  auto orgs = std::max(1, opts.orgs);
  auto w = make_workload(opts.requests, opts.duplicates, orgs);
  auto run = std::make_shared<shared_run>();
  run->requests = w.requests;

  // Phase 1: durable enqueue through the storage actor.
  storage_counters counters;
  std::string error;
  auto pm_pid = (*db)->postmaster_pid();
  auto eq = run_actor_phase(opts, ci, pm_pid, run, counters, error);
  auto enqueue_s = eq.seconds;
  if (!error.empty()) {
    std::fprintf(stderr, "adbatch-bench: enqueue phase failed: %s\n",
                 error.c_str());
    return 1;
  }
  auto stored = count_rows(ci);

  // Phase 2: raw COPY of the same distinct rows, single stream.
  std::vector<ps::validated_request> rows;      // distinct, for COPY
  std::vector<ps::validated_request> offered;   // all, for the INSERT
  rows.reserve(w.unique);
  offered.reserve(w.requests.size());
  {
    std::set<std::string> keys;
    for (auto& r : w.requests) {
      auto v = ps::validate_request(r, {});
      if (!v)
        continue;
      offered.push_back(*v);
      if (keys.insert(v->request_key).second)
        rows.push_back(std::move(*v));
    }
  }
  auto copied = copy_rows(ci, rows, pm_pid);
  if (!copied) {
    std::fprintf(stderr, "adbatch-bench: COPY failed: %s\n",
                 copied.error().message.c_str());
    return 1;
  }
  auto copy_s = copied->seconds;
  // Phase 3: the same offered rows through one prepared de-duplicating
  // INSERT per batch: what PostgreSQL allows for this shape of write.
  std::size_t insert_new = 0;
  auto ins = insert_rows(ci, offered, opts.max_batch, pm_pid, insert_new);
  if (!ins) {
    std::fprintf(stderr, "adbatch-bench: reference INSERT failed: %s\n",
                 ins.error().message.c_str());
    return 1;
  }
  double insert_per_s = static_cast<double>(offered.size()) / ins->seconds;
  double insert_cpu = ins->cpu_self + std::max(0.0, ins->cpu_server);
  double insert_per_cpu_s = copied->cpu_server >= 0 && ins->cpu_server >= 0
                                && insert_cpu > 0
                              ? static_cast<double>(offered.size()) / insert_cpu
                              : -1;
  // Rows per CPU-second of client + server: independent of how much of the
  // shared machine the run got. Unknown (-1) for a remote server.
  bool cpu_known = eq.cpu_server >= 0 && copied->cpu_server >= 0;
  double enqueue_cpu = eq.cpu_self + std::max(0.0, eq.cpu_server);
  double copy_cpu = copied->cpu_self + std::max(0.0, copied->cpu_server);
  double enqueue_per_cpu_s = cpu_known && enqueue_cpu > 0
                               ? static_cast<double>(opts.requests) / enqueue_cpu
                               : -1;
  double copy_per_cpu_s = cpu_known && copy_cpu > 0
                            ? static_cast<double>(rows.size()) / copy_cpu
                            : -1;
  double cpu_ratio = enqueue_per_cpu_s > 0 && copy_per_cpu_s > 0
                       ? enqueue_per_cpu_s / copy_per_cpu_s
                       : -1;

  double enqueue_per_s = static_cast<double>(opts.requests) / enqueue_s;
  double copy_per_s = static_cast<double>(rows.size()) / copy_s;
  double ratio = enqueue_per_s / copy_per_s;
  auto avg_batch = counters.batches == 0
                     ? 0.0
                     : static_cast<double>(counters.batched_requests)
                         / static_cast<double>(counters.batches);
  auto nproc = std::thread::hardware_concurrency();
  auto cpu = cpu_model();

  if (opts.json) {
    boost::json::object o;
    o["bench"] = "enqueue";
    o["requests"] = opts.requests;
    o["duplicates_share"] = opts.duplicates;
    o["duplicates_expected"] = w.duplicates;
    o["duplicates_detected"] = run->deduplicated.load();
    o["errors"] = run->errors.load();
    o["rows_stored"] = stored ? *stored : -1;
    o["clients"] = opts.clients;
    o["orgs"] = opts.orgs;
    o["inflight_per_client"] = opts.inflight;
    o["workers"] = opts.workers;
    o["caf_threads"] = opts.caf_threads;
    o["batches"] = counters.batches;
    o["avg_batch"] = avg_batch;
    o["largest_batch"] = counters.largest_batch;
    o["enqueue_seconds"] = enqueue_s;
    o["enqueue_per_s"] = enqueue_per_s;
    o["copy_rows"] = rows.size();
    o["copy_seconds"] = copy_s;
    o["copy_per_s"] = copy_per_s;
    o["ratio"] = ratio;
    o["enqueue_cpu_seconds"] = enqueue_cpu;
    o["enqueue_cpu_client_seconds"] = eq.cpu_self;
    o["copy_cpu_seconds"] = copy_cpu;
    o["enqueue_per_cpu_s"] = enqueue_per_cpu_s;
    o["copy_per_cpu_s"] = copy_per_cpu_s;
    o["cpu_ratio"] = cpu_ratio;
    o["insert_per_s"] = insert_per_s;
    o["insert_per_cpu_s"] = insert_per_cpu_s;
    o["insert_new_rows"] = insert_new;
    o["insert_ratio"] = insert_per_s / copy_per_s;
    o["durable"] = (*db)->durability().find("fsync=on") != std::string::npos
                   && (*db)->durability().find("synchronous_commit=on")
                        != std::string::npos;
    o["database"] = (*db)->describe();
    boost::json::object m;
    m["nproc"] = nproc;
    m["cpu_model"] = cpu;
    m["load_average_1m"] = load;
    o["machine"] = std::move(m);
    std::printf("%s\n", boost::json::serialize(o).c_str());
  } else {
    std::printf("adbatch-bench enqueue  (%s)\n", (*db)->describe().c_str());
    std::printf("machine: %u cores, %s, load %.2f at start\n", nproc,
                cpu.c_str(), load);
    std::printf("%-34s %12s %10s %12s\n", "phase", "rows", "seconds",
                "rows/s");
    std::printf("%-34s %12zu %10.3f %12.0f\n",
                fmt::format("enqueue via storage ({} clients)", opts.clients)
                  .c_str(),
                opts.requests, enqueue_s, enqueue_per_s);
    std::printf("%-34s %12zu %10.3f %12.0f\n", "raw COPY, single stream",
                rows.size(), copy_s, copy_per_s);
    std::printf("%-34s %12zu %10.3f %12.0f\n",
                "reference INSERT ON CONFLICT, 1 conn", offered.size(),
                ins->seconds, insert_per_s);
    std::printf("ratio enqueue/COPY: %.2f (wall clock); reference "
                "INSERT/COPY: %.2f\n",
                ratio, insert_per_s / copy_per_s);
    if (cpu_known)
      std::printf("per CPU-second (client + server): enqueue %.0f rows "
                  "(%.2f s CPU, %.2f s of it client), COPY %.0f rows "
                  "(%.2f s CPU); ratio %.2f\n",
                  enqueue_per_cpu_s, enqueue_cpu, eq.cpu_self, copy_per_cpu_s,
                  copy_cpu, cpu_ratio);
    if (insert_per_cpu_s > 0)
      std::printf("reference INSERT per CPU-second: %.0f rows (%.2f s CPU); "
                  "ratio to COPY %.2f\n",
                  insert_per_cpu_s, insert_cpu,
                  insert_per_cpu_s / copy_per_cpu_s);
    std::printf("duplicates: %zu expected, %zu detected; errors: %zu; rows "
                "stored: %lld\n",
                w.duplicates, run->deduplicated.load(), run->errors.load(),
                static_cast<long long>(stored ? *stored : -1));
    std::printf("batches: %llu (avg %.1f, largest %zu) over %zu workers\n",
                static_cast<unsigned long long>(counters.batches), avg_batch,
                counters.largest_batch, opts.workers);
  }
  if (run->errors > 0) {
    std::fprintf(stderr, "adbatch-bench: %zu enqueue errors, first: %s\n",
                 run->errors.load(), run->first_error.c_str());
    return 1;
  }
  return 0;
}

} // namespace adbatch::bench
