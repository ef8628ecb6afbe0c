// compute_pi against known digits and its contract: truncation, threads,
// progress, cancellation, bad input.
#include "pidigits/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "engine_internal.h"
#include "testing/pi_vectors.h"

namespace pidigits {
namespace {

std::string pi(uint64_t n, int threads = 1) {
  ComputeOptions options;
  options.threads = threads;
  std::string out;
  ComputeResult result = compute_pi(n, options, &out);
  EXPECT_EQ(result.error, ComputeError::kNone) << result.message;
  return out;
}

TEST(ComputePiTest, First50Decimals) {
  EXPECT_EQ(pi(50), std::string("3.") + testing::kFirst50Decimals);
}

TEST(ComputePiTest, EverySmallNIsAPrefixOfTheLongest) {
  const std::string longest = pi(2000);
  ASSERT_EQ(longest.size(), 2002u);
  for (uint64_t n = 1; n < 2000; ++n) {
    std::string got = pi(n);
    ASSERT_EQ(got.size(), n + 2) << n;
    ASSERT_EQ(got, longest.substr(0, n + 2)) << n;
  }
}

TEST(ComputePiTest, TruncatesAtTheFeynmanPoint) {
  const std::string known = testing::kFeynmanDecimals;
  for (uint64_t n = 755; n <= 790; ++n) {
    std::string got = pi(n);
    ASSERT_EQ(got.size(), n + 2);
    // Decimals kFeynmanFirst..n sit at got[kFeynmanFirst + 1 ..].
    EXPECT_EQ(got.substr(testing::kFeynmanFirst + 1),
              known.substr(0, n - testing::kFeynmanFirst + 1))
        << "n=" << n;
  }
}

// With 4 guard digits, n = 761 sees "9999" as guard: ambiguous, so the run
// must retry with more guard digits and still truncate correctly.
TEST(ComputePiTest, AmbiguousGuardDigitsTriggerARetry) {
  std::string out;
  ComputeResult result = compute_pi_with_guard(761, 4, ComputeOptions{}, &out);
  ASSERT_EQ(result.error, ComputeError::kNone);
  EXPECT_GT(result.guard_digits, 4);
  EXPECT_EQ(out.substr(752), "51870721134");
  EXPECT_EQ(out, pi(761));
}

TEST(ComputePiTest, DigitsDoNotDependOnThreads) {
  // Large enough that the decimal conversion splits too.
  const std::string one = pi(300000, 1);
  EXPECT_EQ(pi(300000, 2), one);
  EXPECT_EQ(pi(300000, 4), one);
  EXPECT_EQ(pi(300000, 3), one);
}

TEST(ComputePiTest, ProgressIsMonotonicAndEndsAtOne) {
  std::vector<Progress> seen;
  ComputeOptions options;
  options.threads = 2;
  options.on_progress = [&](const Progress& p) { seen.push_back(p); };
  std::string out;
  ASSERT_EQ(compute_pi(2'000'000, options, &out).error, ComputeError::kNone);
  ASSERT_GE(seen.size(), 2u);  // the run takes well over 100 ms
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].fraction, seen[i - 1].fraction);
  }
  EXPECT_GE(seen.front().fraction, 0.0);
  EXPECT_EQ(seen.back().fraction, 1.0);
  EXPECT_EQ(seen.back().phase, Phase::kConversion);
}

TEST(ComputePiTest, CancellationReturnsPromptly) {
  for (int threads : {1, 2}) {
    std::atomic<bool> cancel{false};
    ComputeOptions options;
    options.threads = threads;
    options.cancel = &cancel;
    std::string out = "old";
    std::chrono::steady_clock::time_point cancelled_at;
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      cancelled_at = std::chrono::steady_clock::now();
      cancel = true;
    });
    ComputeResult result = compute_pi(5'000'000, options, &out);
    auto returned_at = std::chrono::steady_clock::now();
    canceller.join();
    EXPECT_EQ(result.error, ComputeError::kCancelled);
    EXPECT_TRUE(out.empty());
    EXPECT_LT(returned_at - cancelled_at, std::chrono::seconds(2));
  }
}

TEST(ComputePiTest, CancelledBeforeStartDoesNoWork) {
  std::atomic<bool> cancel{true};
  ComputeOptions options;
  options.cancel = &cancel;
  std::string out;
  EXPECT_EQ(compute_pi(1000, options, &out).error, ComputeError::kCancelled);
}

TEST(ComputePiTest, BadInput) {
  std::string out = "unchanged";
  EXPECT_EQ(compute_pi(0, ComputeOptions{}, &out).error, ComputeError::kBadInput);
  EXPECT_EQ(compute_pi(kMaxDigits + 1, ComputeOptions{}, &out).error, ComputeError::kBadInput);
  ComputeOptions zero_threads;
  zero_threads.threads = 0;
  ComputeResult result = compute_pi(10, zero_threads, &out);
  EXPECT_EQ(result.error, ComputeError::kBadInput);
  EXPECT_FALSE(result.message.empty());
  EXPECT_EQ(out, "unchanged");
  EXPECT_EQ(compute_pi(10, ComputeOptions{}, nullptr).error, ComputeError::kBadInput);
}

TEST(ComputePiTest, PhaseNames) {
  EXPECT_STREQ(phase_name(Phase::kSeries), "series");
  EXPECT_STREQ(phase_name(Phase::kDivision), "division");
  EXPECT_STREQ(phase_name(Phase::kSqrt), "sqrt");
  EXPECT_STREQ(phase_name(Phase::kConversion), "conversion");
}

TEST(EstimateTest, MatchesTheMeasuredTable) {
  // Rows of the table in estimate.cc (1e7 and 1e8 at the middle of their
  // measured range): one thread, seconds within 15%, memory never below the
  // measured peak.
  struct Row {
    uint64_t n;
    double seconds;
    double peak_mib;
  };
  for (Row row :
       {Row{1'000'000, 0.47, 11.3}, Row{3'000'000, 1.60, 26.6}, Row{10'000'000, 6.6, 79.4},
        Row{100'000'000, 112, 731}, Row{1'000'000'000, 1608, 6944}}) {
    Estimate e = estimate(row.n, 1);
    EXPECT_NEAR(e.seconds, row.seconds, 0.15 * row.seconds) << row.n;
    EXPECT_GE(static_cast<double>(e.peak_bytes), row.peak_mib * (1 << 20)) << row.n;
  }
  EXPECT_LT(estimate(10'000'000, 2).seconds, estimate(10'000'000, 1).seconds);
  EXPECT_GT(estimate(10'000'000, 2).peak_bytes, estimate(10'000'000, 1).peak_bytes);
  // Out-of-range n is clamped, not rejected.
  EXPECT_EQ(estimate(0, 1).peak_bytes, estimate(1, 1).peak_bytes);
  EXPECT_EQ(estimate(kMaxDigits * 2, 1).peak_bytes, estimate(kMaxDigits, 1).peak_bytes);
}

}  // namespace
}  // namespace pidigits
