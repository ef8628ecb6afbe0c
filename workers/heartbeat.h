// The worker's heartbeat thread: proves this worker alive and reaps dead ones.
//
// Every 2 s it SETs pi:worker:<id> (JSON: pid, host, started_at, task) with a
// 10 s TTL and SADDs the id to pi:workers, in one script. Every ~5 s it runs
// the reaper (scripts.h reap_dead_workers): a worker whose key expired is dead
// and its task goes back to the queue. Every worker runs the reaper; the
// script is atomic, so concurrent runs are harmless.
//
// The thread has its own RedisClient (a client is not thread-safe).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "pidigits/redis.h"

namespace pidigits::worker {

constexpr int64_t kHeartbeatTtlMs = 10'000;
constexpr auto kHeartbeatEvery = std::chrono::seconds(2);
constexpr auto kReapEvery = std::chrono::seconds(5);

// The task a worker is on (0: none), shown in its heartbeat. Written by the
// worker loop, read by the heartbeat thread.
using CurrentTask = std::atomic<uint64_t>;

// Requeues the tasks of dead workers (and of `also_reap` when not empty),
// publishes their events and logs each one. Returns how many were requeued,
// or -1 when Redis failed.
int reap_and_announce(RedisClient& redis, const std::string& also_reap);

class Heartbeat {
 public:
  Heartbeat(RedisAddress address, std::string worker_id, const CurrentTask* current);
  ~Heartbeat();  // stops the thread
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  // One heartbeat now, on the caller's client (start-up, before the thread).
  bool beat(RedisClient& redis);
  void start();
  void stop();
  // True when a heartbeat succeeded recently enough that the key is still
  // there for a while: the worker takes a task only then, so that the reaper
  // never mistakes it for dead while it fills its processing list.
  bool healthy() const;

 private:
  void run();
  std::string payload() const;

  RedisAddress address_;
  const std::string id_;
  const CurrentTask* current_;
  const int64_t started_at_;
  std::atomic<int64_t> last_beat_ms_{0};  // steady clock, ms; 0: never
  std::atomic<bool> warned_{false};

  std::mutex mutex_;  // guards stop_ (with wake_)
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace pidigits::worker
