#include "test_redis.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "pidigits/clock.h"
#include "pidigits/keys.h"
#include "pidigits/task_store.h"

namespace pidigits::worker::testing {

const char kPi50[] = "3.14159265358979323846264338327950288419716939937510";

void RedisTest::SetUp() {
  server_ = std::make_unique<TestRedis>();
  ASSERT_TRUE(server_->ok()) << "cannot start redis-server";
  redis_ = std::make_unique<RedisClient>(server_->address());
}

void RedisTest::register_task(uint64_t n) {
  std::string now = std::to_string(now_ms());
  Reply id = redis_->command({"INCR", keys::next_task_id()});
  ASSERT_TRUE(id.ok()) << id.error();
  Reply reply = redis_->command({"HSET", keys::task(n), "n", std::to_string(n), "id",
                                 std::to_string(*id.integer()), "stage", "scheduled", "created_at",
                                 now, "registered_at", now, "scheduled_at", now, "updated_at", now,
                                 "attempts", "0"});
  ASSERT_TRUE(reply.ok()) << reply.error();
}

void RedisTest::submit_task(uint64_t n) {
  register_task(n);
  Reply reply = redis_->command({"LPUSH", keys::queue(), std::to_string(n)});
  ASSERT_TRUE(reply.ok()) << reply.error();
}

std::optional<Task> RedisTest::task(uint64_t n) {
  std::string error;
  auto t = load_task(*redis_, n, &error);
  EXPECT_EQ(error, "");
  return t;
}

std::vector<std::string> RedisTest::list(const std::string& key) {
  Reply reply = redis_->command({"LRANGE", key, "0", "-1"});
  EXPECT_TRUE(reply.ok()) << reply.error();
  return reply.strings();
}

std::string RedisTest::get(const std::string& key) {
  Reply reply = redis_->command({"GET", key});
  EXPECT_TRUE(reply.ok()) << reply.error();
  return reply.string().value_or("");
}

EventListener::EventListener(const RedisAddress& address, std::chrono::milliseconds timeout)
    : client_(address, timeout) {
  Reply reply = client_.command({"SUBSCRIBE", keys::events()});
  EXPECT_TRUE(reply.ok()) << reply.error();
}

std::vector<EventListener::Event> EventListener::read_until(
    const std::function<bool(const Event&)>& until) {
  std::vector<Event> events;
  for (;;) {
    // A failure (the client's timeout) ends the wait: the caller's checks fail.
    Reply reply = client_.read_reply();
    if (!reply.ok()) break;
    auto parts = reply.strings();
    if (parts.size() != 3 || parts[0] != "message") continue;
    auto json = nlohmann::json::parse(parts[2]);
    Event event{json["seq"].get<int64_t>(), json["task"]["n"].get<uint64_t>(),
                json["task"]["stage"].get<std::string>(), json["task"]["progress"].get<double>(),
                json["task"]["worker"].is_null() ? "" : json["task"]["worker"].get<std::string>()};
    events.push_back(event);
    if (until(event)) break;
  }
  return events;
}

}  // namespace pidigits::worker::testing
