#include "actors/storage_executor.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "persistence/backend.hpp"

namespace adbatch {

storage_executor::~storage_executor() = default;

namespace {

/// One thread that owns one backend slot and drains its own job queue.
class worker_thread {
public:
  worker_thread() : thread_([this] { loop(); }) {
  }

  ~worker_thread() {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      stop_ = true;
      // Queued jobs are dropped: the storage actor answers their callers
      // itself when it shuts down, so nobody waits for them.
      jobs_.clear();
    }
    cv_.notify_one();
    thread_.join();
  }

  void submit(storage_executor::job fn) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      jobs_.push_back(std::move(fn));
    }
    cv_.notify_one();
  }

private:
  void loop() {
    for (;;) {
      storage_executor::job fn;
      {
        std::unique_lock<std::mutex> guard{mtx_};
        cv_.wait(guard, [this] { return stop_ || !jobs_.empty(); });
        if (stop_)
          break;
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      fn(db_);
    }
    // Close the connection on the thread that used it.
    db_.reset();
  }

  std::unique_ptr<persistence::backend> db_;
  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<storage_executor::job> jobs_;
  bool stop_ = false;
  std::thread thread_; // last: starts after the members above exist
};

class thread_executor : public storage_executor {
public:
  explicit thread_executor(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      workers_.push_back(std::make_unique<worker_thread>());
  }

  std::size_t size() const override {
    return workers_.size();
  }

  void submit(std::size_t worker, job fn) override {
    workers_.at(worker)->submit(std::move(fn));
  }

private:
  std::vector<std::unique_ptr<worker_thread>> workers_;
};

class inline_executor : public storage_executor {
public:
  explicit inline_executor(std::size_t n) : backends_(n) {
  }

  std::size_t size() const override {
    return backends_.size();
  }

  void submit(std::size_t worker, job fn) override {
    fn(backends_.at(worker));
  }

private:
  std::vector<std::unique_ptr<persistence::backend>> backends_;
};

} // namespace

std::unique_ptr<storage_executor> make_thread_executor(std::size_t workers) {
  return std::make_unique<thread_executor>(workers);
}

std::unique_ptr<storage_executor> make_inline_executor(std::size_t workers) {
  return std::make_unique<inline_executor>(workers);
}

} // namespace adbatch
