#include "metrics_endpoint.h"

#include <algorithm>
#include <vector>

#include "metrics_text.h"
#include "pages.h"
#include "pidigits/address.h"
#include "pidigits/keys.h"
#include "pidigits/lifecycle.h"
#include "validation.h"

namespace pidigits::fcgi {
namespace {
double number(const std::map<std::string, std::string>& hash, const std::string& field) {
  auto found = hash.find(field);
  if (found == hash.end()) return 0;
  char* end = nullptr;
  double value = std::strtod(found->second.c_str(), &end);
  return end != found->second.c_str() ? value : 0;
}

// The histogram kept in `hash` as <name>_bucket|<le> (cumulative), <name>_count
// and <name>_sum; bounds are those found, in ascending order.
Histogram histogram_of(const std::map<std::string, std::string>& hash, const std::string& name) {
  const std::string prefix = name + "_bucket|";
  std::vector<std::pair<double, uint64_t>> buckets;
  for (auto it = hash.lower_bound(prefix); it != hash.end() && it->first.starts_with(prefix);
       ++it) {
    char* end = nullptr;
    const char* le = it->first.c_str() + prefix.size();
    double bound = std::strtod(le, &end);
    if (end == le || *end != '\0') continue;
    buckets.emplace_back(bound, static_cast<uint64_t>(number(hash, it->first)));
  }
  std::sort(buckets.begin(), buckets.end());
  Histogram h;
  for (const auto& [bound, count] : buckets) {
    h.bounds.push_back(bound);
    h.counts.push_back(count);
  }
  h.count = static_cast<uint64_t>(number(hash, name + "_count"));
  h.sum = number(hash, name + "_sum");
  return h;
}

std::map<std::string, std::string> hash_of(const Reply& reply) {
  std::vector<std::string> flat = reply.strings();
  std::map<std::string, std::string> hash;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) hash[flat[i]] = flat[i + 1];
  return hash;
}

Result<MetricsSnapshot> read_snapshot(RedisClient& redis) {
  std::vector<Reply> replies = redis.pipeline({
      {"HGETALL", std::string(keys::counts())},
      {"LLEN", std::string(keys::queue())},
      {"SCARD", std::string(keys::workers())},
      {"HGETALL", std::string(keys::metrics())},
      {"HGETALL", std::string(keys::metrics_http())},
      {"SMEMBERS", std::string(keys::relays())},
  });
  for (const Reply& reply : replies) {
    if (!reply.ok()) return reply.status();
  }
  MetricsSnapshot s;
  s.counts = hash_of(replies[0]);
  s.queue_length = replies[1].integer().value_or(0);
  s.workers = replies[2].integer().value_or(0);
  s.service = hash_of(replies[3]);
  s.http = hash_of(replies[4]);
  std::vector<std::string> relays = replies[5].strings();
  if (relays.empty()) return s;
  std::vector<std::string> mget = {"MGET"};
  for (const std::string& id : relays) mget.push_back(keys::relay_clients(id));
  Reply counts = redis.command(mget);
  if (!counts.ok()) return counts.status();
  std::vector<std::string> values = counts.strings();
  // A relay whose count expired is gone: forget it (its count is 0 anyway).
  std::vector<std::string> gone = {"SREM", std::string(keys::relays())};
  for (size_t i = 0; i < values.size() && i < relays.size(); ++i) {
    uint64_t clients = 0;
    if (values[i].empty()) gone.push_back(relays[i]);
    if (parse_uint(values[i], 0, UINT32_MAX, &clients)) s.relay_clients += clients;
  }
  if (gone.size() > 2) redis.command(gone);
  return s;
}
}  // namespace

std::string render_metrics(const MetricsSnapshot& s) {
  MetricsText m;
  m.family("pidigits_tasks", "gauge", "Tasks per status.");
  for (std::string_view status : lifecycle::kStatuses) {
    m.sample("pidigits_tasks", {{"status", std::string(status)}},
             number(s.counts, std::string(status)));
  }
  m.family("pidigits_queue_length", "gauge", "Tasks waiting in pi:queue for a worker.");
  m.sample("pidigits_queue_length", static_cast<double>(s.queue_length));
  m.family("pidigits_workers", "gauge", "Workers registered in pi:workers.");
  m.sample("pidigits_workers", static_cast<double>(s.workers));
  m.family("pidigits_compute_seconds", "histogram",
           "Wall time from taken to calculated of tasks computed by a worker.");
  m.histogram("pidigits_compute_seconds", histogram_of(s.service, "compute_seconds"));
  m.family("pidigits_tasks_computed_total", "counter", "Tasks whose digits a worker computed.");
  m.sample("pidigits_tasks_computed_total", number(s.service, "tasks_computed_total"));
  m.family("pidigits_tasks_failed_total", "counter", "Tasks that ended in error.");
  m.sample("pidigits_tasks_failed_total", number(s.service, "tasks_failed_total"));

  m.family("pidigits_http_requests_total", "counter",
           "HTTP requests answered by pi-fcgi, by route pattern and status code.");
  constexpr std::string_view kRequests = "requests|";
  for (const auto& [field, value] : s.http) {
    if (!field.starts_with(kRequests)) continue;
    std::string_view rest = std::string_view(field).substr(kRequests.size());
    size_t bar = rest.find('|');
    if (bar == std::string_view::npos) continue;
    m.sample(
        "pidigits_http_requests_total",
        {{"route", std::string(rest.substr(bar + 1))}, {"code", std::string(rest.substr(0, bar))}},
        number(s.http, field));
  }
  m.family("pidigits_http_request_duration_seconds", "histogram",
           "Time pi-fcgi took to answer HTTP requests.");
  m.histogram("pidigits_http_request_duration_seconds", histogram_of(s.http, "duration"));

  m.family("pidigits_relay_clients", "gauge", "WebSocket clients of all relays.");
  m.sample("pidigits_relay_clients", static_cast<double>(s.relay_clients));
  m.family("pidigits_relay_dropped_total", "counter",
           "WebSocket clients dropped because they did not keep up.");
  m.sample("pidigits_relay_dropped_total", number(s.service, "relay_dropped_total"));
  return m.text();
}

// GET /metrics -> 200 text | 403 | 503
Response metrics_page(const HttpRequest& request, App& app) {
  if (!is_loopback(request.client) && !app.config.metrics_allow.contains(request.client)) {
    return json_error(403,
                      "metrics are served to loopback and PI_METRICS_ALLOW addresses only, "
                      "not to " +
                          quote_for_message(request.client));
  }
  auto snapshot = read_snapshot(app.redis);
  if (!snapshot.ok()) return redis_unavailable_json("metrics", snapshot.status().message());
  Response response;
  response.content_type = std::string(kMetricsContentType);
  response.body = render_metrics(*snapshot);
  return response;
}

}  // namespace pidigits::fcgi
