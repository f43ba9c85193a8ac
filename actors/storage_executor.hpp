#pragma once

// Where the storage actor's blocking database calls run. libpq blocks, so
// its calls never run on CAF's scheduler threads: the real executor owns one
// thread per backend connection; the inline executor (tests) runs a job
// right away on the caller's thread so the test_coordinator stays in charge.

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace adbatch::persistence {
class backend;
} // namespace adbatch::persistence

namespace adbatch {

/// A pool of storage workers, each with its own backend connection. A job
/// runs on exactly one worker and reports back by itself (the storage actor
/// makes every job end with a message to the actor).
class storage_executor {
public:
  /// A unit of blocking work; it gets the worker's own backend slot (null
  /// until a connect job fills it; a reconnect replaces it).
  using job = std::function<void(std::unique_ptr<persistence::backend>&)>;

  virtual ~storage_executor();

  /// The number of workers (= database connections).
  virtual std::size_t size() const = 0;

  /// Runs `fn` on worker `worker` after the jobs already queued there.
  virtual void submit(std::size_t worker, job fn) = 0;
};

/// `workers` threads, each with its own backend slot; jobs queue per worker.
/// The destructor lets each worker finish its current job, drops queued ones
/// and joins the threads.
std::unique_ptr<storage_executor> make_thread_executor(std::size_t workers);

/// Runs each job inside submit() on the calling thread (deterministic tests).
std::unique_ptr<storage_executor> make_inline_executor(std::size_t workers);

} // namespace adbatch
