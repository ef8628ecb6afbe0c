// The compute child: digits, progress, memory limit, stop, bad input.
#include "compute_child.h"

#include <gtest/gtest.h>

#include <chrono>

#include "pidigits/engine.h"
#include "test_redis.h"

namespace pidigits::worker {
namespace {

using Clock = std::chrono::steady_clock;
bool never() { return false; }
constexpr uint64_t kMiB = 1 << 20;

TEST(ComputeChildTest, ReturnsTheDigits) {
  ComputeRequest request{1000, 1, 256 * kMiB};
  ChildResult result = run_compute_child(request, nullptr, never);
  ASSERT_EQ(result.outcome, ChildOutcome::kDone) << result.message;
  ASSERT_EQ(result.digits.size(), 1002u);
  EXPECT_EQ(result.digits.substr(0, 52), testing::kPi50);
  // decimals 762-767 are the Feynman point "999999"
  EXPECT_EQ(result.digits.substr(1 + 762, 6), "999999");
}

TEST(ComputeChildTest, ReportsProgressInOrder) {
  std::vector<double> fractions;
  std::vector<std::string> phases;
  ComputeRequest request{1'000'000, 1, 256 * kMiB};
  ChildResult result = run_compute_child(
      request,
      [&](double f, std::string_view phase) {
        fractions.push_back(f);
        phases.emplace_back(phase);
      },
      never);
  ASSERT_EQ(result.outcome, ChildOutcome::kDone) << result.message;
  EXPECT_EQ(result.digits.substr(result.digits.size() - 10), "5779458151");  // 999991-1000000
  ASSERT_FALSE(fractions.empty());
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_EQ(fractions.back(), 1.0);
  EXPECT_EQ(phases.front(), "series");
}

TEST(ComputeChildTest, OutOfMemoryUnderTheLimitIsReportedAndSurvived) {
  // 1e7 digits need ~90 MiB; allow 1.
  ComputeRequest request{10'000'000, 1, 1 * kMiB};
  ChildResult result = run_compute_child(request, nullptr, never);
  EXPECT_EQ(result.outcome, ChildOutcome::kOutOfMemory) << result.message;
  EXPECT_LT(result.seconds, 20);
}

// The worker refuses a task whose estimate exceeds the budget; one that fits
// must then also fit under the limit, slack for threads included.
TEST(ComputeChildTest, ATaskWithinItsEstimateFitsTheLimit) {
  for (int threads : {1, 2}) {
    const uint64_t n = 1'000'000;
    ComputeRequest request{n, threads, estimate(n, threads).peak_bytes};
    ChildResult result = run_compute_child(request, nullptr, never);
    EXPECT_EQ(result.outcome, ChildOutcome::kDone) << threads << " threads: " << result.message;
  }
}

TEST(ComputeChildTest, StopKillsTheChildPromptly) {
  auto start = Clock::now();
  auto stop_at = start + std::chrono::milliseconds(300);
  ComputeRequest request{30'000'000, 1, 0};
  ChildResult result = run_compute_child(request, nullptr, [&] { return Clock::now() >= stop_at; });
  EXPECT_EQ(result.outcome, ChildOutcome::kStopped);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));
}

TEST(ComputeChildTest, BadInputIsAFailureWithAMessage) {
  ChildResult result = run_compute_child(ComputeRequest{0, 1, 0}, nullptr, never);
  EXPECT_EQ(result.outcome, ChildOutcome::kFailed);
  EXPECT_NE(result.message, "");
}

}  // namespace
}  // namespace pidigits::worker
