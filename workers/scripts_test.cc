// The worker's Lua scripts against a real redis-server.
#include "scripts.h"

#include <gtest/gtest.h>

#include "pidigits/keys.h"
#include "test_redis.h"

namespace pidigits::worker {
namespace {

using testing::kPi50;
using testing::RedisTest;

constexpr char kWorker[] = "host:100";

class ScriptsTest : public RedisTest {
 protected:
  // What BLMOVE does: the n goes from the queue into the worker's list.
  void move_to_processing(uint64_t n, const std::string& worker = kWorker) {
    Reply r = redis_->command({"LREM", keys::queue(), "0", std::to_string(n)});
    ASSERT_TRUE(r.ok());
    r = redis_->command({"LPUSH", keys::processing(worker), std::to_string(n)});
    ASSERT_TRUE(r.ok());
  }
  TakeResult take(uint64_t n, const std::string& worker = kWorker) {
    std::string error;
    auto result = take_task(*redis_, worker, n, 1000, &error);
    EXPECT_TRUE(result) << error;
    return result.value_or(TakeResult{});
  }
  void hset(uint64_t n, const std::string& field, const std::string& value) {
    ASSERT_TRUE(redis_->command({"HSET", keys::task(n), field, value}).ok());
  }
  std::string error_;
};

TEST_F(ScriptsTest, TakeCalculateStoreMovesStagesInOrder) {
  submit_task(5);
  move_to_processing(5);
  TakeResult taken = take(5);
  EXPECT_EQ(taken.status, TakeStatus::kTaken);
  EXPECT_EQ(taken.attempts, 1);
  EXPECT_FALSE(taken.cached);
  auto t = task(5);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->stage, Stage::kTaken);
  EXPECT_EQ(t->worker, kWorker);
  EXPECT_EQ(t->stage_at[Stage::kTaken], 1000);
  const uint64_t taken_version = t->version;
  EXPECT_GT(taken_version, 0u);

  EXPECT_EQ(mark_calculated(*redis_, kWorker, 5, "computed", 2000, &error_), true);
  EXPECT_EQ(task(5)->stage, Stage::kCalculated);
  EXPECT_EQ(task(5)->source, "computed");
  EXPECT_EQ(task(5)->version, taken_version + 1);  // every change is a new version

  auto stored = store_result(*redis_, kWorker, 5, "3.14159", 3000, &error_);
  ASSERT_TRUE(stored) << error_;
  EXPECT_EQ(stored->status, StoreStatus::kStored);
  EXPECT_EQ(stored->digit, 9);
  t = task(5);
  EXPECT_EQ(t->stage, Stage::kStored);
  EXPECT_EQ(t->digit, 9);
  EXPECT_EQ(t->progress, 1.0);
  EXPECT_EQ(t->stage_at[Stage::kStored], 3000);
  EXPECT_EQ(t->version, taken_version + 2);
  EXPECT_EQ(get(std::string(keys::digits())), "3.14159");
  EXPECT_TRUE(list(keys::processing(kWorker)).empty());
}

TEST_F(ScriptsTest, AttemptsLimitEndsInError) {
  register_task(7);
  hset(7, "attempts", std::to_string(kMaxAttempts));
  hset(7, "worker", "old-host:42");
  move_to_processing(7);
  TakeResult taken = take(7);
  EXPECT_EQ(taken.status, TakeStatus::kGaveUp);
  auto t = task(7);
  EXPECT_EQ(t->stage, Stage::kError);
  EXPECT_EQ(
      t->error,
      "gave up after 3 attempts: the worker computing it stopped each time (last: old-host:42)");
  EXPECT_EQ(t->attempts, kMaxAttempts);
  EXPECT_TRUE(list(keys::processing(kWorker)).empty());
}

TEST_F(ScriptsTest, ThreeTakesAreAllowedTheFourthGivesUp) {
  register_task(8);
  for (int i = 1; i <= kMaxAttempts; ++i) {
    move_to_processing(8);
    TakeResult taken = take(8);
    ASSERT_EQ(taken.status, TakeStatus::kTaken);
    EXPECT_EQ(taken.attempts, i);
    auto released = release_task(*redis_, kWorker, 8, false, "crash", 1000, &error_);
    ASSERT_TRUE(released) << error_;
    EXPECT_EQ(*released, i < kMaxAttempts ? ReleaseStatus::kRequeued : ReleaseStatus::kGaveUp);
  }
  EXPECT_EQ(task(8)->stage, Stage::kError);
  EXPECT_EQ(task(8)->error, "crash");
}

TEST_F(ScriptsTest, StoreNeverReplacesLongerDigits) {
  const std::string longer = "3.1415926535";
  ASSERT_TRUE(redis_->command({"SET", keys::digits(), longer}).ok());
  // Computed anyway (e.g. two workers raced): a shorter result keeps the longer one.
  register_task(3);
  move_to_processing(3);
  hset(3, "stage", "calculated");
  hset(3, "worker", kWorker);
  auto stored = store_result(*redis_, kWorker, 3, "3.141", 1, &error_);
  ASSERT_TRUE(stored) << error_;
  EXPECT_EQ(stored->digit, 1);
  EXPECT_EQ(get(std::string(keys::digits())), longer);

  register_task(20);
  move_to_processing(20);
  hset(20, "stage", "calculated");
  hset(20, "worker", kWorker);
  std::string pi20(kPi50, 22);
  stored = store_result(*redis_, kWorker, 20, pi20, 1, &error_);
  ASSERT_TRUE(stored) << error_;
  EXPECT_EQ(stored->digit, 6);  // decimals 1-20: 14159265358979323846
  EXPECT_EQ(get(std::string(keys::digits())), pi20);
}

TEST_F(ScriptsTest, CachedAnswerReadsTheDigitFromPiDigits) {
  ASSERT_TRUE(redis_->command({"SET", keys::digits(), kPi50}).ok());
  submit_task(50);
  move_to_processing(50);
  TakeResult taken = take(50);
  EXPECT_EQ(taken.status, TakeStatus::kTaken);
  EXPECT_TRUE(taken.cached);
  EXPECT_EQ(mark_calculated(*redis_, kWorker, 50, "cached", 2, &error_), true);
  auto stored = store_result(*redis_, kWorker, 50, "", 3, &error_);
  ASSERT_TRUE(stored) << error_;
  EXPECT_EQ(stored->status, StoreStatus::kStored);
  EXPECT_EQ(stored->digit, 0);
  EXPECT_EQ(task(50)->source, "cached");

  submit_task(51);  // one past what pi:digits holds
  move_to_processing(51);
  EXPECT_FALSE(take(51).cached);
}

TEST_F(ScriptsTest, ReaperRequeuesDeadWorkerAndLeavesLiveOne) {
  for (uint64_t n : {11, 12}) register_task(n);
  submit_task(13);  // already waiting: the requeued task goes in front of it
  move_to_processing(11, "dead:1");
  move_to_processing(12, "live:2");
  take(11, "dead:1");
  take(12, "live:2");
  ASSERT_TRUE(redis_->command({"SADD", keys::workers(), "dead:1", "live:2"}).ok());
  ASSERT_TRUE(redis_->command({"SET", keys::heartbeat("live:2"), "{}", "PX", "10000"}).ok());

  auto moved = reap_dead_workers(*redis_, "", 5000, &error_);
  ASSERT_TRUE(moved) << error_;
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ((*moved)[0].worker, "dead:1");
  EXPECT_EQ((*moved)[0].n, 11u);

  // BLMOVE takes from the right: the requeued task is next.
  EXPECT_EQ(list(std::string(keys::queue())), (std::vector<std::string>{"13", "11"}));
  auto t = task(11);
  EXPECT_EQ(t->stage, Stage::kScheduled);
  EXPECT_EQ(t->attempts, 1);  // the crash counts
  EXPECT_EQ(t->stage_at[Stage::kScheduled], 5000);
  EXPECT_TRUE(list(keys::processing("dead:1")).empty());
  Reply members = redis_->command({"SMEMBERS", keys::workers()});
  EXPECT_EQ(members.strings(), std::vector<std::string>{"live:2"});

  EXPECT_EQ(task(12)->stage, Stage::kTaken);
  EXPECT_EQ(list(keys::processing("live:2")), std::vector<std::string>{"12"});

  // The dead worker, if it was only slow, no longer owns its task.
  EXPECT_EQ(mark_calculated(*redis_, "dead:1", 11, "computed", 6000, &error_), false);
  EXPECT_EQ(task(11)->stage, Stage::kScheduled);

  // Nothing more to do on a second run.
  moved = reap_dead_workers(*redis_, "", 7000, &error_);
  ASSERT_TRUE(moved);
  EXPECT_TRUE(moved->empty());
}

TEST_F(ScriptsTest, ReaperLeavesATaskRunningOnAnotherWorkerAlone) {
  register_task(14);
  move_to_processing(14, "live:2");
  take(14, "live:2");
  // A duplicate entry the dead worker moved but never took.
  ASSERT_TRUE(redis_->command({"LPUSH", keys::processing("dead:1"), "14"}).ok());
  ASSERT_TRUE(redis_->command({"SADD", keys::workers(), "dead:1"}).ok());
  auto moved = reap_dead_workers(*redis_, "", 5000, &error_);
  ASSERT_TRUE(moved) << error_;
  EXPECT_TRUE(moved->empty());
  EXPECT_TRUE(list(std::string(keys::queue())).empty());
  EXPECT_EQ(task(14)->stage, Stage::kTaken);
  EXPECT_EQ(task(14)->worker, "live:2");
  EXPECT_TRUE(list(keys::processing("dead:1")).empty());
}

TEST_F(ScriptsTest, ReaperReapsOwnIdAtStartEvenWithLiveHeartbeat) {
  register_task(9);
  move_to_processing(9);
  take(9);
  ASSERT_TRUE(send_heartbeat(*redis_, kWorker, "{}", 10000, &error_)) << error_;
  auto moved = reap_dead_workers(*redis_, kWorker, 5000, &error_);
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ(list(std::string(keys::queue())), std::vector<std::string>{"9"});
}

TEST_F(ScriptsTest, StopReturnsTaskToTakingEndAndGivesAttemptBack) {
  submit_task(21);
  submit_task(22);
  move_to_processing(21);
  take(21);
  auto released = release_task(*redis_, kWorker, 21, true, "", 4000, &error_);
  ASSERT_TRUE(released) << error_;
  EXPECT_EQ(*released, ReleaseStatus::kRequeued);
  EXPECT_EQ(list(std::string(keys::queue())), (std::vector<std::string>{"22", "21"}));
  auto t = task(21);
  EXPECT_EQ(t->stage, Stage::kScheduled);
  EXPECT_EQ(t->attempts, 0);
  EXPECT_EQ(t->stage_at.count(Stage::kTaken), 0u);
  EXPECT_TRUE(list(keys::processing(kWorker)).empty());
}

TEST_F(ScriptsTest, DuplicateAndMissingEntriesAreDropped) {
  register_task(30);
  hset(30, "stage", "stored");
  move_to_processing(30);
  TakeResult taken = take(30);
  EXPECT_EQ(taken.status, TakeStatus::kFinished);
  EXPECT_EQ(taken.detail, "stored");

  move_to_processing(31);  // no hash
  EXPECT_EQ(take(31).status, TakeStatus::kMissing);

  register_task(32);  // taken by a live worker, queued twice
  move_to_processing(32, "other:1");
  take(32, "other:1");
  ASSERT_TRUE(redis_->command({"SET", keys::heartbeat("other:1"), "{}", "PX", "10000"}).ok());
  move_to_processing(32);
  taken = take(32);
  EXPECT_EQ(taken.status, TakeStatus::kBusy);
  EXPECT_EQ(task(32)->attempts, 1);
  EXPECT_TRUE(list(keys::processing(kWorker)).empty());
}

TEST_F(ScriptsTest, ProgressAndFailOnlyTouchOwnTask) {
  submit_task(40);
  move_to_processing(40);
  take(40);
  EXPECT_EQ(set_progress(*redis_, kWorker, 40, 0.5, "series", 10, &error_), true);
  EXPECT_EQ(task(40)->progress, 0.5);
  EXPECT_EQ(task(40)->phase, "series");
  EXPECT_EQ(set_progress(*redis_, "other:1", 40, 0.7, "series", 11, &error_), false);
  EXPECT_EQ(fail_task(*redis_, "other:1", 40, "no", 12, &error_), false);
  EXPECT_EQ(task(40)->progress, 0.5);
  EXPECT_EQ(fail_task(*redis_, kWorker, 40, "too big", 13, &error_), true);
  EXPECT_EQ(task(40)->stage, Stage::kError);
  EXPECT_EQ(task(40)->error, "too big");
  EXPECT_TRUE(list(keys::processing(kWorker)).empty());
}

TEST_F(ScriptsTest, HeartbeatRegistersAndUnregisterRemoves) {
  ASSERT_TRUE(send_heartbeat(*redis_, kWorker, "{\"pid\":1}", 10000, &error_)) << error_;
  Reply ttl = redis_->command({"PTTL", keys::heartbeat(kWorker)});
  EXPECT_GT(ttl.integer().value_or(0), 9000);
  EXPECT_EQ(redis_->command({"SISMEMBER", keys::workers(), kWorker}).integer(), 1);
  ASSERT_TRUE(unregister_worker(*redis_, kWorker, &error_)) << error_;
  EXPECT_EQ(redis_->command({"EXISTS", keys::heartbeat(kWorker)}).integer(), 0);
  EXPECT_EQ(redis_->command({"SISMEMBER", keys::workers(), kWorker}).integer(), 0);
}

TEST_F(ScriptsTest, RedisDownIsAnErrorNotACrash) {
  server_.reset();
  std::string error;
  EXPECT_FALSE(take_task(*redis_, kWorker, 1, 1, &error));
  EXPECT_NE(error, "");
}

}  // namespace
}  // namespace pidigits::worker
