#include <catch.hpp>

#include "util/parallel.hpp"

#include <atomic>
#include <stdexcept>
#include <vector>

using wave::util::parallel_for;

TEST_CASE("parallel_for: every index once, whatever the number of threads", "[parallel]") {
  for (const unsigned jobs : {0U, 1U, 2U, 7U, 64U}) {
    std::vector<std::atomic<int>> seen(100);
    parallel_for(seen.size(), jobs, [&](std::size_t i) { ++seen[i]; });
    for (const auto& s : seen) {
      CHECK(s == 1);
    }
  }
  int calls = 0;
  parallel_for(0, 4, [&](std::size_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("parallel_for: the first failure is rethrown once the threads stop", "[parallel]") {
  std::atomic<int> done{0};
  CHECK_THROWS_WITH(parallel_for(50, 4,
                                 [&](std::size_t i) {
                                   if (i == 3) {
                                     throw std::runtime_error("item 3");
                                   }
                                   ++done;
                                 }),
                    "item 3");
  CHECK(done < 50);
}
