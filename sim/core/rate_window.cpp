#include "sim/core/rate_window.hpp"

#include <algorithm>

namespace adbatch::sim {

rate_window::rate_window(std::int64_t limit, std::chrono::nanoseconds window,
                         double time_scale)
  : limit_(std::max<std::int64_t>(limit, 0)),
    window_(window),
    scaled_(std::chrono::nanoseconds{static_cast<std::int64_t>(
      static_cast<double>(window.count()) / std::max(time_scale, 1e-9))}),
    time_scale_(std::max(time_scale, 1e-9)) {
  if (scaled_.count() <= 0) scaled_ = std::chrono::nanoseconds{1};
}

void rate_window::roll(time_point now) {
  if (!started_) {
    started_ = true;
    window_start_ = now;
    used_ = 0;
    return;
  }
  if (now < window_start_) return;  // clock went "back" in a test: keep state
  auto elapsed = now - window_start_;
  if (elapsed >= scaled_) {
    auto windows = elapsed / scaled_;
    window_start_ += scaled_ * windows;
    used_ = 0;
  }
}

bool rate_window::try_spend(std::int64_t units, time_point now) {
  roll(now);
  if (used_ + units > limit_) return false;
  used_ += units;
  return true;
}

void rate_window::spend(std::int64_t units, time_point now) {
  roll(now);
  used_ += units;
}

std::int64_t rate_window::used(time_point now) {
  roll(now);
  return used_;
}

std::int64_t rate_window::remaining(time_point now) {
  roll(now);
  return std::max<std::int64_t>(limit_ - used_, 0);
}

double rate_window::used_percent(time_point now) {
  roll(now);
  if (limit_ == 0) return 100.0;
  return 100.0 * static_cast<double>(used_) / static_cast<double>(limit_);
}

std::chrono::nanoseconds rate_window::reset_in(time_point now) {
  roll(now);
  return scaled_ - (now - window_start_);
}

std::chrono::nanoseconds rate_window::published_reset_in(time_point now) {
  auto real = reset_in(now);
  return std::chrono::nanoseconds{static_cast<std::int64_t>(
    static_cast<double>(real.count()) * time_scale_)};
}

void rate_window::reset() {
  started_ = false;
  used_ = 0;
}

} // namespace adbatch::sim
