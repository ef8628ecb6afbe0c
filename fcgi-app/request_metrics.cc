#include "request_metrics.h"

#include <algorithm>
#include <vector>

#include "metrics_text.h"
#include "pidigits/keys.h"

namespace pidigits::fcgi {

void RequestMetrics::Figures::add(const Figures& other) {
  for (const auto& [field, n] : other.requests) requests[field] += n;
  for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += other.buckets[i];
  count += other.count;
  sum += other.sum;
}

void RequestMetrics::record(std::string_view route, int code, double seconds) {
  std::string field =
      "requests|" + std::to_string(code) + "|" + std::string(route.empty() ? kNoRoute : route);
  // The first bucket the duration fits; past the last, only +Inf (count) holds it.
  size_t bucket = std::lower_bound(kDurationBounds.begin(), kDurationBounds.end(), seconds) -
                  kDurationBounds.begin();
  std::lock_guard lock(mu_);
  ++pending_.requests[field];
  if (bucket < pending_.buckets.size()) ++pending_.buckets[bucket];
  ++pending_.count;
  pending_.sum += seconds;
}

Status RequestMetrics::flush(RedisClient& redis) {
  Figures taken;
  {
    std::lock_guard lock(mu_);
    if (pending_.count == 0) return Status();
    std::swap(taken, pending_);
  }
  const std::string key(keys::metrics_http());
  std::vector<std::vector<std::string>> commands;
  commands.push_back({"MULTI"});
  for (const auto& [field, n] : taken.requests) {
    commands.push_back({"HINCRBY", key, field, std::to_string(n)});
  }
  // Stored cumulative, as Prometheus reads them: each request counts in
  // every bucket whose bound it is under. Every bucket is written (0 too), so
  // /metrics finds the whole set of bounds in the hash.
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kDurationBounds.size(); ++i) {
    cumulative += taken.buckets[i];
    commands.push_back({"HINCRBY", key, "duration_bucket|" + format_value(kDurationBounds[i]),
                        std::to_string(cumulative)});
  }
  commands.push_back({"HINCRBY", key, "duration_count", std::to_string(taken.count)});
  commands.push_back({"HINCRBYFLOAT", key, "duration_sum", format_value(taken.sum)});
  commands.push_back({"EXEC"});
  std::vector<Reply> replies = redis.pipeline(commands);
  const Reply& exec = replies.back();
  if (exec.ok() && !exec.is_nil()) return Status();
  // Nothing was applied (EXEC failed or never ran): keep the figures.
  std::lock_guard lock(mu_);
  pending_.add(taken);
  return exec.ok() ? Status::unavailable("EXEC was aborted") : exec.status();
}

}  // namespace pidigits::fcgi
