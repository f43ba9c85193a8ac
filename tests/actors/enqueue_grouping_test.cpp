// Pure unit tests of the storage actor's batch picking (org affinity).

#include <catch2/catch.hpp>

#include "actors/enqueue_grouping.hpp"

using namespace adbatch;

namespace {

using idx = std::vector<std::size_t>;

std::vector<std::string_view> orgs_of(const std::string& letters) {
  std::vector<std::string_view> out;
  static const std::string names = "ABCDEFGH";
  for (char c : letters)
    out.emplace_back(&names[names.find(c)], 1);
  return out;
}

} // namespace

TEST_CASE("one org: the whole queue up to max_batch", "[grouping]") {
  auto q = orgs_of("AAAAA");
  CHECK(pick_enqueue_batch(q, {}, 1, 10) == idx{0, 1, 2, 3, 4});
  CHECK(pick_enqueue_batch(q, {}, 1, 3) == idx{0, 1, 2});
}

TEST_CASE("orgs join whole, oldest first, until the target", "[grouping]") {
  auto q = orgs_of("ABABCCAB");
  // A has 3, B 3, C 2. Target 3: A alone reaches it.
  CHECK(pick_enqueue_batch(q, {}, 3, 100) == idx{0, 2, 6});
  // Target 4: A (3) then B (3 more).
  CHECK(pick_enqueue_batch(q, {}, 4, 100) == idx{0, 1, 2, 3, 6, 7});
  // Target above the queue: everything.
  CHECK(pick_enqueue_batch(q, {}, 100, 100).size() == q.size());
}

TEST_CASE("orgs of running batches are never picked", "[grouping]") {
  auto q = orgs_of("ABABC");
  CHECK(pick_enqueue_batch(q, {"A"}, 100, 100) == idx{1, 3, 4});
  CHECK(pick_enqueue_batch(q, {"A", "B", "C"}, 100, 100).empty());
  // The busy org does not count towards the target.
  CHECK(pick_enqueue_batch(q, {"A"}, 1, 100) == idx{1, 3});
}

TEST_CASE("max_batch cuts an org in arrival order", "[grouping]") {
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
  auto second = pick_enqueue_batch(q, {"A", "B", "C", "D"}, target, 1000);
  CHECK(second.size() == 400); // E..H
}

TEST_CASE("the target is a fair share, at least 1, at most max_batch",
          "[grouping]") {
  CHECK(enqueue_batch_target(0, 2, 1000) == 1);
  CHECK(enqueue_batch_target(5, 2, 1000) == 3);
  CHECK(enqueue_batch_target(5000, 2, 1000) == 1000);
  CHECK(enqueue_batch_target(7, 0, 1000) == 7);
}
