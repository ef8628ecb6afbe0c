// The done tasks' cache: what it keeps, what events drop, and the same through
// route() with a real subscription to a real Redis.
#include "done_tasks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "pidigits/keys.h"
#include "pidigits/lifecycle.h"
#include "pidigits/subscriber.h"
#include "testing/app_test.h"

namespace pidigits::fcgi {
namespace {
using nlohmann::json;

Task task_at(uint64_t n, Stage stage) {
  Task task;
  task.n = n;
  task.id = n;
  task.version = 4;
  task.stage = stage;
  return task;
}

DoneTasks::Json text(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

class DoneTasksTest : public ::testing::Test {
 protected:
  void SetUp() override { done_.subscribed(false); }
  // Caches task n (done) as "<n>".
  void keep(uint64_t n) { done_.put(done_.ticket(n), task_at(n, Stage::kStored), text(std::to_string(n))); }
  bool has(uint64_t n) { return done_.find(n) != nullptr; }

  DoneTasks done_;
};

TEST_F(DoneTasksTest, KeepsOnlyDoneTasks) {
  keep(7);
  ASSERT_TRUE(has(7));
  EXPECT_EQ(*done_.find(7), "7");
  for (Stage stage : {Stage::kScheduled, Stage::kTaken, Stage::kCalculated, Stage::kError,
                      Stage::kCancelled}) {
    done_.put(done_.ticket(8), task_at(8, stage), text("8"));
    EXPECT_FALSE(has(8)) << stage_name(stage);
  }
}

TEST_F(DoneTasksTest, ServesNothingUntilSubscribedNorAfterTheSubscriptionIsLost) {
  DoneTasks fresh;
  fresh.put(fresh.ticket(7), task_at(7, Stage::kStored), text("7"));
  EXPECT_EQ(fresh.find(7), nullptr);
  keep(7);
  done_.lost();
  EXPECT_FALSE(has(7));
  EXPECT_FALSE(done_.live());
  keep(7);
  EXPECT_FALSE(has(7));
  done_.subscribed(true);
  EXPECT_FALSE(has(7)) << "what was kept before the outage is gone";
  keep(7);
  EXPECT_TRUE(has(7));
}

TEST_F(DoneTasksTest, ADeletionDropsItsTaskOnly) {
  keep(7);
  keep(9);
  done_.event("7");
  EXPECT_FALSE(has(7));
  EXPECT_TRUE(has(9));
}

TEST_F(DoneTasksTest, AReadOlderThanADeletionOfItsTaskIsNotKept) {
  DoneTasks::Ticket before = done_.ticket(7);
  DoneTasks::Ticket other = done_.ticket(9);
  done_.event("7");  // heard while the reads were on their way
  done_.put(before, task_at(7, Stage::kStored), text("7"));
  EXPECT_FALSE(has(7));
  done_.put(other, task_at(9, Stage::kStored), text("9"));
  EXPECT_TRUE(has(9));
}

TEST_F(DoneTasksTest, AMessageThatIsNoNDropsEverything) {
  keep(7);
  keep(9);
  done_.event("{\"n\": 8}");
  EXPECT_FALSE(has(7));
  EXPECT_FALSE(has(9));
}

TEST_F(DoneTasksTest, ForgetDropsAndRefusesAnOlderRead) {
  DoneTasks::Ticket before = done_.ticket(7);
  keep(7);
  done_.forget(7);
  EXPECT_FALSE(has(7));
  done_.put(before, task_at(7, Stage::kStored), text("7"));
  EXPECT_FALSE(has(7));
}

TEST_F(DoneTasksTest, ADeletionInAnotherProcessOfTheHostIsSeenAtOnce) {
  std::atomic<uint64_t> deletions{0};  // what the processes' shared memory holds
  DoneTasks other;
  other.subscribed(false);
  done_.share_deletions(&deletions);
  other.share_deletions(&deletions);
  keep(7);
  keep(9);
  DoneTasks::Ticket before = other.ticket(9);
  other.put(other.ticket(7), task_at(7, Stage::kStored), text("7"));
  done_.forget(7);  // this process deleted 7
  EXPECT_FALSE(has(7));
  EXPECT_TRUE(has(9)) << "the deleting process forgets only what it deleted";
  EXPECT_EQ(other.find(7), nullptr) << "before any event could tell it";
  other.put(before, task_at(9, Stage::kStored), text("9"));
  EXPECT_EQ(other.find(9), nullptr) << "a read from before the deletion";
  other.put(other.ticket(9), task_at(9, Stage::kStored), text("9"));
  EXPECT_NE(other.find(9), nullptr);
}

// Through route(), with the process's real subscription.
class DoneTasksRedisTest : public testing::AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    config_.max_digits = 1000;
    put_digits("3.1415926535");
    events_ = std::make_unique<Subscriber>(server_->address(),
                                           std::string(keys::deleted_events()), cache_.done);
    events_->start();
    ASSERT_TRUE(eventually([&] { return cache_.done.live(); })) << "not subscribed";
  }
  void TearDown() override { events_.reset(); }

  static bool eventually(const std::function<bool()>& check) {
    for (int i = 0; i < 500; ++i) {
      if (check()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  Response get(uint64_t n) {
    HttpRequest request;
    request.method = "GET";
    request.path = "/api/tasks/" + std::to_string(n);
    return route_request(request);
  }
  // A GET keeps a done task once the events of its last change were heard
  // (the reads before that may be older than an event still on its way).
  bool cached_after_get(uint64_t n) {
    return eventually([&] { return get(n).status == 200 && cache_.done.find(n) != nullptr; });
  }
  Response page(uint64_t n) {
    HttpRequest request;
    request.method = "GET";
    request.path = "/pi/" + std::to_string(n);
    return route_request(request);
  }
  Response post(uint64_t n) {
    HttpRequest request;
    request.method = "POST";
    request.path = "/api/tasks";
    request.content_type = "application/json";
    request.accept = "application/json";
    request.body = "{\"n\": " + std::to_string(n) + "}";
    return route_request(request);
  }

  std::unique_ptr<Subscriber> events_;
};

TEST_F(DoneTasksRedisTest, ServesADoneTaskUntilAnotherProcessDeletesIt) {
  ASSERT_EQ(post(5).status, 201);  // answered from the stored digits: done at once
  ASSERT_TRUE(cached_after_get(5));
  Response first = get(5);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(json::parse(first.body)["status"], "done");
  Response again = post(5);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("Location"), "/api/tasks/5");

  // Deleted by an operator elsewhere: the event reaches this process.
  ASSERT_TRUE(lifecycle::delete_task(*redis_, 5).ok());
  ASSERT_TRUE(eventually([&] { return cache_.done.find(5) == nullptr; }));
  EXPECT_EQ(get(5).status, 404);
  Response created = post(5);
  EXPECT_EQ(created.status, 201) << "a new task, not the cached one";
  EXPECT_NE(json::parse(created.body)["id"], json::parse(first.body)["id"]);
}

TEST_F(DoneTasksRedisTest, ThePiPageOfADoneTaskFollowsItsDeletion) {
  ASSERT_EQ(post(5).status, 201);
  ASSERT_TRUE(eventually([&] {
    return page(5).status == 200 && cache_.done.find_task(5) != nullptr;
  })) << "the page keeps the task";
  EXPECT_EQ(cache_.done.find_task(5)->digit, 9);
  // Changed by hand (a done task never changes but by deletion, which is announced):
  redis_->command({"HSET", keys::task(5), "stage", "error"});
  redis_->command({"HINCRBY", keys::task(5), "version", "1"});
  EXPECT_NE(page(5).body.find("<p class=\"task\">done</p>"), std::string::npos)
      << "served without reading Redis";
  ASSERT_TRUE(lifecycle::delete_task(*redis_, 5).ok());
  ASSERT_TRUE(eventually([&] { return cache_.done.find_task(5) == nullptr; }));
  // The digits are still stored; the task is gone, and the page says so.
  const Response after = page(5);
  EXPECT_EQ(after.status, 200);
  EXPECT_NE(after.body.find("is 9"), std::string::npos);
  EXPECT_EQ(after.body.find("<p class=\"task\">"), std::string::npos);
}

TEST_F(DoneTasksRedisTest, RedisGoneMeansNoCachedAnswers) {
  ASSERT_EQ(post(5).status, 201);
  ASSERT_TRUE(cached_after_get(5));
  // The subscription's connection is killed, as by a restart of Redis.
  ASSERT_TRUE(redis_->command({"CLIENT", "KILL", "TYPE", "pubsub"}).ok());
  ASSERT_TRUE(eventually([&] { return cache_.done.find(5) == nullptr; }));
  // It subscribes again and caches anew.
  EXPECT_TRUE(cached_after_get(5));
}

}  // namespace
}  // namespace pidigits::fcgi
