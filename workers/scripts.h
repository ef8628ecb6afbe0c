// The worker's Redis steps, each one Lua script so that a task's hash, its
// entry in the worker's processing list, the queue and pi:digits change
// together or not at all (a crash between two commands would otherwise leave a
// task running on nobody, or queued twice).
//
// Every step that changes a task after it was taken checks that the task is
// still this worker's (stage and worker fields): a worker whose heartbeat
// expired (Redis outage, long pause) may have been reaped and its task given to
// another worker; its late writes must not clobber that worker's.
//
// Each function returns nullopt and sets *error when Redis failed (nothing was
// changed in that case: a script runs entirely or not at all).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pidigits/redis.h"

namespace pidigits::worker {

// A task is taken at most this many times; the next take ends it in error.
// Every take counts except those undone by a requested stop (SIGTERM).
constexpr int kMaxAttempts = 3;

enum class TakeStatus {
  kTaken,     // stage taken, ours now
  kMissing,   // no task hash for this n (an operator deleted it): dropped
  kFinished,  // already stored or error (duplicate queue entry): dropped
  kBusy,      // another live worker has it (duplicate queue entry): dropped
  kGaveUp,    // attempts used up: stage error
};

struct TakeResult {
  TakeStatus status = TakeStatus::kMissing;
  int attempts = 0;
  bool cached = false;  // pi:digits already holds n decimals
  std::string detail;   // kFinished: the stage; kBusy: the worker; kGaveUp: the message
};

// Moves stage scheduled -> taken (attempts + 1), unless one of the other cases
// applies. Every case but kTaken removes n from our processing list.
std::optional<TakeResult> take_task(RedisClient& redis, const std::string& worker, uint64_t n,
                                    int64_t now, std::string* error);

// taken -> calculated with source "computed" or "cached". false: not ours anymore.
std::optional<bool> mark_calculated(RedisClient& redis, const std::string& worker, uint64_t n,
                                    const std::string& source, int64_t now, std::string* error);

enum class StoreStatus {
  kStored,  // stage stored, digit set, n out of our processing list
  kLost,    // not ours anymore (the digits were still kept if longer)
  kShort,   // cached answer but pi:digits no longer holds n decimals
};

struct StoreResult {
  StoreStatus status = StoreStatus::kLost;
  int digit = -1;
};

// calculated -> stored. `digits` is "3." + the decimals computed, or empty to
// answer from pi:digits. pi:digits is replaced only by a longer string.
std::optional<StoreResult> store_result(RedisClient& redis, const std::string& worker, uint64_t n,
                                        const std::string& digits, int64_t now, std::string* error);

// HSET progress/phase/updated_at while taken. false: not ours anymore.
std::optional<bool> set_progress(RedisClient& redis, const std::string& worker, uint64_t n,
                                 double progress, const std::string& phase, int64_t now,
                                 std::string* error);

// Ends the task in error with `message` and drops it from our processing list.
// false: not ours anymore (nothing changed but the processing list).
std::optional<bool> fail_task(RedisClient& redis, const std::string& worker, uint64_t n,
                              const std::string& message, int64_t now, std::string* error);

enum class ReleaseStatus {
  kRequeued,  // back in pi:queue at the taking end, stage scheduled
  kGaveUp,    // crash with attempts used up: stage error with the message
  kDropped,   // it was finished or had no hash: just removed from processing
  kLost,      // it was not in our processing list (reaped): nothing done
};

// Returns n from our processing list to the queue. `stopped`: a requested
// stop, which gives the attempt back; otherwise a crash, which keeps it and,
// when attempts are used up, ends the task with `crash_message`.
std::optional<ReleaseStatus> release_task(RedisClient& redis, const std::string& worker, uint64_t n,
                                          bool stopped, const std::string& crash_message,
                                          int64_t now, std::string* error);

// SET pi:worker:<id> (JSON, PX ttl_ms) and SADD pi:workers id, together.
bool send_heartbeat(RedisClient& redis, const std::string& worker, const std::string& json,
                    int64_t ttl_ms, std::string* error);

// SREM pi:workers id and DEL pi:worker:<id> (clean stop).
bool unregister_worker(RedisClient& redis, const std::string& worker, std::string* error);

struct Requeued {
  std::string worker;  // the dead worker
  uint64_t n = 0;
};

// The reaper: every member of pi:workers without a heartbeat key (and
// `also_reap`, when not empty, alive or not: a worker starting with the id of
// a dead one) has its processing list returned to pi:queue at the taking end,
// those of its tasks it had taken set to scheduled (attempts kept: the crash
// counts; entries of tasks running on another worker are dropped), the list
// deleted and the id removed. Safe to run concurrently (one script).
std::optional<std::vector<Requeued>> reap_dead_workers(RedisClient& redis,
                                                       const std::string& also_reap, int64_t now,
                                                       std::string* error);

}  // namespace pidigits::worker
