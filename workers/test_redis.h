// Test support: a throwaway redis-server on a spare port (no mocks), and
// helpers the worker tests share. Each test gets a fresh server.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pidigits/redis.h"
#include "pidigits/task.h"
#include "testing/redis_server.h"

namespace pidigits::worker::testing {

using TestRedis = pidigits::testing::RedisServer;

// A fixture with a fresh server and a client on it.
class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override;
  RedisAddress address() const { return server_->address(); }

  // Creates the task hash the way pi-fcgi registers it (stage scheduled,
  // attempts 0), without queueing it.
  void register_task(uint64_t n);
  // register_task + LPUSH pi:queue n.
  void submit_task(uint64_t n);
  std::optional<Task> task(uint64_t n);
  std::vector<std::string> list(const std::string& key);
  std::string get(const std::string& key);

  std::unique_ptr<TestRedis> server_;
  std::unique_ptr<RedisClient> redis_;
};

// A SUBSCRIBE pi:events connection collecting task events.
class EventListener {
 public:
  // Every read waits at most `timeout` for the next event.
  explicit EventListener(const RedisAddress& address,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));
  struct Event {
    int64_t seq;
    uint64_t n;
    std::string stage;
    double progress;
    std::string worker;
  };
  // Reads events until `until` returns true for one of them, or a read times out.
  std::vector<Event> read_until(const std::function<bool(const Event&)>& until);

 private:
  RedisClient client_;
};

// "3." + the first 50 decimals of pi (shared/testdata/pi-vectors.txt).
extern const char kPi50[];

}  // namespace pidigits::worker::testing
