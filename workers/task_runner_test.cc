// TaskRunner against a real Redis and real compute children: stage order,
// events, cached answers, memory budget, progress throttling.
#include "task_runner.h"

#include <gtest/gtest.h>

#include "pidigits/engine.h"
#include "pidigits/keys.h"
#include "test_redis.h"

namespace pidigits::worker {
namespace {

using testing::EventListener;
using testing::kPi50;
using testing::RedisTest;

constexpr char kWorker[] = "host:200";

class TaskRunnerTest : public RedisTest {
 protected:
  void SetUp() override {
    RedisTest::SetUp();
    settings_.id = kWorker;
    settings_.redis = address();
    settings_.max_digits = 100'000'000;
    settings_.memory_budget = 512ull << 20;
  }
  // Queues n and runs it the way the loop does after BLMOVE.
  void run(uint64_t n) {
    submit_task(n);
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
  EXPECT_EQ(stages(seen), (std::vector<std::string>{"taken", "calculated", "stored"}));
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i].seq, seen[i - 1].seq + 1);

  // The digit, checked against the engine run in this process.
  std::string pi;
  ASSERT_EQ(compute_pi(1000, ComputeOptions{}, &pi).error, ComputeError::kNone);
  auto t = task(1000);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->stage, Stage::kStored);
  EXPECT_EQ(t->digit, pi[1001] - '0');
  EXPECT_EQ(t->source, "computed");
  EXPECT_EQ(t->attempts, 1);
  EXPECT_EQ(get(std::string(keys::digits())), pi);
}

TEST_F(TaskRunnerTest, AnswersFromPiDigitsWhenLongEnough) {
  ASSERT_TRUE(redis_->command({"SET", keys::digits(), kPi50}).ok());
  EventListener events(address());
  run(50);
  auto seen = events.read_until(is_end);
  EXPECT_EQ(stages(seen), (std::vector<std::string>{"taken", "calculated", "stored"}));
  EXPECT_EQ(seen.size(), 3u);  // one event per stage
  auto t = task(50);
  EXPECT_EQ(t->digit, 0);
  EXPECT_EQ(t->source, "cached");
  EXPECT_EQ(get(std::string(keys::digits())), kPi50);
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
  ASSERT_EQ(stages(seen), (std::vector<std::string>{"taken", "calculated", "stored"}));
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

}  // namespace
}  // namespace pidigits::worker
