// Base fixture for tests against a real redis-server: one server per test
// suite, emptied before each test.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "pidigits/redis.h"
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
  }
  int64_t integer(std::initializer_list<std::string_view> command) {
    return redis_->command(command).integer().value_or(-1);
  }

  inline static RedisServer* server_ = nullptr;
  std::unique_ptr<RedisClient> redis_;
};

}  // namespace pidigits::fcgi::testing
