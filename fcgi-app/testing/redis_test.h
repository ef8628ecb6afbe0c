// Base fixture for tests against a real redis-server: one server per test
// suite, emptied before each test, with the task life cycle loaded.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "pidigits/lifecycle.h"
#include "pidigits/redis.h"
#include "testing/fixture.h"
#include "testing/redis_server.h"

namespace pidigits::fcgi::testing {

using pidigits::testing::RedisServer;
using pidigits::testing::spare_port;

class RedisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RedisServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(server_->ok()) << "cannot start redis-server";
    redis_ = std::make_unique<RedisClient>(server_->address());
    ASSERT_TRUE(redis_->command({"FLUSHALL"}).ok());
    Status installed = lifecycle::install(*redis_, 1 << 20);
    ASSERT_TRUE(installed.ok()) << installed.message();
  }
  void put_digits(std::string_view digits, uint64_t chunk_bytes = 1 << 20) {
    pidigits::testing::put_digits(*redis_, digits, chunk_bytes);
  }
  int64_t integer(std::initializer_list<std::string_view> command) {
    return redis_->command(command).integer().value_or(-1);
  }

  inline static RedisServer* server_ = nullptr;
  std::unique_ptr<RedisClient> redis_;
};

}  // namespace pidigits::fcgi::testing
