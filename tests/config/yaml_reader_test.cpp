// The shared section reader, used directly as another loader (e.g. the
// simulator's config) would use it.

#include <catch2/catch.hpp>

#include "config/yaml_reader.hpp"

using namespace adbatch::config;

namespace {

struct toy {
  std::vector<std::string> names;
  double scale = 1.0;
  int count = 0;
};

result<toy> load_toy(const std::string& yaml) {
  return detail::run_loader<toy>(
    "toy.yaml", [&] { return YAML::Load(yaml); },
    [](const YAML::Node& root) {
      toy t;
      environment env;
      detail::context ctx{"toy.yaml", env};
      detail::section s{ctx, root, "", root.Mark()};
      s.strings("names", t.names);
      s.real("scale", t.scale, 0.001, 1000.0);
      s.integer("count", t.count, 0, 10);
      return t;
    });
}

std::string error_of(const std::string& yaml) {
  auto r = load_toy(yaml);
  return r ? std::string{} : r.error().render();
}

} // namespace

TEST_CASE("section reads lists, reals and integers", "[config]") {
  auto r = load_toy("names: [a, b]\nscale: 2.5\ncount: 3\n");
  REQUIRE(r);
  CHECK(r->names == std::vector<std::string>{"a", "b"});
  CHECK(r->scale == Approx(2.5));
  CHECK(r->count == 3);
}

TEST_CASE("section errors carry file, line and key path", "[config]") {
  CHECK(error_of("names: [a, '']\n")
        == "toy.yaml:1: names[1]: expected a non-empty string, got \"\"");
  CHECK(error_of("scale: 0\n")
        == "toy.yaml:1: scale: must be between 0.001 and 1000 (got 0)");
  CHECK(error_of("scale: fast\n")
        == "toy.yaml:1: scale: expected a number, got \"fast\"");
  CHECK(error_of("count: 3\ncont: 4\n")
        == "toy.yaml:2: cont: unknown key (did you mean count?)");
  CHECK(error_of("count: [1\n").starts_with("toy.yaml:"));
}
