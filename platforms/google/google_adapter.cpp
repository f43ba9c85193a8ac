#include "platforms/google/google_adapter.hpp"

#include "platforms/google/google_errors.hpp"
#include "platforms/google/google_plan.hpp"

namespace adbatch::platforms {

namespace {

class google_adapter final : public platform_adapter {
public:
  platform_id platform() const override { return platform_id::google; }

  std::string validate(std::string_view request_type,
                       const boost::json::object& params) const override {
    return google::parse_google_request(request_type, params).error;
  }

  plan make_plan(std::span<const queued_request> requests,
                 const plan_context& ctx) const override {
    return google::plan_google(requests, ctx);
  }

  split_result split(const upstream_call& call, const upstream_reply& reply,
                     const plan_context& ctx) const override {
    return google::split_google(call, reply, ctx);
  }

  upstream_call naive_call(const queued_request& request,
                           const plan_context& ctx) const override {
    return google::naive_google_call(request, ctx);
  }

  std::vector<std::string> request_types() const override {
    return google::google_request_types();
  }
};

} // namespace

std::unique_ptr<platform_adapter> make_google_adapter() {
  return std::make_unique<google_adapter>();
}

namespace google {

std::vector<rate_signal> parse_rate_signals(const upstream_reply& reply,
                                            std::string_view customer_id,
                                            time_point now) {
  return google_rate_signals(reply, customer_id, now);
}

} // namespace google

} // namespace adbatch::platforms
