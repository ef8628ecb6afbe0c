// One task, from the moment BLMOVE put its n in this worker's processing list
// to the moment it leaves that list: take, answer from the stored digits or
// compute in a child process (which stages the digits in Redis), store. Every
// change of the task is one call of the life cycle (pidigits/lifecycle.h),
// which publishes its event.
//
//   scheduled --take--> taken --compute--> calculated --store--> stored
//                         |  (or cached: calculated and stored at once)
//                         +--> error (attempts used up, too big, engine refused)
//                         +--> scheduled again (stop requested, compute child crashed)
//
// While computing, the runner asks Redis at least every second whether the
// task is still its own (pi_progress answers 'lost' once it was cancelled,
// deleted or reaped and given to another worker), and kills the computation
// when it is not: a lost task stops within about a second.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "heartbeat.h"
#include "pidigits/lifecycle.h"
#include "pidigits/redis.h"

namespace pidigits::worker {

// A task is taken at most this many times; the next take ends it in error.
// Every take counts except those undone by a requested stop (SIGTERM).
constexpr int kMaxAttempts = 3;

struct WorkerSettings {
  std::string id;  // worker_id.h
  RedisAddress redis;
  uint64_t max_digits = 0;     // PI_MAX_DIGITS
  uint64_t memory_budget = 0;  // bytes one computation may use (PI_WORKER_MEMORY_MB)
  int threads = 1;             // engine threads per computation
  uint64_t chunk_bytes = kDefaultDigitsChunkBytes;  // PI_DIGITS_CHUNK_BYTES
};

class TaskRunner {
 public:
  // `redis` and `current` must outlive the runner; both belong to the loop's thread.
  TaskRunner(RedisClient& redis, const WorkerSettings& settings, CurrentTask* current);

  // Handles n. Never throws: an exception becomes the task's error.
  void run(uint64_t n);

 private:
  void run_unchecked(uint64_t n);
  void compute(uint64_t n);
  // calculated (unless already marked), then stored.
  void store(uint64_t n, const lifecycle::Staged& staged, std::string_view source);
  bool mark_calculated(uint64_t n, std::string_view source, const lifecycle::Usage& usage);
  void fail(uint64_t n, const std::string& message);
  void release(uint64_t n, bool stopped, const std::string& why);
  // Called every ~100 ms while computing: sends progress when it changed
  // (at most every 250 ms) and checks ownership at least every second.
  // Returns true when the computation must stop (a stop request, or lost).
  bool check(uint64_t n);
  // Repeats step() while Redis is out of reach or full, until it succeeds
  // (true), a stop is requested or it fails otherwise (false: the caller gives
  // the task back), pausing between tries; one log line per failing step.
  bool retry(std::string_view what, const std::function<Status()>& step);

  RedisClient& redis_;
  const WorkerSettings& settings_;
  CurrentTask* current_;
  // The task being run.
  int attempt_ = 0;
  int64_t taken_steady_ms_ = 0;
  bool calculated_ = false;  // pi_calculated succeeded
  bool lost_ = false;        // the task is no longer ours
  // Progress: the latest report, what was sent, when (steady ms).
  double progress_ = 0;
  std::string phase_;
  double progress_sent_ = -1;
  int64_t sent_at_ms_ = 0;
};

// The error text for a task that needs more than the budget.
std::string memory_message(uint64_t budget_bytes, uint64_t needed_bytes);

}  // namespace pidigits::worker
