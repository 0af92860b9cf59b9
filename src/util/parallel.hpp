#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

// Independent work on a few threads: each calls fn(i) for the next i of
// [0, n) not taken yet. The first exception thrown is rethrown once every
// thread has stopped (the others finish the item they are on, and take no
// more).
namespace wave::util {

template <class Fn> void parallel_for(std::size_t n, unsigned jobs, Fn fn) {
  jobs = static_cast<unsigned>(std::min<std::size_t>(std::max(1U, jobs), n));
  if (jobs <= 1) {
    for (std::size_t i = 0; i < n; ++i) {
      fn(i);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first;
  std::mutex first_mutex;
  auto work = [&] {
    for (std::size_t i = next++; i < n && !failed; i = next++) {
      try {
        fn(i);
      } catch (...) {
        const std::lock_guard lock(first_mutex);
        if (!first) {
          first = std::current_exception();
        }
        failed = true;
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) {
    threads.emplace_back(work);
  }
  work();
  for (auto& t : threads) {
    t.join();
  }
  if (first) {
    std::rethrow_exception(first);
  }
}

// The number of threads for work bound by files and processes: the cores.
inline unsigned cores() {
  return std::max(1U, std::thread::hardware_concurrency());
}

} // namespace wave::util
