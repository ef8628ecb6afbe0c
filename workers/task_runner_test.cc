// TaskRunner against a real Redis and real compute children: stage order,
// events, cached answers, memory budget, progress throttling.
#include "task_runner.h"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "pidigits/engine.h"
#include "pidigits/keys.h"
#include "testing/fixture.h"

namespace pidigits::worker {
namespace {

using pidigits::testing::EventListener;
using pidigits::testing::kPi50;
using pidigits::testing::RedisTest;

constexpr char kWorker[] = "host:200:abcd";

class TaskRunnerTest : public RedisTest {
 protected:
  void SetUp() override {
    RedisTest::SetUp();
    settings_.id = kWorker;
    settings_.redis = address();
    settings_.max_digits = 100'000'000;
    settings_.memory_budget = 512ull << 20;
    settings_.chunk_bytes = 4096;
  }
  // Queues n and runs it the way the loop does after BLMOVE.
  void run(uint64_t n) {
    submit_task(n);
    execute(n);
  }
  // Runs the queued n the way the loop does after BLMOVE.
  void execute(uint64_t n) {
    Reply r = redis_->command({"LMOVE", keys::queue(), keys::processing(kWorker), "RIGHT", "LEFT"});
    ASSERT_EQ(r.string().value_or(""), std::to_string(n));
    TaskRunner runner(*redis_, settings_, &current_);
    runner.run(n);
    EXPECT_EQ(current_.load(), 0u);
    EXPECT_TRUE(list(keys::processing(kWorker)).empty());
  }
  static bool is_end(const EventListener::Event& e) {
    return e.stage == "stored" || e.stage == "error";
  }
  // The stages of the events, each run of equal stages once.
  static std::vector<std::string> stages(const std::vector<EventListener::Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
      if (out.empty() || out.back() != e.stage) out.push_back(e.stage);
    }
    return out;
  }

  WorkerSettings settings_;
  CurrentTask current_{0};
};

TEST_F(TaskRunnerTest, ComputesStoresAndPublishesEveryStageInOrder) {
  EventListener events(address());
  run(1000);
  auto seen = events.read_until(is_end);
  // Registration's event first, then one per change, with no gap in seq and
  // the version one higher each time.
  EXPECT_EQ(stages(seen),
            (std::vector<std::string>{"scheduled", "taken", "calculated", "stored"}));
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].seq, seen[i - 1].seq + 1);
    EXPECT_EQ(seen[i].version, seen[i - 1].version + 1);
  }

  // The digit, checked against the engine run in this process.
  std::string pi;
  ASSERT_EQ(compute_pi(1000, ComputeOptions{}, &pi).error, ComputeError::kNone);
  auto t = task(1000);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->stage, Stage::kStored);
  EXPECT_EQ(t->digit, pi[1001] - '0');
  EXPECT_EQ(t->source, "computed");
  EXPECT_EQ(t->attempts, 1);
  EXPECT_EQ(stored_digits(), pi);
}

TEST_F(TaskRunnerTest, AnswersFromStoredDigitsThatAppearedWhileQueued) {
  submit_task(50);
  put_digits(kPi50);
  EventListener events(address());
  execute(50);
  auto seen = events.read_until(is_end);
  EXPECT_EQ(stages(seen), (std::vector<std::string>{"taken", "calculated", "stored"}));
  EXPECT_EQ(seen.size(), 3u);  // one event per stage
  auto t = task(50);
  EXPECT_EQ(t->digit, 0);
  EXPECT_EQ(t->source, "cached");
  EXPECT_EQ(stored_digits(), kPi50);
}

TEST_F(TaskRunnerTest, TooBigForTheBudgetEndsInErrorWithoutComputing) {
  settings_.memory_budget = 1 << 20;
  run(1'000'000);
  auto t = task(1'000'000);
  EXPECT_EQ(t->stage, Stage::kError);
  EXPECT_TRUE(t->error.starts_with("needs more memory than this worker may use (1 MiB); "))
      << t->error;
}

TEST_F(TaskRunnerTest, AboveMaxDigitsEndsInError) {
  settings_.max_digits = 100;
  run(101);
  EXPECT_EQ(task(101)->stage, Stage::kError);
}

TEST_F(TaskRunnerTest, ProgressEventsAreThrottled) {
  EventListener events(address());
  auto start = std::chrono::steady_clock::now();
  run(1'000'000);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto seen = events.read_until(is_end);
  ASSERT_EQ(stages(seen),
            (std::vector<std::string>{"scheduled", "taken", "calculated", "stored"}));
  int progress_events = 0;
  double last = 0;
  for (const auto& e : seen) {
    if (e.stage != "taken" || e.progress == 0) continue;
    ++progress_events;
    EXPECT_GE(e.progress - last, 0.01);
    last = e.progress;
  }
  // At most one per 250 ms (plus the first).
  EXPECT_LE(progress_events, seconds / 0.25 + 1);
  EXPECT_EQ(task(1'000'000)->digit, 1);  // decimals 999991-1000000: 5779458151
}

// Runs `act` on another thread (with its own Redis client) after `delay`.
std::thread after(std::chrono::milliseconds delay, RedisAddress address,
                  std::function<void(RedisClient&)> act) {
  return std::thread([=] {
    std::this_thread::sleep_for(delay);
    RedisClient redis(address);
    act(redis);
  });
}

TEST_F(TaskRunnerTest, CancellingARunningTaskStopsItsComputationWithinTwoSeconds) {
  auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point cancelled_at;
  std::thread canceller = after(std::chrono::milliseconds(500), address(), [&](RedisClient& r) {
    cancelled_at = std::chrono::steady_clock::now();
    auto c = lifecycle::cancel_task(r, 30'000'000, "", true);
    EXPECT_EQ(c->outcome, lifecycle::CancelOutcome::kCancelled);
  });
  run(30'000'000);  // minutes of work if nothing stopped it
  auto ended = std::chrono::steady_clock::now();
  canceller.join();
  EXPECT_LT(ended - cancelled_at, std::chrono::seconds(2));
  EXPECT_LT(ended - start, std::chrono::seconds(10));
  EXPECT_EQ(task(30'000'000)->stage, Stage::kCancelled);
  EXPECT_TRUE(list(std::string(keys::queue())).empty());
}

TEST_F(TaskRunnerTest, ATaskReassignedElsewhereStopsHereWithinTwoSeconds) {
  std::chrono::steady_clock::time_point reaped_at;
  std::thread reaper = after(std::chrono::milliseconds(500), address(), [&](RedisClient& r) {
    reaped_at = std::chrono::steady_clock::now();
    EXPECT_EQ(lifecycle::reap_worker(r, kWorker)->size(), 1u);
  });
  run(30'000'000);
  auto ended = std::chrono::steady_clock::now();
  reaper.join();
  EXPECT_LT(ended - reaped_at, std::chrono::seconds(2));
  // Back in the queue for another worker, its attempt kept.
  EXPECT_EQ(task(30'000'000)->stage, Stage::kScheduled);
  EXPECT_EQ(list(std::string(keys::queue())), std::vector<std::string>{"30000000"});
}

}  // namespace
}  // namespace pidigits::worker
