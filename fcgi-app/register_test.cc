#include "register.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "pidigits/keys.h"
#include "testing/redis_test.h"

namespace pidigits::fcgi {
namespace {

class RegisterTest : public testing::RedisTest {};

TEST_F(RegisterTest, NewTaskIsQueuedOnce) {
  Registration r = register_task(*redis_, 50, 10, true, 1000);
  ASSERT_EQ(r.outcome, Outcome::kCreated) << r.error;
  EXPECT_EQ(r.task.n, 50u);
  EXPECT_EQ(r.task.id, 1u);
  EXPECT_EQ(r.task.stage, Stage::kScheduled);
  EXPECT_EQ(r.task.created_at, 1000);
  EXPECT_EQ(r.task.stage_at.at(Stage::kRegistered), 1000);
  EXPECT_EQ(r.task.stage_at.at(Stage::kScheduled), 1000);
  EXPECT_EQ(redis_->command({"LRANGE", keys::queue(), "0", "-1"}).strings(),
            std::vector<std::string>{"50"});
  EXPECT_EQ(redis_->command({"ZSCORE", keys::task_index(), "50"}).string(), "1");

  Registration again = register_task(*redis_, 50, 10, true, 2000);
  ASSERT_EQ(again.outcome, Outcome::kExisting);
  EXPECT_EQ(again.task.id, 1u);
  EXPECT_EQ(again.task.created_at, 1000);
  EXPECT_EQ(integer({"LLEN", keys::queue()}), 1);
}

TEST_F(RegisterTest, FullQueueWritesNothing) {
  ASSERT_EQ(register_task(*redis_, 1, 2, true, 1).outcome, Outcome::kCreated);
  ASSERT_EQ(register_task(*redis_, 2, 2, true, 1).outcome, Outcome::kCreated);
  EXPECT_EQ(register_task(*redis_, 3, 2, true, 1).outcome, Outcome::kQueueFull);
  EXPECT_EQ(integer({"EXISTS", keys::task(3)}), 0);
  EXPECT_EQ(integer({"LLEN", keys::queue()}), 2);
  EXPECT_EQ(integer({"ZCARD", keys::task_index()}), 2);
  EXPECT_EQ(redis_->command({"GET", keys::next_task_id()}).string(), "2");
  // An existing task is still answered when the queue is full.
  EXPECT_EQ(register_task(*redis_, 2, 2, true, 1).outcome, Outcome::kExisting);
}

TEST_F(RegisterTest, TooBigWritesNothingUnlessCachedOrExisting) {
  EXPECT_EQ(register_task(*redis_, 9, 10, false, 1).outcome, Outcome::kTooBig);
  EXPECT_EQ(integer({"DBSIZE"}), 0);
  redis_->command({"SET", keys::digits(), "3.14159265358979"});
  Registration r = register_task(*redis_, 9, 10, false, 1);
  EXPECT_EQ(r.outcome, Outcome::kCached);
}

TEST_F(RegisterTest, AnswersFromTheStoredDigits) {
  redis_->command({"SET", keys::digits(), "3.1415926535"});  // 10 decimals
  Registration r = register_task(*redis_, 10, 10, true, 777);
  ASSERT_EQ(r.outcome, Outcome::kCached) << r.error;
  EXPECT_EQ(r.task.stage, Stage::kStored);
  EXPECT_EQ(r.task.digit, 5);
  EXPECT_EQ(r.task.source, "cached");
  EXPECT_EQ(r.task.progress, 1.0);
  EXPECT_EQ(r.task.stage_at.size(), 5u);
  EXPECT_EQ(r.task.stage_at.at(Stage::kStored), 777);
  EXPECT_EQ(integer({"LLEN", keys::queue()}), 0);
  EXPECT_EQ(integer({"ZCARD", keys::task_index()}), 1);
  EXPECT_EQ(register_task(*redis_, 1, 10, true, 1).task.digit, 1);
  // One decimal more than stored: computed.
  EXPECT_EQ(register_task(*redis_, 11, 10, true, 1).outcome, Outcome::kCreated);
}

TEST_F(RegisterTest, FortyThreadsOneNewTask) {
  constexpr int kThreads = 40;
  std::atomic<int> created{0}, existing{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      RedisClient client(server_->address());
      client.connect();
      while (!go.load()) std::this_thread::yield();
      Registration r = register_task(client, 4242, 1000, true, 5);
      (r.outcome == Outcome::kCreated    ? created
       : r.outcome == Outcome::kExisting ? existing
                                         : other)++;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(existing.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(integer({"LLEN", keys::queue()}), 1);
  EXPECT_EQ(redis_->command({"GET", keys::next_task_id()}).string(), "1");
}

TEST_F(RegisterTest, AnnouncesRegisteredThenScheduled) {
  RedisClient subscriber(server_->address());
  ASSERT_TRUE(subscriber.command({"SUBSCRIBE", keys::events()}).ok());
  Registration r = register_task(*redis_, 7, 10, true, 1);
  announce_registration(*redis_, r);
  announce_registration(*redis_, register_task(*redis_, 7, 10, true, 1));  // existing: silent
  std::vector<std::string> stages;
  for (int i = 0; i < 2; ++i) {
    Reply message = subscriber.read_reply();
    ASSERT_TRUE(message.ok()) << message.error();
    auto event = nlohmann::json::parse(message.strings().at(2));
    EXPECT_EQ(event["seq"], i + 1);
    stages.push_back(event["task"]["stage"]);
  }
  EXPECT_EQ(stages, (std::vector<std::string>{"registered", "scheduled"}));
  EXPECT_EQ(redis_->command({"GET", keys::event_seq()}).string(), "2");
}

}  // namespace
}  // namespace pidigits::fcgi
