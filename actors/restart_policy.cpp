#include "actors/restart_policy.hpp"

namespace adbatch {

std::optional<std::string> validate(const restart_policy_config& cfg) {
  if (cfg.initial_backoff.count() <= 0)
    return "initial_backoff must be > 0";
  if (cfg.max_backoff < cfg.initial_backoff)
    return "max_backoff must be >= initial_backoff";
  if (cfg.window.count() <= 0)
    return "window must be > 0";
  return std::nullopt;
}

std::chrono::milliseconds backoff_for(const restart_policy_config& cfg,
                                      std::size_t n) {
  auto delay = cfg.initial_backoff;
  // Doubling stops at the cap, so the loop is short and never overflows.
  for (std::size_t i = 1; i < n && delay < cfg.max_backoff; ++i)
    delay *= 2;
  return delay < cfg.max_backoff ? delay : cfg.max_backoff;
}

restart_tracker::restart_tracker(restart_policy_config cfg) : cfg_(cfg) {
  // Nothing else: an empty history means the next crash gets the initial
  // backoff.
}

restart_decision restart_tracker::on_crash(time_point now) {
  // Forget crashes that left the sliding window.
  while (!crashes_.empty() && now - crashes_.front() >= cfg_.window)
    crashes_.pop_front();
  crashes_.push_back(now);
  restart_decision out;
  out.crashes_in_window = crashes_.size();
  if (crashes_.size() > cfg_.max_restarts) {
    out.what = restart_decision::action::escalate;
    return out;
  }
  out.what = restart_decision::action::restart;
  out.delay = backoff_for(cfg_, crashes_.size());
  ++total_restarts_;
  return out;
}

} // namespace adbatch
