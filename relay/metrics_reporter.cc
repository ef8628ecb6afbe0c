#include "metrics_reporter.h"

#include <unistd.h>

#include <chrono>
#include <vector>

#include "pidigits/keys.h"
#include "pidigits/log.h"
#include "pidigits/redis.h"

namespace pidigits::relay {
namespace {
constexpr auto kReportEvery = std::chrono::seconds(1);
constexpr int kClientsTtlSeconds = 15;
constexpr auto kRedisTimeout = std::chrono::seconds(2);

std::string relay_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "unknown") + ":" + std::to_string(getpid());
}
}  // namespace

MetricsReporter::MetricsReporter(RedisAddress address, std::function<Figures()> read)
    : address_(std::move(address)), read_(std::move(read)), id_(relay_id()) {}

MetricsReporter::~MetricsReporter() { stop(); }

void MetricsReporter::start() {
  thread_ = std::thread([this] { run(); });
}

void MetricsReporter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MetricsReporter::run() {
  RedisClient redis(address_, kRedisTimeout);
  const std::string key = keys::relay_clients(id_);
  uint64_t reported_dropped = 0;
  bool failing = false;
  for (;;) {
    bool stopping;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, kReportEvery, [this] { return stopping_; });
      stopping = stopping_;
    }
    Figures now = read_();
    std::vector<std::vector<std::string>> commands;
    if (stopping) {
      commands.push_back({"DEL", key});
      commands.push_back({"SREM", std::string(keys::relays()), id_});
    } else {
      commands.push_back(
          {"SET", key, std::to_string(now.clients), "EX", std::to_string(kClientsTtlSeconds)});
      commands.push_back({"SADD", std::string(keys::relays()), id_});
    }
    const uint64_t dropped = now.dropped - reported_dropped;
    if (dropped > 0) {
      commands.push_back({"HINCRBY", std::string(keys::metrics()), "relay_dropped_total",
                          std::to_string(dropped)});
    }
    std::vector<Reply> replies = redis.pipeline(commands);
    if (dropped > 0 && replies.back().ok()) reported_dropped = now.dropped;
    const bool ok = replies.front().ok();
    if (!ok && !failing) log::warn("cannot report metrics to Redis: ", replies.front().error());
    failing = !ok;
    if (stopping) return;
  }
}

}  // namespace pidigits::relay
