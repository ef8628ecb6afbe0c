// The compute child against a real Redis: digits staged in chunks, progress,
// the computed report, memory limit, stop, bad input.
#include "compute_child.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pidigits/engine.h"
#include "pidigits/keys.h"
#include "testing/fixture.h"

namespace pidigits::worker {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kMiB = 1 << 20;
constexpr char kWorker[] = "host:1:cccc";

class ComputeChildTest : public testing::RedisTest {
 protected:
  ComputeRequest request(uint64_t n, int threads, uint64_t budget) {
    return ComputeRequest{n, threads, budget, address(), kWorker, 4096};
  }
  ChildResult run(const ComputeRequest& r, ChildCallbacks callbacks = {}) {
    return run_compute_child(r, callbacks);
  }
  // The digits the child staged, committed as pi_store would.
  std::string committed(uint64_t n, const lifecycle::Staged& staged) {
    submit_task(n);
    Reply r = redis_->command({"LMOVE", keys::queue(), keys::processing(kWorker), "RIGHT", "LEFT"});
    EXPECT_TRUE(lifecycle::take_task(*redis_, kWorker, n, 3, 0).ok());
    EXPECT_TRUE(lifecycle::mark_calculated(*redis_, kWorker, n, "computed", {}).ok());
    auto stored = lifecycle::store_result(*redis_, kWorker, n, staged);
    EXPECT_TRUE(stored.ok()) << stored.status().message();
    return stored_digits();
  }
};

TEST_F(ComputeChildTest, StagesTheDigitsInChunks) {
  ChildResult result = run(request(10'000, 1, 256 * kMiB));
  ASSERT_EQ(result.outcome, ChildOutcome::kDone) << result.message;
  EXPECT_EQ(result.staged.length, 10'002u);
  EXPECT_EQ(result.staged.chunk_bytes, 4096u);
  EXPECT_EQ(result.staged.first_chunk, 0u);
  EXPECT_GT(result.usage.cpu_ms, -1);
  EXPECT_GT(result.usage.peak_rss_bytes, 0);
  std::string digits = committed(10'000, result.staged);
  ASSERT_EQ(digits.size(), 10'002u);
  EXPECT_EQ(digits.substr(0, 52), testing::kPi50);
  // decimals 762-767 are the Feynman point "999999"
  EXPECT_EQ(digits.substr(1 + 762, 6), "999999");
  // Nothing is staged when the store already holds as much.
  ChildResult again = run(request(5000, 1, 256 * kMiB));
  ASSERT_EQ(again.outcome, ChildOutcome::kDone) << again.message;
  EXPECT_EQ(again.staged.length, 0u);
}

TEST_F(ComputeChildTest, ReportsProgressInOrderThenComputed) {
  std::vector<double> fractions;
  std::vector<std::string> phases;
  bool computed = false;
  ChildCallbacks callbacks;
  callbacks.on_progress = [&](double f, std::string_view phase) {
    EXPECT_FALSE(computed);
    fractions.push_back(f);
    phases.emplace_back(phase);
  };
  callbacks.on_computed = [&](double, uint64_t) { computed = true; };
  ChildResult result = run(request(1'000'000, 1, 256 * kMiB), callbacks);
  ASSERT_EQ(result.outcome, ChildOutcome::kDone) << result.message;
  EXPECT_TRUE(computed);
  std::string digits = committed(1'000'000, result.staged);
  EXPECT_EQ(digits.substr(digits.size() - 10), "5779458151");  // 999991-1000000
  ASSERT_FALSE(fractions.empty());
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_EQ(fractions.back(), 1.0);
  EXPECT_EQ(phases.front(), "series");
}

TEST_F(ComputeChildTest, OutOfMemoryUnderTheLimitIsReportedByTheChild) {
  // 1e7 digits need ~90 MiB; allow 1.
  ChildResult result = run(request(10'000'000, 1, 1 * kMiB));
  EXPECT_EQ(result.outcome, ChildOutcome::kOutOfMemory) << result.message;
  EXPECT_LT(result.seconds, 20);
}

// The worker refuses a task whose estimate exceeds the budget; one that fits
// must then also fit under the limit, slack for threads included.
TEST_F(ComputeChildTest, ATaskWithinItsEstimateFitsTheLimit) {
  for (int threads : {1, 2}) {
    const uint64_t n = 1'000'000;
    ChildResult result = run(request(n, threads, estimate(n, threads).peak_bytes));
    EXPECT_EQ(result.outcome, ChildOutcome::kDone) << threads << " threads: " << result.message;
  }
}

TEST_F(ComputeChildTest, StopKillsTheChildPromptly) {
  auto start = Clock::now();
  auto stop_at = start + std::chrono::milliseconds(300);
  ChildCallbacks callbacks;
  callbacks.should_stop = [&] { return Clock::now() >= stop_at; };
  ChildResult result = run(request(30'000'000, 1, 0), callbacks);
  EXPECT_EQ(result.outcome, ChildOutcome::kStopped);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));
}

// The pids whose parent is this process (from /proc/<pid>/stat), but for the
// fixture's redis-server: the compute children.
std::vector<pid_t> compute_children() {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // "pid (comm) state ppid ...": comm may hold spaces, so read after ')'.
    std::istringstream rest(line.substr(line.rfind(')') + 1));
    char state = 0;
    pid_t ppid = 0;
    const bool is_redis = line.find("(redis-server)") != std::string::npos;
    if (rest >> state >> ppid && ppid == getpid() && !is_redis) out.push_back(std::stoi(name));
  }
  return out;
}

TEST_F(ComputeChildTest, AKillFromOutsideIsACrashWorthRetrying) {
  // SIGKILL of the child (an operator, the kernel's OOM killer acting for
  // the machine) says nothing about this n: it is a crash, retried later, not
  // "out of memory" for good.
  ChildCallbacks callbacks;
  int killed = 0;
  callbacks.on_progress = [&](double, std::string_view) {
    if (killed > 0) return;
    for (pid_t child : compute_children()) killed += kill(child, SIGKILL) == 0;
  };
  ChildResult result = run(request(3'000'000, 1, 0), callbacks);
  EXPECT_EQ(killed, 1);
  EXPECT_EQ(result.outcome, ChildOutcome::kCrashed);
  EXPECT_NE(result.message.find("signal 9"), std::string::npos) << result.message;
}

TEST_F(ComputeChildTest, BadInputIsAFailureWithAMessage) {
  ChildResult result = run(request(0, 1, 0));
  EXPECT_EQ(result.outcome, ChildOutcome::kFailed);
  EXPECT_NE(result.message, "");
}

}  // namespace
}  // namespace pidigits::worker
