#include "pidigits/config.h"

#include <gtest/gtest.h>

namespace pidigits {
namespace {

TEST(ParseUint, AcceptsOnlyWholeDecimalsInRange) {
  uint64_t v = 0;
  EXPECT_TRUE(parse_uint("1", 1, 10, &v));
  EXPECT_EQ(v, 1u);
  EXPECT_TRUE(parse_uint("100000000", 1, 100000000, &v));
  for (const char* bad : {"", "0", "11", "-1", "+1", " 1", "1 ", "1e3", "1.0", "0x1", "abc",
                          "99999999999999999999999"}) {
    EXPECT_FALSE(parse_uint(bad, 1, 10, &v)) << bad;
  }
  EXPECT_FALSE(parse_uint("18446744073709551616", 0, UINT64_MAX, &v));  // 2^64 overflows
  EXPECT_TRUE(parse_uint("18446744073709551615", 0, UINT64_MAX, &v));
}

TEST(ParseRedisUrl, ReadsHostPortPasswordAndDb) {
  std::string error;
  auto a = parse_redis_url("redis://:secret@10.0.0.5:7000/3", &error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 7000);
  EXPECT_EQ(a->password, "secret");
  EXPECT_EQ(a->db, 3);
  auto b = parse_redis_url("redis://localhost", &error);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, 6390);
}

TEST(ParseRedisUrl, RejectsMalformed) {
  std::string error;
  EXPECT_FALSE(parse_redis_url("http://x:1", &error));
  EXPECT_NE(error.find("redis://"), std::string::npos);
  EXPECT_FALSE(parse_redis_url("redis://host:99999", &error));
  EXPECT_FALSE(parse_redis_url("redis://:1", &error));
  EXPECT_FALSE(parse_redis_url("redis://h:1/x", &error));
}

TEST(LoadConfig, RejectsBadEnvironmentWithItsName) {
  setenv("PI_MAX_DIGITS", "12abc", 1);
  std::string error;
  EXPECT_FALSE(load_config(&error));
  EXPECT_NE(error.find("PI_MAX_DIGITS"), std::string::npos);
  setenv("PI_MAX_DIGITS", "500", 1);
  auto config = load_config(&error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->max_digits, 500u);
  EXPECT_GT(config->worker_memory, 0u);
  unsetenv("PI_MAX_DIGITS");
}

}  // namespace
}  // namespace pidigits
