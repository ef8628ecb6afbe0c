// The worker's heartbeat thread: proves this worker alive and reaps dead ones.
//
// Every 2 s it SETs pi:worker:<id> (JSON: pid, host, started_at, task) with a
// 10 s TTL and SADDs the id to pi:workers (pi_heartbeat). Every ~5 s it runs
// the reaper (pi_reap): a worker whose key expired is dead and its task goes
// back to the queue. Every worker runs the reaper; pi_reap is atomic, so
// concurrent runs are harmless.
//
// The reaper only judges heartbeats once this worker has been connected for a
// grace period (kReapGrace): after a Redis outage every heartbeat has expired,
// live workers included, and they need a moment to beat again. So an outage
// reaps nobody alive and costs no task an attempt. And a pi_reap that Redis
// runs more than kReapLateMs after it was sent (sent into a stall, run when
// Redis resumed, every heartbeat expired meanwhile) does nothing: it carries
// a deadline in Redis' clock, learnt from each heartbeat's answer.
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
// Two missed heartbeats and a margin: every live worker has beaten by then.
constexpr int64_t kReapGraceMs = 6'000;
constexpr int64_t kReapLateMs = 2'000;

// The task a worker is on (0: none), shown in its heartbeat. Written by the
// worker loop, read by the heartbeat thread.
using CurrentTask = std::atomic<uint64_t>;

// Returns the tasks of `worker` (known to be dead, or this worker's own
// leftovers) to the queue and logs each one. Returns how many were requeued,
// or -1 when Redis failed.
int reap_worker(RedisClient& redis, const std::string& worker);

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
  // Redis' clock minus the steady clock at the last heartbeat, ms.
  std::atomic<int64_t> redis_clock_offset_ms_{0};
  std::atomic<bool> warned_{false};
  // The reaper may judge heartbeats from this time on (steady ms); pushed
  // back by kReapGraceMs whenever a heartbeat succeeds after a failure.
  int64_t reap_after_ms_ = 0;  // thread only

  std::mutex mutex_;  // guards stop_ (with wake_)
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace pidigits::worker
