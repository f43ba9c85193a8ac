#include "platforms/snapchat/snapchat_adapter.hpp"

#include "platforms/snapchat/snapchat_plan.hpp"

namespace adbatch::platforms {

namespace {

class snapchat_adapter final : public platform_adapter {
public:
  platform_id platform() const override { return platform_id::snapchat; }

  std::string validate(std::string_view request_type,
                       const boost::json::object& params) const override {
    return snapchat::parse_snapchat_request(request_type, params).error;
  }

  plan make_plan(std::span<const queued_request> requests,
                 const plan_context& ctx) const override {
    return snapchat::plan_snapchat(requests, ctx);
  }

  split_result split(const upstream_call& call, const upstream_reply& reply,
                     const plan_context& ctx) const override {
    return snapchat::split_snapchat(call, reply, ctx);
  }

  upstream_call naive_call(const queued_request& request,
                           const plan_context& ctx) const override {
    return snapchat::naive_snapchat_call(request, ctx);
  }

  std::vector<std::string> request_types() const override {
    return snapchat::snapchat_request_types();
  }
};

} // namespace

std::unique_ptr<platform_adapter> make_snapchat_adapter() {
  return std::make_unique<snapchat_adapter>();
}

namespace snapchat {

std::vector<rate_signal> parse_rate_signals(const upstream_reply& reply,
                                            const std::string& scope) {
  return snapchat_rate_signals(reply, scope);
}

} // namespace snapchat

} // namespace adbatch::platforms
