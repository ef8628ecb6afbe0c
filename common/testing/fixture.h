// Test support shared by the component tests: a fixture with a fresh
// redis-server (redis_server.h) and the task life cycle loaded into it, and
// helpers to drive and watch it. Real Redis, never a mock.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pidigits/lifecycle.h"
#include "pidigits/redis.h"
#include "pidigits/task.h"
#include "testing/redis_server.h"

namespace pidigits::testing {

// "3." + the first 50 decimals of pi (shared/testdata/pi-vectors.txt).
extern const char kPi50[];

// Stores `digits` ("3." + decimals) as the stored digits, in chunks, as
// pi_store would have (pi:digits:info included).
void put_digits(RedisClient& redis, std::string_view digits, uint64_t chunk_bytes = 1 << 20);

class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override;
  RedisAddress address() const { return server_->address(); }

  // Registers n through the life cycle (queued, or stored when the stored
  // digits hold it), as client "test" with no limits.
  lifecycle::Answer submit_task(uint64_t n);
  std::optional<Task> task(uint64_t n);
  std::vector<std::string> list(const std::string& key);
  std::string get(const std::string& key);
  void put_digits(std::string_view digits, uint64_t chunk_bytes = 1 << 20) {
    testing::put_digits(*redis_, digits, chunk_bytes);
  }
  // The whole stored digits string.
  std::string stored_digits();

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<RedisClient> redis_;
};

// A SUBSCRIBE pi:events connection collecting events.
class EventListener {
 public:
  // Every read waits at most `timeout` for the next event.
  explicit EventListener(const RedisAddress& address,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));
  struct Event {
    std::string type;  // "task" | "deleted"
    int64_t seq = 0;
    uint64_t n = 0;
    uint64_t version = 0;
    std::string stage;
    double progress = 0;
    std::string worker;
    int64_t queue_position = 0;
  };
  // Reads events until `until` returns true for one of them, or a read times out.
  std::vector<Event> read_until(const std::function<bool(const Event&)>& until);
  // Every event until none comes within the timeout (which ends the
  // subscription: call it last).
  std::vector<Event> read_all();

 private:
  std::optional<Event> read_one();
  RedisClient client_;
};

}  // namespace pidigits::testing
