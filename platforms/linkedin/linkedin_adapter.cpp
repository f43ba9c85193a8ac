#include "platforms/linkedin/linkedin_adapter.hpp"

#include "platforms/linkedin/linkedin_catalog.hpp"

namespace adbatch::platforms {

namespace {

class linkedin_adapter final : public platform_adapter {
public:
  explicit linkedin_adapter(linkedin::li_limits limits)
      : limits_(std::move(limits)) {}

  platform_id platform() const override { return platform_id::linkedin; }

  std::string validate(std::string_view request_type,
                       const boost::json::object& params) const override {
    auto parsed = linkedin::parse_request(request_type, params, nullptr);
    return parsed.request ? std::string{} : parsed.error;
  }

  plan make_plan(std::span<const queued_request> requests,
                 const plan_context& ctx) const override {
    return linkedin::make_li_plan(requests, ctx, limits_);
  }

  split_result split(const upstream_call& call, const upstream_reply& reply,
                     const plan_context& ctx) const override {
    return linkedin::split_li_call(call, reply, ctx);
  }

  upstream_call naive_call(const queued_request& request,
                           const plan_context& ctx) const override {
    return linkedin::make_li_naive_call(request, ctx, limits_);
  }

  std::vector<std::string> request_types() const override {
    return linkedin::request_type_names();
  }

private:
  linkedin::li_limits limits_;
};

} // namespace

std::unique_ptr<platform_adapter> make_linkedin_adapter() {
  return make_linkedin_adapter(linkedin::li_limits{});
}

std::unique_ptr<platform_adapter>
make_linkedin_adapter(const linkedin::li_limits& limits) {
  return std::make_unique<linkedin_adapter>(limits);
}

} // namespace adbatch::platforms
