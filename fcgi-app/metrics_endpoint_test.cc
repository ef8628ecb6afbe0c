// GET /metrics: who may read it, and what it shows, from a real Redis.
#include "metrics_endpoint.h"

#include <gtest/gtest.h>

#include "pidigits/keys.h"
#include "request_metrics.h"
#include "router.h"
#include "testing/app_test.h"

namespace pidigits::fcgi {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(RenderMetrics, ShowsEveryFamilyWithZerosWhenNothingHappened) {
  std::string text = render_metrics(MetricsSnapshot{});
  for (const char* line :
       {"pidigits_tasks{status=\"queued\"} 0", "pidigits_tasks{status=\"cancelled\"} 0",
        "pidigits_queue_length 0", "pidigits_workers 0",
        "pidigits_compute_seconds_bucket{le=\"+Inf\"} 0", "pidigits_compute_seconds_count 0",
        "pidigits_tasks_computed_total 0", "pidigits_tasks_failed_total 0",
        "# TYPE pidigits_http_requests_total counter",
        "pidigits_http_request_duration_seconds_count 0", "pidigits_relay_clients 0",
        "pidigits_relay_dropped_total 0"}) {
    EXPECT_TRUE(has_line(text, line)) << line << "\n" << text;
  }
}

TEST(RenderMetrics, ReadsHistogramsAndRequestLabelsFromTheHashes) {
  MetricsSnapshot s;
  s.counts = {{"done", "4"}, {"queued", "2"}};
  s.queue_length = 2;
  s.workers = 3;
  s.service = {{"compute_seconds_bucket|10", "3"}, {"compute_seconds_bucket|0.1", "1"},
               {"compute_seconds_bucket|1", "2"},  {"compute_seconds_count", "4"},
               {"compute_seconds_sum", "31.5"},    {"tasks_computed_total", "4"},
               {"relay_dropped_total", "2"}};
  s.http = {{"requests|201|/api/tasks", "5"}, {"requests|404|none", "1"}};
  s.relay_clients = 7;
  std::string text = render_metrics(s);
  for (const char* line :
       {"pidigits_tasks{status=\"done\"} 4", "pidigits_tasks{status=\"queued\"} 2",
        "pidigits_tasks{status=\"error\"} 0", "pidigits_queue_length 2", "pidigits_workers 3",
        "pidigits_compute_seconds_bucket{le=\"0.1\"} 1\n"
        "pidigits_compute_seconds_bucket{le=\"1\"} 2\n"
        "pidigits_compute_seconds_bucket{le=\"10\"} 3\n"
        "pidigits_compute_seconds_bucket{le=\"+Inf\"} 4\n"
        "pidigits_compute_seconds_sum 31.5\n"
        "pidigits_compute_seconds_count 4",
        "pidigits_http_requests_total{route=\"/api/tasks\",code=\"201\"} 5",
        "pidigits_http_requests_total{route=\"none\",code=\"404\"} 1", "pidigits_relay_clients 7",
        "pidigits_relay_dropped_total 2"}) {
    EXPECT_TRUE(has_line(text, line)) << line << "\n" << text;
  }
}

class MetricsEndpointTest : public testing::AppTest {
 protected:
  Response get(std::string client) {
    HttpRequest request;
    request.method = "GET";
    request.path = "/metrics";
    request.client = std::move(client);
    return route_request(request);
  }
};

TEST_F(MetricsEndpointTest, OnlyLoopbackAndAllowedAddressesMayRead) {
  EXPECT_EQ(get("127.0.0.1").status, 200);
  EXPECT_EQ(get("::1").status, 200);
  Response refused = get("10.1.2.3");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.content_type, "application/json; charset=utf-8");
  EXPECT_NE(refused.body.find("PI_METRICS_ALLOW"), std::string::npos) << refused.body;
  EXPECT_EQ(get("").status, 403);
  EXPECT_EQ(get("unix:").status, 403);
  config_.metrics_allow = *AddressList::parse("10.0.0.0/8");
  EXPECT_EQ(get("10.1.2.3").status, 200);
  EXPECT_EQ(get("11.1.2.3").status, 403);
}

TEST_F(MetricsEndpointTest, ShowsTheFiguresInRedis) {
  lifecycle::Admission admission;
  admission.client = "127.0.0.1";
  admission.max_queue = 10;
  auto answer = lifecycle::register_task(*redis_, 7, "", admission);
  ASSERT_TRUE(answer.ok() && answer->outcome == lifecycle::Outcome::kCreated);
  Response r = get("127.0.0.1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_TRUE(has_line(r.body, "pidigits_tasks{status=\"queued\"} 1")) << r.body;
  EXPECT_TRUE(has_line(r.body, "pidigits_queue_length 1")) << r.body;
}

TEST_F(MetricsEndpointTest, RequestFiguresOfSeveralProcessesAddUp) {
  RequestMetrics one, two;
  one.record("/api/tasks", 201, 0.003);
  one.record("/api/tasks", 201, 0.2);
  two.record("/api/tasks", 201, 0.004);
  two.record("", 404, 20);
  ASSERT_TRUE(one.flush(*redis_).ok());
  ASSERT_TRUE(two.flush(*redis_).ok());
  ASSERT_TRUE(two.flush(*redis_).ok());  // nothing new: adds nothing
  std::string text = get("127.0.0.1").body;
  for (const char* line : {"pidigits_http_requests_total{route=\"/api/tasks\",code=\"201\"} 3",
                           "pidigits_http_requests_total{route=\"none\",code=\"404\"} 1",
                           "pidigits_http_request_duration_seconds_bucket{le=\"0.001\"} 0",
                           "pidigits_http_request_duration_seconds_bucket{le=\"0.005\"} 2",
                           "pidigits_http_request_duration_seconds_bucket{le=\"0.25\"} 3",
                           "pidigits_http_request_duration_seconds_bucket{le=\"10\"} 3",
                           "pidigits_http_request_duration_seconds_bucket{le=\"+Inf\"} 4",
                           "pidigits_http_request_duration_seconds_count 4"}) {
    EXPECT_TRUE(has_line(text, line)) << line << "\n" << text;
  }
}

TEST_F(MetricsEndpointTest, AFailedFlushKeepsItsFiguresForTheNext) {
  RequestMetrics metrics;
  metrics.record("/", 200, 0.01);
  RedisClient nowhere(RedisAddress("127.0.0.1", testing::spare_port()),
                      std::chrono::milliseconds(200));
  EXPECT_FALSE(metrics.flush(nowhere).ok());
  ASSERT_TRUE(metrics.flush(*redis_).ok());
  EXPECT_TRUE(
      has_line(get("127.0.0.1").body, "pidigits_http_requests_total{route=\"/\",code=\"200\"} 1"));
}

TEST_F(MetricsEndpointTest, RelayClientCountsAreSummedAndExpiredRelaysForgotten) {
  ASSERT_TRUE(redis_->command({"SET", keys::relay_clients("a:1"), "3", "EX", "15"}).ok());
  ASSERT_TRUE(redis_->command({"SET", keys::relay_clients("b:2"), "4", "EX", "15"}).ok());
  ASSERT_TRUE(redis_->command({"SADD", keys::relays(), "a:1", "b:2", "gone:3"}).ok());
  EXPECT_TRUE(has_line(get("127.0.0.1").body, "pidigits_relay_clients 7"));
  EXPECT_EQ(integer({"SISMEMBER", keys::relays(), "gone:3"}), 0);
  EXPECT_EQ(integer({"SCARD", keys::relays()}), 2);
}

}  // namespace
}  // namespace pidigits::fcgi
