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
  EXPECT_EQ(port.status().message(), "PI_REDIS_URL has a bad port in 'redis://***@host:99999'");
  // A password alone before the '@', a user and a password, another scheme.
  for (const char* url : {"redis://hunter2@host:99999", "redis://user:hunter2@host:0",
                          "rediss://:hunter2@host", "hunter2@host", "redis://:hunter2@"}) {
    auto bad = parse_redis_url(url);
    ASSERT_FALSE(bad.ok()) << url;
    EXPECT_EQ(bad.status().message().find("hunter2"), std::string::npos) << bad.status().message();
    EXPECT_NE(bad.status().message().find("***@"), std::string::npos) << bad.status().message();
  }
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

TEST(LoadConfig, ReadsTheMetricsAllowList) {
  setenv("PI_METRICS_ALLOW", "10.0.0.0/8, host.example", 1);
  auto bad = load_config();
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("PI_METRICS_ALLOW"), std::string::npos);
  EXPECT_NE(bad.status().message().find("host.example"), std::string::npos);
  setenv("PI_METRICS_ALLOW", "10.0.0.0/8, 192.168.1.7", 1);
  auto config = load_config();
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_TRUE(config->metrics_allow.contains("10.9.8.7"));
  EXPECT_TRUE(config->metrics_allow.contains("192.168.1.7"));
  EXPECT_FALSE(config->metrics_allow.contains("192.168.1.8"));
  unsetenv("PI_METRICS_ALLOW");
  EXPECT_TRUE(load_config()->metrics_allow.empty());
}

TEST(LoadConfig, SearchMaxDigitsFromZeroToOneBillion) {
  auto config = load_config();
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->search_max_digits, 100'000'000u);
  setenv("PI_SEARCH_MAX_DIGITS", "0", 1);
  config = load_config();
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->search_max_digits, 0u);
  setenv("PI_SEARCH_MAX_DIGITS", "2000000000", 1);
  auto bad = load_config();
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("PI_SEARCH_MAX_DIGITS"), std::string::npos);
  unsetenv("PI_SEARCH_MAX_DIGITS");
}

TEST(ParseHostPorts, ReadsCommaOrSpaceSeparatedLists) {
  auto list = parse_host_ports("10.0.0.1:26379, 10.0.0.2:26380 [::1]:26381");
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].host, "10.0.0.1");
  EXPECT_EQ((*list)[0].port, 26379);
  EXPECT_EQ((*list)[1].port, 26380);
  EXPECT_EQ((*list)[2].host, "::1");
  for (const char* bad : {"", " , ", "host", "host:", ":26379", "host:0", "host:65536", "h:1,x"}) {
    EXPECT_FALSE(parse_host_ports(bad).ok()) << bad;
  }
}

// Clears every variable these tests set, also when one fails.
class SentinelConfig : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name : {"PI_REDIS_SENTINELS", "PI_REDIS_MASTER", "PI_REDIS_URL",
                             "PI_REDIS_PASSWORD", "PI_REDIS_MIN_REPLICAS", "PI_LOG_FORMAT"}) {
      unsetenv(name);
    }
  }
};

TEST_F(SentinelConfig, SentinelsMasterPasswordAndMinReplicas) {
  setenv("PI_REDIS_SENTINELS", "10.0.0.1:26379,10.0.0.2:26379", 1);
  setenv("PI_REDIS_PASSWORD", "pw", 1);
  setenv("PI_REDIS_MIN_REPLICAS", "1", 1);
  auto config = load_config();
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_TRUE(config->redis.uses_sentinels());
  EXPECT_EQ(config->redis.sentinels.size(), 2u);
  EXPECT_EQ(config->redis.master_name, "pidigits");  // the default
  EXPECT_EQ(config->redis.password, "pw");
  EXPECT_EQ(config->redis.min_replicas, 1);
  setenv("PI_REDIS_MASTER", "other-master", 1);
  config = load_config();
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->redis.master_name, "other-master");
}

TEST_F(SentinelConfig, OneRedisStaysTheDefault) {
  auto config = load_config();
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_FALSE(config->redis.uses_sentinels());
  EXPECT_EQ(config->redis.port, 6390);
  EXPECT_EQ(config->redis.min_replicas, 0);
}

TEST_F(SentinelConfig, RejectsBadValuesWithTheirName) {
  std::string error;
  auto fails = [&] {
    auto config = load_config();
    error = config.status().message();
    return !config.ok();
  };
  setenv("PI_REDIS_SENTINELS", "10.0.0.1", 1);
  EXPECT_TRUE(fails());
  EXPECT_NE(error.find("PI_REDIS_SENTINELS"), std::string::npos) << error;

  setenv("PI_REDIS_SENTINELS", "10.0.0.1:26379", 1);
  setenv("PI_REDIS_URL", "redis://h:1", 1);
  EXPECT_TRUE(fails());
  EXPECT_NE(error.find("both set"), std::string::npos) << error;
  unsetenv("PI_REDIS_URL");

  setenv("PI_REDIS_MASTER", "bad name", 1);
  EXPECT_TRUE(fails());
  EXPECT_NE(error.find("PI_REDIS_MASTER"), std::string::npos) << error;
  unsetenv("PI_REDIS_MASTER");

  setenv("PI_REDIS_MIN_REPLICAS", "-1", 1);
  EXPECT_TRUE(fails());
  EXPECT_NE(error.find("PI_REDIS_MIN_REPLICAS"), std::string::npos) << error;
  unsetenv("PI_REDIS_MIN_REPLICAS");

  setenv("PI_LOG_FORMAT", "yaml", 1);
  EXPECT_TRUE(fails());
  EXPECT_NE(error.find("PI_LOG_FORMAT must be text or json"), std::string::npos) << error;
  setenv("PI_LOG_FORMAT", "json", 1);
  EXPECT_FALSE(fails()) << error;
}

}  // namespace
}  // namespace pidigits
