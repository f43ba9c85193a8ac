#include "platforms/twitter/twitter_adapter.hpp"

#include "platforms/twitter/twitter_catalog.hpp"
#include "platforms/twitter/twitter_plan.hpp"

namespace adbatch::platforms {

namespace {

class twitter_adapter final : public platform_adapter {
public:
  platform_id platform() const override { return platform_id::twitter; }

  std::string validate(std::string_view request_type,
                       const boost::json::object& params) const override {
    auto parsed = twitter::parse_request(request_type, params);
    return parsed.request ? std::string{} : parsed.error;
  }

  plan make_plan(std::span<const queued_request> requests,
                 const plan_context& ctx) const override {
    return twitter::make_x_plan(requests, ctx, limits_);
  }

  split_result split(const upstream_call& call, const upstream_reply& reply,
                     const plan_context& ctx) const override {
    return twitter::split_x_call(call, reply, ctx, limits_);
  }

  upstream_call naive_call(const queued_request& request,
                           const plan_context& ctx) const override {
    return twitter::make_x_naive_call(request, ctx, limits_);
  }

  std::vector<std::string> request_types() const override {
    return twitter::request_type_names();
  }

private:
  twitter::x_limits limits_;
};

} // namespace

std::unique_ptr<platform_adapter> make_twitter_adapter() {
  return std::make_unique<twitter_adapter>();
}

} // namespace adbatch::platforms
