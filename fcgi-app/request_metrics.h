// HTTP request counts and durations of one pi-fcgi process, added up in
// memory by its request threads and flushed into Redis about once a second
// (HINCRBY in one MULTI/EXEC into pi:metrics:http), so that /metrics on any
// host shows the sum over every pi-fcgi process of the service.
//
// Fields of pi:metrics:http (keys.h metrics_http()):
//   requests|<code>|<route>  requests answered with <code> on <route> (a router pattern)
//   duration_bucket|<le>     requests that took at most <le> seconds (cumulative)
//   duration_count, duration_sum
// A flush that fails (Redis away) keeps its figures for the next one.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "pidigits/redis.h"
#include "pidigits/status.h"

namespace pidigits::fcgi {

// Upper bounds in seconds of the request duration histogram's buckets.
inline constexpr std::array<double, 12> kDurationBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                           0.1,   0.25,   0.5,   1,    2.5,   10};

// The route label of a request no route matched.
inline constexpr std::string_view kNoRoute = "none";

class RequestMetrics {
 public:
  // Any thread. route: the matched pattern ("" for none).
  void record(std::string_view route, int code, double seconds);
  // One thread at a time (the child's main thread). OK when there was nothing to add.
  Status flush(RedisClient& redis);

 private:
  struct Figures {
    std::map<std::string, uint64_t> requests;                // "requests|<code>|<route>" -> count
    std::array<uint64_t, kDurationBounds.size()> buckets{};  // not cumulative here
    uint64_t count = 0;
    double sum = 0;
    void add(const Figures& other);
  };

  std::mutex mu_;
  Figures pending_;  // guarded by mu_
};

}  // namespace pidigits::fcgi
