#include "platforms/tiktok/tiktok_adapter.hpp"

#include "platforms/tiktok/tiktok_plan.hpp"

namespace adbatch::platforms {

namespace {

class tiktok_adapter final : public platform_adapter {
public:
  platform_id platform() const override { return platform_id::tiktok; }

  std::string validate(std::string_view request_type,
                       const boost::json::object& params) const override {
    return tiktok::parse_tiktok_request(request_type, params).error;
  }

  plan make_plan(std::span<const queued_request> requests,
                 const plan_context& ctx) const override {
    return tiktok::plan_tiktok(requests, ctx);
  }

  split_result split(const upstream_call& call, const upstream_reply& reply,
                     const plan_context& ctx) const override {
    return tiktok::split_tiktok(call, reply, ctx);
  }

  upstream_call naive_call(const queued_request& request,
                           const plan_context& ctx) const override {
    return tiktok::naive_tiktok_call(request, ctx);
  }

  std::vector<std::string> request_types() const override {
    return tiktok::tiktok_request_types();
  }
};

} // namespace

std::unique_ptr<platform_adapter> make_tiktok_adapter() {
  return std::make_unique<tiktok_adapter>();
}

namespace tiktok {

std::vector<rate_signal> parse_rate_signals(const upstream_reply& reply,
                                            std::string_view advertiser_id) {
  return rate_signals_of(reply, advertiser_id);
}

} // namespace tiktok

} // namespace adbatch::platforms
