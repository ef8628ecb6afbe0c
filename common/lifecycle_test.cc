// The task life cycle (redis/lifecycle.lua through lifecycle.h) against a real
// redis-server: every transition changes the task, bumps its version by one
// and publishes one event with the next sequence number, together; every
// refused transition changes nothing and publishes nothing.
#include "pidigits/lifecycle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "pidigits/digits.h"
#include "pidigits/keys.h"
#include "testing/fixture.h"

namespace pidigits::lifecycle {
namespace {

using testing::EventListener;
using testing::kPi50;

constexpr char kWorker[] = "host:1:aaaa";
constexpr char kOther[] = "host:2:bbbb";
constexpr int kAttempts = 3;

class LifecycleTest : public testing::RedisTest {
 protected:
  // Everything about a task that a transition may change, to compare before/after.
  std::string snapshot(uint64_t n) {
    Reply r = redis_->command({"HGETALL", keys::task(n)});
    std::string out;
    for (const auto& s : r.strings()) out += s + "|";
    return out + "queue=" + join(list(std::string(keys::queue()))) + "|seq=" +
           get(std::string(keys::event_seq()));
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + ",";
    return out;
  }
  // Moves n from the queue into kWorker's processing list (what BLMOVE does).
  void move_to(const std::string& worker, uint64_t n) {
    Reply r = redis_->command(
        {"LREM", keys::queue(), "0", std::to_string(n)});
    ASSERT_TRUE(r.ok());
    r = redis_->command({"LPUSH", keys::processing(worker), std::to_string(n)});
    ASSERT_TRUE(r.ok());
  }
  void heartbeat(const std::string& worker) {
    ASSERT_TRUE(send_heartbeat(*redis_, worker, "{}", 10'000).ok());
  }
  Take take(const std::string& worker, uint64_t n) {
    auto t = take_task(*redis_, worker, n, kAttempts, 500);
    EXPECT_TRUE(t.ok()) << t.status().message();
    return t.ok() ? *t : Take{};
  }
  std::string hget(const std::string& key, const std::string& field) {
    return redis_->command({"HGET", key, field}).string().value_or("");
  }
  int64_t count(const std::string& status) {
    Reply r = redis_->command({"HGET", keys::counts(), status});
    return r.integer().value_or(0);
  }
  // Registers n and takes it on kWorker.
  void running(uint64_t n) {
    submit_task(n);
    move_to(kWorker, n);
    ASSERT_EQ(take(kWorker, n).outcome, TakeOutcome::kTaken);
  }
  // Stages "3." + decimals for kWorker as the compute child does.
  Staged stage(std::string_view digits) {
    auto staged = digits::stage(*redis_, kWorker, digits, 1 << 20);
    EXPECT_TRUE(staged.ok()) << staged.status().message();
    return staged.ok() ? *staged : Staged{};
  }
};

TEST_F(LifecycleTest, LibraryIsLoadedAndCallableByName) {
  Reply r = redis_->command({"FUNCTION", "LIST", "LIBRARYNAME", "pidigits"});
  ASSERT_TRUE(r.ok());
  Reply v = redis_->command({"FCALL_RO", "pi_version", "0"});
  EXPECT_EQ(v.string().value_or(""), "11");  // redis/lifecycle.lua pi_version
}

TEST_F(LifecycleTest, RegisterQueuesWithVersionOneAndOneEvent) {
  EventListener events(address(), std::chrono::milliseconds(300));
  Answer a = submit_task(1000);
  EXPECT_EQ(a.outcome, Outcome::kCreated);
  EXPECT_EQ(a.task.stage, Stage::kScheduled);
  EXPECT_EQ(a.task.version, 1u);
  EXPECT_EQ(a.task.queue_position, 1);
  EXPECT_TRUE(a.task.stage_at.count(Stage::kRegistered));
  EXPECT_EQ(list(std::string(keys::queue())), std::vector<std::string>{"1000"});
  EXPECT_EQ(count("queued"), 1);
  auto seen = events.read_all();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].stage, "scheduled");
  EXPECT_EQ(seen[0].version, 1u);
  EXPECT_EQ(seen[0].seq, 1);
  EXPECT_EQ(seen[0].queue_position, 1);
}

TEST_F(LifecycleTest, RegisterTwiceIsTheSameTaskAndPublishesNothing) {
  submit_task(1000);
  const std::string before = snapshot(1000);
  EventListener events(address(), std::chrono::milliseconds(300));
  Answer again = submit_task(1000);
  EXPECT_EQ(again.outcome, Outcome::kExisting);
  EXPECT_EQ(again.task.version, 1u);
  EXPECT_EQ(snapshot(1000), before);
  EXPECT_TRUE(events.read_all().empty());
}

TEST_F(LifecycleTest, RegisterAnswersFromStoredDigitsAcrossChunks) {
  put_digits(kPi50, 16);  // chunks of 16 bytes: decimal 20 is in the second
  Answer a = submit_task(20);
  EXPECT_EQ(a.outcome, Outcome::kCached);
  EXPECT_EQ(a.task.stage, Stage::kStored);
  EXPECT_EQ(a.task.digit, kPi50[21] - '0');
  EXPECT_EQ(a.task.source, "cached");
  EXPECT_TRUE(list(std::string(keys::queue())).empty());
  EXPECT_EQ(count("done"), 1);
  EXPECT_EQ(count("queued"), 0);
}

TEST_F(LifecycleTest, RefusalsWriteNothing) {
  Admission a;
  a.client = "1.2.3.4";
  a.max_queue = 1;
  a.fits_memory = false;
  EventListener events(address(), std::chrono::milliseconds(300));
  auto too_big = register_task(*redis_, 7, "o", a);
  ASSERT_TRUE(too_big.ok());
  EXPECT_EQ(too_big->outcome, Outcome::kTooBig);
  a.fits_memory = true;
  ASSERT_EQ(register_task(*redis_, 7, "o", a)->outcome, Outcome::kCreated);
  auto full = register_task(*redis_, 8, "o", a);
  EXPECT_EQ(full->outcome, Outcome::kQueueFull);
  EXPECT_EQ(full->limit, 1u);
  EXPECT_FALSE(task(8));
  EXPECT_EQ(events.read_all().size(), 1u);  // only 7's registration
}

TEST_F(LifecycleTest, PerClientLimitsCountActiveTasksAndTasksPerDay) {
  Admission a;
  a.client = "10.0.0.1";
  a.max_queue = 100;
  a.max_active = 2;
  a.max_per_day = 3;
  EXPECT_EQ(register_task(*redis_, 1, "o", a)->outcome, Outcome::kCreated);
  EXPECT_EQ(register_task(*redis_, 2, "o", a)->outcome, Outcome::kCreated);
  auto third = register_task(*redis_, 3, "o", a);
  EXPECT_EQ(third->outcome, Outcome::kClientFull);
  EXPECT_EQ(third->limit, 2u);
  // Another client is not affected.
  Admission b = a;
  b.client = "10.0.0.2";
  EXPECT_EQ(register_task(*redis_, 3, "o", b)->outcome, Outcome::kCreated);
  // A finished task frees a place; the day's count still grows.
  move_to(kWorker, 1);
  ASSERT_EQ(take(kWorker, 1).outcome, TakeOutcome::kTaken);
  ASSERT_TRUE(fail_task(*redis_, kWorker, 1, "boom").value());
  EXPECT_EQ(register_task(*redis_, 4, "o", a)->outcome, Outcome::kCreated);
  auto day = register_task(*redis_, 5, "o", a);
  EXPECT_EQ(day->outcome, Outcome::kDayFull);
  EXPECT_EQ(day->limit, 3u);
  EXPECT_GT(day->retry_after_s, 0);
  EXPECT_LE(day->retry_after_s, 86'400);
}

TEST_F(LifecycleTest, FairQueueInterleavesClients) {
  Admission a;
  a.max_queue = 100;
  a.client = "A";
  for (uint64_t n : {101, 102, 103, 104, 105}) register_task(*redis_, n, "o", a);
  // One worker has taken A's first task.
  move_to(kWorker, 101);
  ASSERT_EQ(take(kWorker, 101).outcome, TakeOutcome::kTaken);
  a.client = "B";
  register_task(*redis_, 201, "o", a);
  // The right end is taken next: B's task comes before A's backlog.
  auto queue = list(std::string(keys::queue()));
  ASSERT_FALSE(queue.empty());
  EXPECT_EQ(queue.back(), "201");
  EXPECT_EQ(task(201)->queue_position, 1);
  EXPECT_EQ(task(102)->queue_position, 2);
  EXPECT_EQ(task(105)->queue_position, 5);
}

TEST_F(LifecycleTest, TakeCalculateStoreEachBumpVersionAndPublishOnce) {
  submit_task(50);
  move_to(kWorker, 50);
  EventListener events(address(), std::chrono::milliseconds(300));
  Take t = take(kWorker, 50);
  ASSERT_EQ(t.outcome, TakeOutcome::kTaken);
  EXPECT_EQ(t.attempts, 1);
  EXPECT_FALSE(t.cached);
  EXPECT_EQ(count("running"), 1);
  ASSERT_TRUE(report_progress(*redis_, kWorker, 50, 0.5, "series").value());
  // Unchanged progress is only a check: no write, no event.
  ASSERT_TRUE(report_progress(*redis_, kWorker, 50, 0.5, "series").value());
  ASSERT_TRUE(mark_calculated(*redis_, kWorker, 50, "computed", Usage{1234, 5 << 20}).value());
  Staged staged = stage(kPi50);
  EXPECT_EQ(staged.length, 52u);
  auto stored = store_result(*redis_, kWorker, 50, staged);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(stored->outcome, StoreOutcome::kStored);
  EXPECT_EQ(stored->digit, kPi50[51] - '0');

  auto seen = events.read_all();
  std::vector<std::string> stages;
  for (const auto& e : seen) stages.push_back(e.stage);
  EXPECT_EQ(stages, (std::vector<std::string>{"taken", "taken", "calculated", "stored"}));
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].seq, seen[i - 1].seq + 1);
    EXPECT_EQ(seen[i].version, seen[i - 1].version + 1);
  }
  auto done = task(50);
  EXPECT_EQ(done->stage, Stage::kStored);
  EXPECT_EQ(done->version, seen.back().version);
  EXPECT_EQ(done->cpu_ms, 1234);
  EXPECT_EQ(done->peak_rss_bytes, 5 << 20);
  EXPECT_EQ(done->phase, "") << "the engine's phase is shown only while running";
  EXPECT_EQ(stored_digits(), kPi50);
  EXPECT_TRUE(list(keys::processing(kWorker)).empty());
  EXPECT_EQ(count("done"), 1);
  EXPECT_EQ(count("running"), 0);
}

TEST_F(LifecycleTest, TakeRefusesAnNThatLeftTheCallersList) {
  submit_task(9);
  const std::string before = snapshot(9);
  auto t = take(kWorker, 9);  // never moved into kWorker's list
  EXPECT_EQ(t.outcome, TakeOutcome::kNotListed);
  EXPECT_EQ(snapshot(9), before);
}

TEST_F(LifecycleTest, RepeatedTakeIsNotASecondAttempt) {
  running(9);
  EXPECT_EQ(take(kWorker, 9).attempts, 1);
  EXPECT_EQ(task(9)->attempts, 1);
}

TEST_F(LifecycleTest, AttemptsRunOutInError) {
  submit_task(9);
  for (int i = 1; i <= kAttempts; ++i) {
    move_to(kWorker, 9);
    ASSERT_EQ(take(kWorker, 9).outcome, TakeOutcome::kTaken);
    ASSERT_EQ(release_task(*redis_, kWorker, 9, false, kAttempts, "crash").value(),
              i < kAttempts ? Release::kRequeued : Release::kGaveUp);
  }
  EXPECT_EQ(task(9)->stage, Stage::kError);
  EXPECT_EQ(task(9)->error, "crash");
  EXPECT_EQ(count("error"), 1);
}

TEST_F(LifecycleTest, StopGivesTheAttemptBackAndRequeuesAtTheTakingEnd) {
  submit_task(1);
  submit_task(2);
  move_to(kWorker, 2);
  ASSERT_EQ(take(kWorker, 2).outcome, TakeOutcome::kTaken);
  ASSERT_EQ(release_task(*redis_, kWorker, 2, true, kAttempts, "").value(), Release::kRequeued);
  EXPECT_EQ(list(std::string(keys::queue())).back(), "2");
  EXPECT_EQ(task(2)->attempts, 0);
  EXPECT_EQ(task(2)->stage, Stage::kScheduled);
  EXPECT_EQ(count("queued"), 2);
}

TEST_F(LifecycleTest, ANonOwnerCannotChangeARunningTask) {
  running(9);
  const std::string before = snapshot(9);
  EventListener events(address(), std::chrono::milliseconds(300));
  EXPECT_FALSE(report_progress(*redis_, kOther, 9, 0.9, "series").value());
  EXPECT_FALSE(mark_calculated(*redis_, kOther, 9, "computed", Usage{}).value());
  EXPECT_FALSE(fail_task(*redis_, kOther, 9, "x").value());
  EXPECT_EQ(release_task(*redis_, kOther, 9, false, kAttempts, "x").value(), Release::kLost);
  EXPECT_EQ(store_result(*redis_, kOther, 9, Staged{})->outcome, StoreOutcome::kLost);
  EXPECT_EQ(snapshot(9), before);
  EXPECT_TRUE(events.read_all().empty());
}

TEST_F(LifecycleTest, StoreKeepsLongerDigitsEvenWhenTheTaskIsLost) {
  put_digits(std::string_view(kPi50, 22), 1 << 20);
  running(40);
  // kWorker looked dead; its task went to kOther.
  ASSERT_EQ(reap_worker(*redis_, kWorker)->size(), 1u);
  move_to(kOther, 40);
  ASSERT_EQ(take(kOther, 40).outcome, TakeOutcome::kTaken);
  // kWorker finishes anyway: its digits are good and longer, so they are kept,
  // but the task is kOther's and stays as it is.
  Staged staged = stage(std::string_view(kPi50, 42));
  EXPECT_EQ(store_result(*redis_, kWorker, 40, staged)->outcome, StoreOutcome::kLost);
  EXPECT_EQ(stored_digits(), std::string(kPi50, 42));
  EXPECT_EQ(task(40)->stage, Stage::kTaken);
  EXPECT_EQ(task(40)->worker, kOther);
  // A result not longer than the stored digits stages nothing.
  EXPECT_EQ(stage(std::string_view(kPi50, 30)).length, 0u);
}

TEST_F(LifecycleTest, StagedDigitsCommitAcrossChunksAndOnlyGrow) {
  put_digits(std::string_view(kPi50, 20), 16);  // chunk 0 full, chunk 1 holds 4 bytes
  running(40);
  ASSERT_TRUE(mark_calculated(*redis_, kWorker, 40, "computed", Usage{}).value());
  Staged staged = stage(std::string_view(kPi50, 42));
  EXPECT_EQ(staged.chunk_bytes, 16u);
  EXPECT_EQ(staged.first_chunk, 1u);  // chunk 0 is already complete
  // Before the commit a reader sees the old length only.
  EXPECT_EQ(lifecycle::digits_info(*redis_)->length, 20u);
  ASSERT_EQ(store_result(*redis_, kWorker, 40, staged)->outcome, StoreOutcome::kStored);
  EXPECT_EQ(lifecycle::digits_info(*redis_)->length, 42u);
  EXPECT_EQ(stored_digits(), std::string(kPi50, 42));
  auto middle = digits::read(*redis_, *lifecycle::digits_info(*redis_), 10, 25);
  EXPECT_EQ(*middle, std::string(kPi50 + 10, 25));
  Reply staging = redis_->command({"KEYS", "pi:staging:*"});
  EXPECT_TRUE(staging.strings().empty());
}

TEST_F(LifecycleTest, CancelAQueuedTaskRemovesItFromTheQueue) {
  submit_task(5);
  EventListener events(address(), std::chrono::milliseconds(300));
  auto c = cancel_task(*redis_, 5, "owner", false);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->outcome, CancelOutcome::kCancelled);
  EXPECT_EQ(c->task.stage, Stage::kCancelled);
  EXPECT_EQ(c->task.version, 2u);
  EXPECT_TRUE(list(std::string(keys::queue())).empty());
  EXPECT_EQ(count("cancelled"), 1);
  EXPECT_EQ(count("queued"), 0);
  auto seen = events.read_all();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].stage, "cancelled");
}

TEST_F(LifecycleTest, CancelNeedsTheOwnerOrAnOperatorAndAnActiveTask) {
  submit_task(5);
  const std::string before = snapshot(5);
  EXPECT_EQ(cancel_task(*redis_, 5, "someone-else", false)->outcome, CancelOutcome::kForbidden);
  EXPECT_EQ(cancel_task(*redis_, 5, "", false)->outcome, CancelOutcome::kForbidden);
  EXPECT_EQ(snapshot(5), before);
  EXPECT_EQ(cancel_task(*redis_, 6, "owner", true)->outcome, CancelOutcome::kNotFound);
  EXPECT_EQ(cancel_task(*redis_, 5, "", true)->outcome, CancelOutcome::kCancelled);
  auto again = cancel_task(*redis_, 5, "", true);
  EXPECT_EQ(again->outcome, CancelOutcome::kConflict);
  EXPECT_EQ(again->status, "cancelled");
}

TEST_F(LifecycleTest, CancelARunningTaskMakesItsWorkerLoseIt) {
  running(9);
  ASSERT_EQ(cancel_task(*redis_, 9, "owner", false)->outcome, CancelOutcome::kCancelled);
  EXPECT_FALSE(report_progress(*redis_, kWorker, 9, 0.3, "series").value());
  EXPECT_EQ(release_task(*redis_, kWorker, 9, true, kAttempts, "").value(), Release::kDropped);
  EXPECT_TRUE(list(keys::processing(kWorker)).empty());
  EXPECT_TRUE(list(std::string(keys::queue())).empty());
  EXPECT_EQ(task(9)->stage, Stage::kCancelled);
}

TEST_F(LifecycleTest, RetryQueuesAgainWithAttemptsReset) {
  running(9);
  ASSERT_TRUE(fail_task(*redis_, kWorker, 9, "boom").value());
  Admission a;
  a.client = "retrier";
  a.max_queue = 10;
  auto r = retry_task(*redis_, 9, a);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, Outcome::kQueued);
  EXPECT_EQ(r->task.stage, Stage::kScheduled);
  EXPECT_EQ(r->task.attempts, 0);
  EXPECT_TRUE(r->task.error.empty());
  EXPECT_EQ(list(std::string(keys::queue())), std::vector<std::string>{"9"});
  EXPECT_EQ(count("error"), 0);
  EXPECT_EQ(count("queued"), 1);
  // Only error and cancelled tasks can be retried.
  auto conflict = retry_task(*redis_, 9, a);
  EXPECT_EQ(conflict->outcome, Outcome::kConflict);
  EXPECT_EQ(conflict->status, "queued");
  EXPECT_EQ(retry_task(*redis_, 77, a)->outcome, Outcome::kNotFound);
}

TEST_F(LifecycleTest, DeleteRemovesTheTaskEverywhereAndPublishesDeleted) {
  submit_task(5);
  EventListener events(address(), std::chrono::milliseconds(300));
  ASSERT_TRUE(delete_task(*redis_, 5).value());
  EXPECT_FALSE(task(5));
  EXPECT_TRUE(list(std::string(keys::queue())).empty());
  EXPECT_EQ(count("queued"), 0);
  auto page = list_tasks(*redis_, "", 0, 10);
  EXPECT_TRUE(page->tasks.empty());
  EXPECT_FALSE(delete_task(*redis_, 5).value());
  auto seen = events.read_all();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].type, "deleted");
  EXPECT_EQ(seen[0].n, 5u);
  // A later registration creates it anew.
  EXPECT_EQ(submit_task(5).outcome, Outcome::kCreated);
}

TEST_F(LifecycleTest, ListAnswersUnchangedWhileTheEventsSeqStays) {
  submit_task(1);
  auto first = list_tasks(*redis_, "", 0, 10);
  ASSERT_TRUE(first.ok());
  ASSERT_GT(first->seq, 0);
  EXPECT_FALSE(first->unchanged);
  auto same = list_tasks(*redis_, "", 0, 10, first->seq);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->unchanged);
  EXPECT_EQ(same->seq, first->seq);
  EXPECT_TRUE(same->tasks.empty());
  submit_task(2);
  auto moved = list_tasks(*redis_, "", 0, 10, first->seq);
  ASSERT_TRUE(moved.ok());
  EXPECT_FALSE(moved->unchanged);
  EXPECT_EQ(moved->seq, first->seq + 1);
  EXPECT_EQ(moved->tasks.size(), 2u);
}

TEST_F(LifecycleTest, ListFiltersByStatusPagesAndCounts) {
  for (uint64_t n = 1; n <= 5; ++n) submit_task(n);
  running(6);
  auto all = list_tasks(*redis_, "", 0, 3);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->tasks.size(), 3u);
  EXPECT_EQ(all->tasks[0].n, 6u);  // newest first
  EXPECT_NE(all->next_before, 0u);
  auto older = list_tasks(*redis_, "", all->next_before, 3);
  EXPECT_EQ(older->tasks.size(), 3u);
  EXPECT_EQ(older->next_before, 0u);
  auto queued = list_tasks(*redis_, "queued", 0, 10);
  EXPECT_EQ(queued->tasks.size(), 5u);
  EXPECT_EQ(queued->counts["queued"], 5);
  EXPECT_EQ(queued->counts["running"], 1);
  EXPECT_EQ(queued->counts["cancelled"], 0);
  EXPECT_EQ(queued->tasks.back().n, 1u);
  EXPECT_TRUE(queued->tasks.back().active());
  auto full = get_tasks(*redis_, {queued->tasks.back().n, 99});
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(full->size(), 2u);
  ASSERT_TRUE((*full)[0].has_value());
  EXPECT_EQ((*full)[0]->queue_position, 1);  // n=1 is next
  EXPECT_FALSE((*full)[1].has_value());     // no task 99
}

// estimate_ms = model_ms * pi:eta:pace, and each computation moves the pace
// toward what it really took (lifecycle.lua learn_pace).
TEST_F(LifecycleTest, EstimatesFollowThePaceOfRecentComputations) {
  ASSERT_TRUE(redis_->command({"SET", keys::eta_pace(), "2"}).ok());
  submit_task(1);  // the fixture's model: 100 ms
  EXPECT_EQ(hget(keys::task(1), "model_ms"), "100");
  EXPECT_EQ(hget(keys::task(1), "estimate_ms"), "200");

  ASSERT_TRUE(redis_->command({"SET", keys::eta_pace(), "1"}).ok());
  running(2);  // taken with a model of 500 ms
  EXPECT_EQ(hget(keys::task(2), "estimate_ms"), "500");
  std::this_thread::sleep_for(std::chrono::milliseconds(750));  // 1.5 times the model
  ASSERT_TRUE(mark_calculated(*redis_, kWorker, 2, "computed", Usage{}).value());
  const double pace = std::stod(get(std::string(keys::eta_pace())));
  EXPECT_GT(pace, 1.1);  // 1 + 0.3 * (1.5 - 1) = 1.15, plus the test's own delays
  EXPECT_LT(pace, 1.4);
}

// pi:metrics, kept by the life cycle so that any number of workers add up.
TEST_F(LifecycleTest, MetricsCountComputedAndFailedTasksAndComputeTime) {
  const std::string m(keys::metrics());
  running(2);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(mark_calculated(*redis_, kWorker, 2, "computed", Usage{}).value());
  EXPECT_EQ(hget(m, "tasks_computed_total"), "1");
  EXPECT_EQ(hget(m, "compute_seconds_count"), "1");
  const double sum = std::stod(hget(m, "compute_seconds_sum"));
  EXPECT_GE(sum, 0.2);
  EXPECT_LT(sum, 1.0);
  EXPECT_EQ(hget(m, "compute_seconds_bucket|0.1"), "0");  // every bucket is written
  EXPECT_EQ(hget(m, "compute_seconds_bucket|1"), "1");
  EXPECT_EQ(hget(m, "compute_seconds_bucket|14400"), "1");

  running(3);  // answered from stored digits: not a computation
  ASSERT_TRUE(mark_calculated(*redis_, kWorker, 3, "cached", Usage{}).value());
  EXPECT_EQ(hget(m, "tasks_computed_total"), "1");
  EXPECT_EQ(hget(m, "tasks_failed_total"), "");

  running(4);
  ASSERT_TRUE(fail_task(*redis_, kWorker, 4, "boom").value());
  EXPECT_EQ(hget(m, "tasks_failed_total"), "1");
  EXPECT_FALSE(fail_task(*redis_, kWorker, 4, "again").value());  // refused: not counted
  EXPECT_EQ(hget(m, "tasks_failed_total"), "1");
}

TEST_F(LifecycleTest, ReaperRequeuesOnlyDeadWorkersTasks) {
  submit_task(1);
  submit_task(2);
  move_to(kWorker, 1);
  move_to(kOther, 2);
  heartbeat(kWorker);
  heartbeat(kOther);
  ASSERT_EQ(take(kWorker, 1).outcome, TakeOutcome::kTaken);
  ASSERT_EQ(take(kOther, 2).outcome, TakeOutcome::kTaken);
  ASSERT_TRUE(redis_->command({"DEL", keys::heartbeat(kOther)}).ok());  // kOther died
  auto moved = reap_dead_workers(*redis_, "");
  ASSERT_TRUE(moved.ok());
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ((*moved)[0].worker, kOther);
  EXPECT_EQ((*moved)[0].n, 2u);
  EXPECT_EQ(task(2)->stage, Stage::kScheduled);
  EXPECT_EQ(task(2)->attempts, 1);  // a crash counts
  EXPECT_EQ(task(1)->stage, Stage::kTaken);
  // The dead worker's late writes are refused.
  EXPECT_FALSE(report_progress(*redis_, kOther, 2, 0.9, "series").value());
}

// A pi_reap sent into a stall of Redis and run when it resumes finds every
// heartbeat expired: its deadline (Redis' clock) makes it do nothing.
TEST_F(LifecycleTest, AReapRunAfterItsDeadlineDoesNothing) {
  running(1);
  heartbeat(kWorker);
  ASSERT_TRUE(redis_->command({"DEL", keys::heartbeat(kWorker)}).ok());  // looks dead
  auto redis_now = send_heartbeat(*redis_, kOther, "{}", 10'000);
  ASSERT_TRUE(redis_now.ok());
  EXPECT_GT(*redis_now, 1'700'000'000'000);  // Redis' clock, in ms
  auto late = reap_dead_workers(*redis_, "", *redis_now - 1);
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->empty());
  EXPECT_EQ(task(1)->stage, Stage::kTaken);
  auto timely = reap_dead_workers(*redis_, "", *redis_now + 60'000);
  ASSERT_TRUE(timely.ok());
  EXPECT_EQ(timely->size(), 1u);
  EXPECT_EQ(task(1)->stage, Stage::kScheduled);
}

TEST_F(LifecycleTest, ReapingOneWorkerJudgesNoHeartbeats) {
  running(1);
  submit_task(2);
  move_to(kOther, 2);
  ASSERT_EQ(take(kOther, 2).outcome, TakeOutcome::kTaken);
  // No heartbeats at all (Redis just restarted): only the named worker is reaped.
  auto moved = reap_worker(*redis_, kOther);
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ(task(1)->stage, Stage::kTaken);
  EXPECT_EQ(task(2)->stage, Stage::kScheduled);
}

TEST_F(LifecycleTest, HealthAndDigitsInfo) {
  put_digits(kPi50, 8);
  submit_task(60);
  auto h = health(*redis_);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->queue, 1);
  EXPECT_EQ(h->digits, 50);
  auto info = digits_info(*redis_);
  EXPECT_EQ(info->length, 52u);
  EXPECT_EQ(info->chunk_bytes, 8u);
}

TEST_F(LifecycleTest, AMissingLibraryIsLoadedOnFirstUse) {
  ASSERT_TRUE(redis_->command({"FUNCTION", "FLUSH"}).ok());
  EXPECT_EQ(submit_task(3).outcome, Outcome::kCreated);
}

TEST_F(LifecycleTest, UpgradeSplitsAnOldSingleStringAndCountsOldTasks) {
  ASSERT_TRUE(redis_->command({"FLUSHALL"}).ok());
  ASSERT_TRUE(redis_->command({"SET", "pi:digits", kPi50}).ok());
  ASSERT_TRUE(redis_->command({"HSET", keys::task(3), "n", "3", "id", "1", "stage", "stored",
                               "digit", "1", "version", "4"})
                  .ok());
  ASSERT_TRUE(redis_->command({"ZADD", keys::task_index(), "1", "3"}).ok());
  ASSERT_TRUE(install(*redis_, 16).ok());
  EXPECT_EQ(stored_digits(), kPi50);
  EXPECT_EQ(get("pi:digits"), std::string(kPi50, 16));
  EXPECT_EQ(count("done"), 1);
  EXPECT_EQ(list_tasks(*redis_, "done", 0, 10)->tasks.size(), 1u);
}

TEST_F(LifecycleTest, RedisDownIsUnavailableNotACrash) {
  RedisAddress nowhere = address();
  nowhere.port = testing::spare_port();
  RedisClient client(nowhere, std::chrono::milliseconds(200));
  auto t = get_task(client, 1);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Status::Code::kUnavailable);
}

TEST_F(LifecycleTest, AFullRedisRefusesWritesAndServesReads) {
  submit_task(1);
  ASSERT_TRUE(redis_->command({"CONFIG", "SET", "maxmemory", "1"}).ok());
  auto r = register_task(*redis_, 2, "o", Admission{"c", true, 10, 0, 0, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kResourceExhausted);
  EXPECT_TRUE(get_task(*redis_, 1).ok());
  EXPECT_TRUE(list_tasks(*redis_, "", 0, 10).ok());
  ASSERT_TRUE(redis_->command({"CONFIG", "SET", "maxmemory", "0"}).ok());
  EXPECT_FALSE(task(2));
}

// Full (maxmemory, noeviction): the work already accepted still runs to its
// end, and workers stay alive; only new work is refused.
TEST_F(LifecycleTest, AFullRedisLetsAcceptedWorkFinish) {
  running(40);
  submit_task(41);
  submit_task(42);
  move_to(kWorker, 41);  // a BLMOVE just before Redis filled (BLMOVE itself is refused then)
  ASSERT_TRUE(redis_->command({"CONFIG", "SET", "maxmemory", "1"}).ok());
  ASSERT_EQ(redis_->command({"SET", "probe", "1"}).status().code(),
            Status::Code::kResourceExhausted);
  EXPECT_TRUE(send_heartbeat(*redis_, kWorker, "{}", 10'000).ok());
  EXPECT_TRUE(report_progress(*redis_, kWorker, 40, 0.5, "series").value());
  EXPECT_EQ(cancel_task(*redis_, 42, "", true)->outcome, CancelOutcome::kCancelled);
  ASSERT_TRUE(mark_calculated(*redis_, kWorker, 40, "computed", Usage{}).value());
  Staged staged = stage(std::string_view(kPi50, 44));
  ASSERT_EQ(store_result(*redis_, kWorker, 40, staged)->outcome, StoreOutcome::kStored);
  Take cached = take(kWorker, 41);
  EXPECT_EQ(cached.outcome, TakeOutcome::kTaken);
  EXPECT_TRUE(cached.cached);
  EXPECT_TRUE(reap_worker(*redis_, kOther).ok());
  EXPECT_TRUE(install(*redis_, 1 << 20).ok()) << "a restarted process starts on a full Redis";
  ASSERT_TRUE(redis_->command({"CONFIG", "SET", "maxmemory", "0"}).ok());
  EXPECT_EQ(task(40)->stage, Stage::kStored);
  EXPECT_EQ(stored_digits(), std::string(kPi50, 44));
}

}  // namespace
}  // namespace pidigits::lifecycle
