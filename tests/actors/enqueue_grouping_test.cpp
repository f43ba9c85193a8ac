// Pure unit tests of the storage actor's batch picking (org and lane
// affinity).

#include <catch2/catch.hpp>

#include <set>

#include "actors/enqueue_grouping.hpp"

using namespace adbatch;

namespace {

using idx = std::vector<std::size_t>;

const std::string names = "ABCDEFGH";

/// "A0 B1 A1": org letter and lane digit per queued request.
std::vector<grouping_unit> queue_of(const std::string& spec) {
  std::vector<grouping_unit> out;
  for (std::size_t i = 0; i + 1 < spec.size(); i += 3)
    out.push_back(grouping_unit{std::string_view{&names[names.find(spec[i])], 1},
                                static_cast<std::uint32_t>(spec[i + 1] - '0')});
  return out;
}

/// One lane: "ABA" -> "A0 B0 A0".
std::vector<grouping_unit> orgs_of(const std::string& letters) {
  std::string spec;
  for (char c : letters) {
    spec += c;
    spec += "0 ";
  }
  return queue_of(spec);
}

} // namespace

TEST_CASE("one unit: the whole queue up to max_batch", "[grouping]") {
  auto q = orgs_of("AAAAA");
  CHECK(pick_enqueue_batch(q, {}, 1, 10) == idx{0, 1, 2, 3, 4});
  CHECK(pick_enqueue_batch(q, {}, 1, 3) == idx{0, 1, 2});
}

TEST_CASE("units join oldest first while they bring the batch closer to the "
          "target",
          "[grouping]") {
  auto q = orgs_of("ABABCCAB");
  // A has 3, B 3, C 2.
  CHECK(pick_enqueue_batch(q, {}, 3, 100) == idx{0, 2, 6});
  // Target 4: A (3); adding B (6) is further from 4 than 3 is.
  CHECK(pick_enqueue_batch(q, {}, 4, 100) == idx{0, 2, 6});
  // Target 5: A then B (6 is closer to 5 than 3).
  CHECK(pick_enqueue_batch(q, {}, 5, 100) == idx{0, 1, 2, 3, 6, 7});
  // Target above the queue: everything.
  CHECK(pick_enqueue_batch(q, {}, 100, 100).size() == q.size());
  // The first unit joins however large it is.
  CHECK(pick_enqueue_batch(q, {}, 1, 100) == idx{0, 2, 6});
}

TEST_CASE("units of running batches are never picked", "[grouping]") {
  auto q = orgs_of("ABABC");
  CHECK(pick_enqueue_batch(q, {unit_key("A", 0)}, 100, 100) == idx{1, 3, 4});
  CHECK(pick_enqueue_batch(q,
                           {unit_key("A", 0), unit_key("B", 0),
                            unit_key("C", 0)},
                           100, 100)
          .empty());
  // A held unit does not count towards the target.
  CHECK(pick_enqueue_batch(q, {unit_key("A", 0)}, 1, 100) == idx{1, 3});
}

TEST_CASE("an org's lanes join together, and one busy org splits by lane",
          "[grouping]") {
  // Org A in lanes 0 and 1, org B in lane 0.
  auto q = queue_of("A0 A1 B0 A0 A1 B0 ");
  // Target 4: A's two lanes (4 requests) before B.
  CHECK(pick_enqueue_batch(q, {}, 4, 100) == idx{0, 1, 3, 4});
  // While lane A0 runs elsewhere, lane A1 is free.
  CHECK(pick_enqueue_batch(q, {unit_key("A", 0)}, 2, 100) == idx{1, 4});
  // A single org over two workers: each worker takes about one lane.
  auto hot = queue_of("A0 A1 A0 A1 A1 A0 A0 A1 ");
  auto first = pick_enqueue_batch(hot, {}, enqueue_batch_target(8, 2, 100), 100);
  CHECK(first == idx{0, 2, 5, 6});
  auto second = pick_enqueue_batch(hot, {unit_key("A", 0)}, 4, 100);
  CHECK(second == idx{1, 3, 4, 7});
}

TEST_CASE("max_batch cuts a unit in arrival order", "[grouping]") {
  auto q = orgs_of("AABAA");
  CHECK(pick_enqueue_batch(q, {}, 1, 3) == idx{0, 1, 3});
}

TEST_CASE("two workers split eight busy orgs about evenly", "[grouping]") {
  std::string letters;
  for (int i = 0; i < 100; ++i)
    letters += "ABCDEFGH";
  auto q = orgs_of(letters);
  auto target = enqueue_batch_target(q.size(), 2, 1000);
  CHECK(target == 400);
  auto first = pick_enqueue_batch(q, {}, target, 1000);
  CHECK(first.size() == 400); // A..D
  auto second = pick_enqueue_batch(
    q, {unit_key("A", 0), unit_key("B", 0), unit_key("C", 0), unit_key("D", 0)},
    target, 1000);
  CHECK(second.size() == 400); // E..H
}

TEST_CASE("a request's lane depends on exactly connection, type and params",
          "[grouping]") {
  const std::string c = "aaaaaaaa-1111-4000-8000-000000000001";
  auto lane = enqueue_lane(c, "get_insights", R"({"n":1})", 4);
  CHECK(lane < 4);
  CHECK(enqueue_lane(c, "get_insights", R"({"n":1})", 4) == lane);
  CHECK(enqueue_lane(c, "get_insights", R"({"n":1})", 1) == 0);
  CHECK(enqueue_lane(c, "get_insights", R"({"n":1})", 0) == 0);
  // Different requests spread over the lanes.
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 64; ++i)
    seen.insert(enqueue_lane(c, "get_insights",
                             R"({"n":)" + std::to_string(i) + "}", 4));
  CHECK(seen.size() == 4);
}

TEST_CASE("the target is a fair share, at least 1, at most max_batch",
          "[grouping]") {
  CHECK(enqueue_batch_target(0, 2, 1000) == 1);
  CHECK(enqueue_batch_target(5, 2, 1000) == 3);
  CHECK(enqueue_batch_target(5000, 2, 1000) == 1000);
  CHECK(enqueue_batch_target(7, 0, 1000) == 7);
}
