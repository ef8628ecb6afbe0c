#include "heartbeat.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "pidigits/clock.h"
#include "pidigits/lifecycle.h"
#include "pidigits/log.h"
#include "worker_id.h"

namespace pidigits::worker {
namespace {
int log_requeued(const Result<std::vector<lifecycle::Requeued>>& moved) {
  if (!moved.ok()) return -1;
  for (const lifecycle::Requeued& r : *moved) {
    log::warn("requeued task ", r.n, " of dead worker ", r.worker);
  }
  return static_cast<int>(moved->size());
}
}  // namespace

int reap_worker(RedisClient& redis, const std::string& worker) {
  return log_requeued(lifecycle::reap_worker(redis, worker));
}

Heartbeat::Heartbeat(RedisAddress address, std::string worker_id, const CurrentTask* current)
    : address_(std::move(address)),
      id_(std::move(worker_id)),
      current_(current),
      started_at_(now_ms()) {}

Heartbeat::~Heartbeat() { stop(); }

std::string Heartbeat::payload() const {
  uint64_t n = current_->load();
  nlohmann::json json = {{"pid", getpid()},
                         {"host", host_name()},
                         {"started_at", started_at_},
                         {"task", n == 0 ? nlohmann::json(nullptr) : nlohmann::json(n)}};
  return json.dump();
}

bool Heartbeat::beat(RedisClient& redis) {
  auto redis_now = lifecycle::send_heartbeat(redis, id_, payload(), kHeartbeatTtlMs);
  if (!redis_now.ok()) {
    // One line per outage; the client itself logs the connection's loss.
    if (!warned_.exchange(true)) log::warn("heartbeat failed: ", redis_now.status().message());
    return false;
  }
  if (warned_.exchange(false)) log::info("heartbeat restored");
  const int64_t now = steady_ms();
  last_beat_ms_.store(now);
  redis_clock_offset_ms_.store(*redis_now - now);
  return true;
}

bool Heartbeat::healthy() const {
  int64_t last = last_beat_ms_.load();
  // The key lives 10 s; taking a task takes at most the BLMOVE timeout (1 s)
  // plus a reply, so 8 s leaves margin.
  return last != 0 && steady_ms() - last < kHeartbeatTtlMs - 2000;
}

void Heartbeat::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void Heartbeat::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Heartbeat::run() {
  RedisClient redis(address_);
  reap_after_ms_ = steady_ms() + kReapGraceMs;
  auto next_beat = std::chrono::steady_clock::now();
  auto next_reap = next_beat + kReapEvery;
  std::unique_lock lock(mutex_);
  while (!stop_) {
    auto now = std::chrono::steady_clock::now();
    if (now >= next_beat || now >= next_reap) {
      lock.unlock();
      // An exception must not end the thread (std::terminate): log, go on.
      try {
        if (now >= next_beat) {
          next_beat = now + kHeartbeatEvery;
          const bool was_failing = warned_.load();
          if (beat(redis) && was_failing) reap_after_ms_ = steady_ms() + kReapGraceMs;
        }
        if (now >= next_reap) {
          next_reap = now + kReapEvery;
          if (!warned_.load() && steady_ms() >= reap_after_ms_) {
            const int64_t not_after = steady_ms() + redis_clock_offset_ms_.load() + kReapLateMs;
            log_requeued(lifecycle::reap_dead_workers(redis, "", not_after));
          }
        }
      } catch (const std::exception& e) {
        log::error("heartbeat thread: ", e.what());
      }
      lock.lock();
      continue;
    }
    wake_.wait_until(lock, std::min(next_beat, next_reap), [this] { return stop_; });
  }
}

}  // namespace pidigits::worker
