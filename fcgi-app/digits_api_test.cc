// GET /api/digits, /api/search and /find through route(), against a real
// Redis holding real pi (computed by the engine) in small chunks.
#include "digits_api.h"

#include <gtest/gtest.h>

#include "router.h"
#include "testing/app_test.h"
#include "testing/pi_decimals.h"

namespace pidigits::fcgi {
namespace {
using nlohmann::json;
using testing::pi_decimals;

// Small chunks: ranges and the index cross their boundaries.
constexpr uint64_t kChunkBytes = 1000;

class DigitsApiTest : public testing::AppTest {
 protected:
  void SetUp() override {
    AppTest::SetUp();
    config_.max_digits = 1'000'000;
    config_.search_max_digits = 1'000'000;
    put_digits("3." + pi_decimals().substr(0, 20'000), kChunkBytes);
  }
  Response get(std::string path, std::string query, std::string method = "GET") {
    HttpRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.query = std::move(query);
    request.accept = "*/*";
    return route_request(request);
  }
  static json body(const Response& r) { return json::parse(r.body); }
};

TEST_F(DigitsApiTest, RangesMatchPiAcrossChunkBoundaries) {
  const std::string& pi = pi_decimals();
  // Decimal k is at byte k + 1: 998 is the last decimal of chunk 0.
  for (auto [start, count] : {std::pair<uint64_t, uint64_t>{1, 50},
                              {990, 20},
                              {998, 1},
                              {999, 1},
                              {1, 10'000},
                              {10'001, 10'000},
                              {19'999, 2}}) {
    Response r =
        get("/api/digits", "start=" + std::to_string(start) + "&count=" + std::to_string(count));
    ASSERT_EQ(r.status, 200) << r.body;
    json j = body(r);
    EXPECT_EQ(j["start"], start);
    EXPECT_EQ(j["count"], count);
    EXPECT_EQ(j["digits"], pi.substr(start - 1, count)) << start;
  }
  EXPECT_EQ(body(get("/api/digits", "start=762&count=6"))["digits"], "999999");
  EXPECT_NE(get("/api/digits", "start=1&count=5").cache_control.find("immutable"),
            std::string::npos);
}

TEST_F(DigitsApiTest, BeyondTheStoredDigitsIs404NamingTheLargestPosition) {
  Response r = get("/api/digits", "start=19999&count=3");
  EXPECT_EQ(r.status, 404);
  const std::string message = body(r)["error"];
  EXPECT_NE(message.find("largest stored position is 20000"), std::string::npos) << message;
  EXPECT_NE(message.find("POST /api/tasks {\"n\": 20001}"), std::string::npos) << message;
  EXPECT_EQ(r.cache_control, "no-store");

  Response beyond_max = get("/api/digits", "start=999999&count=5");
  EXPECT_EQ(beyond_max.status, 404);
  EXPECT_NE(body(beyond_max)["error"].get<std::string>().find("at most 1000000"),
            std::string::npos);
}

TEST_F(DigitsApiTest, BadDigitsParametersAre400) {
  for (const char* query :
       {"", "start=1", "count=5", "start=0&count=5", "start=1&count=0", "start=1&count=10001",
        "start=x&count=5", "start=1&count=5&start=2", "start=1&count=5&format=txt",
        "start=-1&count=5", "start=99999999999999999999999&count=1"}) {
    Response r = get("/api/digits", query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_FALSE(body(r)["error"].get<std::string>().empty()) << query;
  }
  EXPECT_NE(body(get("/api/digits", "start=1&count=5&format=txt"))["error"].get<std::string>().find(
                "unknown parameter \"format\""),
            std::string::npos);
}

TEST_F(DigitsApiTest, SearchAnswersFirstPositions) {
  const std::string& pi = pi_decimals();
  for (std::string q : {"1", "0", "999999", "14159265358979323846", "58209749", "12345", "31415926",
                        "00000000000000000000"}) {
    Response r = get("/api/search", "q=" + q);
    ASSERT_EQ(r.status, 200) << r.body;
    json j = body(r);
    EXPECT_EQ(j["q"], q);
    EXPECT_EQ(j["searched"], 20'000);
    const size_t at = pi.substr(0, 20'000).find(q);
    if (at == std::string::npos) {
      EXPECT_TRUE(j["position"].is_null()) << q;
    } else {
      EXPECT_EQ(j["position"], at + 1) << q;
    }
  }
}

TEST_F(DigitsApiTest, BadSearchQueriesAre400) {
  for (const char* query : {"", "q=", "q=12a", "q=3.14", "q=123456789012345678901", "x=1",
                            "q=1&q=2", "q=1&limit=2", "q=%20"}) {
    Response r = get("/api/search", query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_FALSE(body(r)["error"].get<std::string>().empty()) << query;
  }
}

TEST_F(DigitsApiTest, FindRedirectsToTheWindowStartingAtTheMatch) {
  Response r = get("/find", "q=999999");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), "/pi/20000?from=762");

  Response missing = get("/find", "q=99999999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("do not occur in the first 20,000 decimals"), std::string::npos)
      << missing.body;
  EXPECT_EQ(get("/find", "q=pi").status, 400);
}

TEST_F(DigitsApiTest, OnlyGetAndHead) {
  for (const char* path : {"/api/digits", "/api/search", "/find"}) {
    Response r = get(path, "q=1", "POST");
    EXPECT_EQ(r.status, 405) << path;
    EXPECT_EQ(r.header("Allow"), "GET, HEAD");
  }
}

}  // namespace
}  // namespace pidigits::fcgi
