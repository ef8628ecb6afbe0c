// MetricsReporter against a real redis-server: the client count appears with
// its TTL and follows the relay, drops are added once each, and a clean stop
// removes the count at once.
#include "metrics_reporter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "pidigits/keys.h"
#include "pidigits/redis.h"
#include "testing/redis_server.h"

namespace pidigits::relay {
namespace {

// Polls until `command` answers `want` (as a string) or 5 s pass.
std::string wait_for(RedisClient& redis, std::initializer_list<std::string_view> command,
                     const std::string& want) {
  std::string got;
  for (int i = 0; i < 100; ++i) {
    Reply r = redis.command(command);
    got = r.is_nil() ? "(nil)" : r.string().value_or(std::to_string(r.integer().value_or(-1)));
    if (got == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return got;
}

TEST(MetricsReporter, ReportsClientsWithATtlAndDropsOnce) {
  testing::RedisServer server;
  ASSERT_TRUE(server.ok());
  RedisClient redis(server.address());
  std::atomic<uint64_t> clients{3}, dropped{0};
  MetricsReporter reporter(server.address(), [&] {
    return MetricsReporter::Figures{clients.load(), dropped.load()};
  });
  const std::string key = keys::relay_clients(reporter.id());
  reporter.start();
  EXPECT_EQ(wait_for(redis, {"GET", key}, "3"), "3");
  EXPECT_EQ(redis.command({"SISMEMBER", keys::relays(), reporter.id()}).integer(), 1);
  const int64_t ttl = redis.command({"TTL", key}).integer().value_or(-1);
  EXPECT_GT(ttl, 10);
  EXPECT_LE(ttl, 15);

  clients = 5;
  dropped = 2;
  EXPECT_EQ(wait_for(redis, {"GET", key}, "5"), "5");
  EXPECT_EQ(wait_for(redis, {"HGET", keys::metrics(), "relay_dropped_total"}, "2"), "2");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // another report: no new drops
  EXPECT_EQ(redis.command({"HGET", keys::metrics(), "relay_dropped_total"}).string(), "2");

  dropped = 3;
  reporter.stop();  // the last drop is reported on the way out, the count removed
  EXPECT_EQ(redis.command({"HGET", keys::metrics(), "relay_dropped_total"}).string(), "3");
  EXPECT_TRUE(redis.command({"GET", key}).is_nil());
  EXPECT_EQ(redis.command({"SISMEMBER", keys::relays(), reporter.id()}).integer(), 0);
}

}  // namespace
}  // namespace pidigits::relay
