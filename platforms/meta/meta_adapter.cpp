#include "platforms/meta/meta_adapter.hpp"

#include "platforms/meta/catalog.hpp"
#include "platforms/meta/splitter.hpp"

namespace adbatch::platforms {

namespace {

class meta_adapter final : public platform_adapter {
public:
  explicit meta_adapter(meta::meta_limits limits)
      : limits_(std::move(limits)) {}

  platform_id platform() const override { return platform_id::meta; }

  std::string validate(std::string_view request_type,
                       const boost::json::object& params) const override {
    auto parsed = meta::parse_request(request_type, params, nullptr);
    return parsed.request ? std::string{} : parsed.error;
  }

  plan make_plan(std::span<const queued_request> requests,
                 const plan_context& ctx) const override {
    return meta::make_meta_plan(requests, ctx, limits_);
  }

  split_result split(const upstream_call& call, const upstream_reply& reply,
                     const plan_context&) const override {
    return meta::split_meta_call(call, reply, limits_);
  }

  upstream_call naive_call(const queued_request& request,
                           const plan_context& ctx) const override {
    return meta::make_naive_call(request, ctx, limits_);
  }

  std::vector<std::string> request_types() const override {
    return meta::request_type_names();
  }

private:
  meta::meta_limits limits_;
};

} // namespace

std::unique_ptr<platform_adapter> make_meta_adapter() {
  return make_meta_adapter(meta::meta_limits{});
}

std::unique_ptr<platform_adapter>
make_meta_adapter(const meta::meta_limits& limits) {
  return std::make_unique<meta_adapter>(limits);
}

} // namespace adbatch::platforms
