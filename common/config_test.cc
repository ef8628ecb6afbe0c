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
  auto a = parse_redis_url("redis://:secret@10.0.0.5:7000/3");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 7000);
  EXPECT_EQ(a->password, "secret");
  EXPECT_EQ(a->db, 3);
  auto b = parse_redis_url("redis://localhost");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, 6390);
}

TEST(ParseRedisUrl, RejectsMalformedWithoutShowingThePassword) {
  auto scheme = parse_redis_url("http://x:1");
  EXPECT_FALSE(scheme.ok());
  EXPECT_NE(scheme.status().message().find("redis://"), std::string::npos);
  auto port = parse_redis_url("redis://:hunter2@host:99999");
  EXPECT_FALSE(port.ok());
  EXPECT_EQ(port.status().message(), "PI_REDIS_URL has a bad port in 'redis://:***@host:99999'");
  EXPECT_FALSE(parse_redis_url("redis://:1").ok());
  EXPECT_FALSE(parse_redis_url("redis://h:1/x").ok());
}

TEST(LoadConfig, RejectsBadEnvironmentWithItsName) {
  setenv("PI_MAX_DIGITS", "12abc", 1);
  auto bad = load_config();
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("PI_MAX_DIGITS"), std::string::npos);
  setenv("PI_MAX_DIGITS", "500", 1);
  auto config = load_config();
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->max_digits, 500u);
  EXPECT_GT(config->worker_memory, 0u);
  unsetenv("PI_MAX_DIGITS");
}

}  // namespace
}  // namespace pidigits
