#include "heartbeat.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "pidigits/clock.h"
#include "pidigits/log.h"
#include "pidigits/task_store.h"
#include "scripts.h"
#include "worker_id.h"

namespace pidigits::worker {
namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

int reap_and_announce(RedisClient& redis, const std::string& also_reap) {
  std::string error;
  auto moved = reap_dead_workers(redis, also_reap, now_ms(), &error);
  if (!moved) return -1;
  for (const Requeued& r : *moved) {
    log::warn("requeued task ", r.n, " from dead worker ", r.worker);
    announce_task(redis, r.n);
  }
  return static_cast<int>(moved->size());
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
  std::string error;
  if (!send_heartbeat(redis, id_, payload(), kHeartbeatTtlMs, &error)) {
    // One line per outage; the client itself logs the connection's loss.
    if (!warned_.exchange(true)) log::warn("heartbeat failed: ", error);
    return false;
  }
  if (warned_.exchange(false)) log::info("heartbeat restored");
  last_beat_ms_.store(steady_ms());
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
          beat(redis);
        }
        if (now >= next_reap) {
          next_reap = now + kReapEvery;
          reap_and_announce(redis, "");
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
