// GET /metrics: the service's figures in the Prometheus text format, served
// to loopback and PI_METRICS_ALLOW clients only (REMOTE_ADDR, as nginx saw
// it). Every figure is read from Redis, so any pi-fcgi on any host answers
// the same, for the whole service:
//   pidigits_tasks{status}, pidigits_queue_length, pidigits_workers   pi:counts, pi:queue,
//   pi:workers pidigits_tasks_computed_total, pidigits_tasks_failed_total,
//   pidigits_compute_seconds, pidigits_relay_dropped_total             pi:metrics (lifecycle.lua,
//   relays) pidigits_http_requests_total{route,code}, pidigits_http_request_duration_seconds
//   pi:metrics:http (request_metrics.h) pidigits_relay_clients pi:metrics:relay:<id>, summed
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "app.h"
#include "request.h"
#include "response.h"

namespace pidigits::fcgi {

// GET /metrics -> 200 text | 403 | 503
Response metrics_page(const HttpRequest& request, App& app);

// What /metrics shows, as read from Redis.
struct MetricsSnapshot {
  std::map<std::string, std::string> counts;  // pi:counts
  int64_t queue_length = 0;
  int64_t workers = 0;
  std::map<std::string, std::string> service;  // pi:metrics
  std::map<std::string, std::string> http;     // pi:metrics:http
  int64_t relay_clients = 0;
};
// The exposition text of a snapshot. Pure.
std::string render_metrics(const MetricsSnapshot& snapshot);

}  // namespace pidigits::fcgi
