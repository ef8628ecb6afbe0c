#include "run_control.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace pidigits {
namespace {

TEST(RunControlTest, ReportsAreRateLimitedMonotonicAndFinishAtOne) {
  std::vector<Progress> seen;
  ComputeOptions options;
  options.on_progress = [&](const Progress& p) { seen.push_back(p); };
  RunControl ctl(options);
  ctl.begin_phase(Phase::kSeries, 0, 0.5, 100);
  for (int i = 0; i < 100; ++i) ctl.add_work(1);  // fast: at most one report
  EXPECT_LE(seen.size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  ctl.begin_phase(Phase::kConversion, 0.5, 1, 10);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().phase, Phase::kConversion);
  EXPECT_DOUBLE_EQ(seen.back().fraction, 0.5);
  ctl.finish();
  EXPECT_EQ(seen.back().fraction, 1.0);
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].fraction, seen[i - 1].fraction);
  }
}

TEST(RunControlTest, CancelThrowsFromAddWorkAndBeginPhase) {
  std::atomic<bool> cancel{false};
  ComputeOptions options;
  options.cancel = &cancel;
  RunControl ctl(options);
  ctl.begin_phase(Phase::kSeries, 0, 1, 10);
  ctl.add_work(1);
  cancel = true;
  EXPECT_THROW(ctl.add_work(1), Cancelled);
  EXPECT_THROW(ctl.begin_phase(Phase::kSqrt, 0, 1, 1), Cancelled);
}

}  // namespace
}  // namespace pidigits
