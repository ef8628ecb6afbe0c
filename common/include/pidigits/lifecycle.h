// The task life cycle, from C++: one typed function per transition of
// redis/lifecycle.lua (the Redis FUNCTION library "pidigits", the one place
// where a task's stage changes; its opening comment has the state table).
// Each transition changes the task, bumps its version and publishes its event
// in one atomic call, or changes nothing.
//
// Every function returns a Result: kUnavailable when Redis cannot be reached
// (nothing is known to have changed), kResourceExhausted when Redis is full
// (maxmemory: nothing was written), kInternal for an unexpected reply. The
// library is loaded by install() at start-up, and again by any call that finds
// it missing (a Redis restarted without its data, a FLUSHALL).
//
// Not thread-safe beyond RedisClient's rule: one client per thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pidigits/redis.h"
#include "pidigits/status.h"
#include "pidigits/task.h"

namespace pidigits::lifecycle {

// The library's source (redis/lifecycle.lua, embedded by the build).
std::string_view library_source();

// FUNCTION LOAD REPLACE, then pi_upgrade (data of older versions: per-status
// counts, chunked digits with chunk_bytes). Every process calls it at start.
// A full Redis refuses the load (OOM); that is fine when it already holds this
// version of the library, so that a process restarted then still starts.
Status install(RedisClient& redis, uint64_t chunk_bytes);

// ---- pi-fcgi ----------------------------------------------------------------

// Who asks to queue a task, and the limits that apply (0: no limit for
// max_active and max_per_day).
struct Admission {
  std::string client;        // the address nginx saw
  bool fits_memory = true;   // the engine's estimate fits a worker's budget
  uint64_t max_queue = 0;    // PI_MAX_QUEUE
  uint64_t max_active = 0;   // PI_MAX_QUEUED_PER_CLIENT
  uint64_t max_per_day = 0;  // PI_MAX_TASKS_PER_CLIENT_DAY
  int64_t estimate_ms = 0;   // the engine model's compute time for n
};

enum class Outcome {
  kCreated,     // new task, queued
  kCached,      // new (or retried) task answered from the stored digits: stored
  kExisting,    // register: a task for n exists; nothing written
  kQueued,      // retry: queued again
  kNotFound,    // retry, cancel: no task for n
  kForbidden,   // cancel: neither the owner nor an operator
  kConflict,    // cancel, retry: not in a stage that allows it (status says which)
  kTooBig,      // needs more memory than a worker may use; nothing written
  kQueueFull,   // PI_MAX_QUEUE tasks waiting (limit); nothing written
  kClientFull,  // the client has `limit` tasks queued or running; nothing written
  kDayFull,     // the client created `limit` tasks today; retry_after_s; nothing written
};

struct Answer {
  Outcome outcome = Outcome::kNotFound;
  Task task;               // kCreated, kCached, kExisting, kQueued
  std::string status;      // kConflict: the task's status
  uint64_t limit = 0;      // kQueueFull, kClientFull, kDayFull
  int64_t retry_after_s = 0;  // kDayFull: until the client's day ends (UTC)
};

// pi_register: kCreated | kCached | kExisting | kTooBig | kQueueFull
// | kClientFull | kDayFull. `owner` is the creator's token (may cancel).
Result<Answer> register_task(RedisClient& redis, uint64_t n, std::string_view owner,
                             const Admission& admission);
// pi_retry: kQueued | kCached | kNotFound | kConflict | refusals as register.
Result<Answer> retry_task(RedisClient& redis, uint64_t n, const Admission& admission);
enum class CancelOutcome { kCancelled, kNotFound, kForbidden, kConflict };
struct Cancellation {
  CancelOutcome outcome = CancelOutcome::kNotFound;
  Task task;           // kCancelled
  std::string status;  // kConflict: the task's status
};
// pi_cancel. admin: an operator (any task); otherwise owner must match.
Result<Cancellation> cancel_task(RedisClient& redis, uint64_t n, std::string_view owner,
                                 bool admin);
// pi_delete. false: there was no task for n.
Result<bool> delete_task(RedisClient& redis, uint64_t n);

// ---- reads (work while Redis is full) ----------------------------------------

// pi_get. nullopt: no task for n.
Result<std::optional<Task>> get_task(RedisClient& redis, uint64_t n);

inline constexpr std::string_view kStatuses[] = {"queued", "running", "done", "error",
                                                 "cancelled"};

// One version of one task in a list: what a rendered text of it is cached under
// (a task's every change bumps its version; a task deleted and created again
// has a new id).
struct TaskRef {
  uint64_t n = 0;
  uint64_t id = 0;
  uint64_t version = 0;
  Stage stage = Stage::kRegistered;
  // Queued and running tasks show more than their version (queue position,
  // time estimate), so their texts are not cached.
  bool active() const;
};

struct TaskPage {
  std::vector<TaskRef> tasks;  // newest first
  int64_t seq = 0;             // pi:events:seq read with the tasks
  uint64_t next_before = 0;    // id for the next page; 0: no more
  std::map<std::string, int64_t> counts;  // tasks per status (all of kStatuses)
  // known_seq is still pi:events:seq: the caller's listing is current, and
  // nothing above but seq is filled.
  bool unchanged = false;
};

// pi_list. status: "" (all) or one of kStatuses; before: a task id (0: newest).
// known_seq: the seq of a listing of the same query the caller has (0: none).
Result<TaskPage> list_tasks(RedisClient& redis, std::string_view status, uint64_t before,
                            uint64_t limit, int64_t known_seq = 0);

// pi_get_many: the tasks ns, in order; nullopt for one that is gone.
Result<std::vector<std::optional<Task>>> get_tasks(RedisClient& redis,
                                                   const std::vector<uint64_t>& ns);

// pi:digits:info (digits.h reads and stages the digits themselves).
struct DigitsInfo {
  uint64_t length = 0;       // bytes stored: "3." + decimals (0: nothing)
  uint64_t chunk_bytes = 0;  // 0 while nothing is stored
  uint64_t decimals() const { return length > 2 ? length - 2 : 0; }
};
Result<DigitsInfo> digits_info(RedisClient& redis);

struct Health {
  int64_t queue = 0;
  int64_t workers = 0;
  int64_t digits = 0;  // stored decimals
};
Result<Health> health(RedisClient& redis);

// ---- pi-worker ----------------------------------------------------------------

enum class TakeOutcome {
  kTaken,      // stage taken, ours
  kNotListed,  // n is not in our processing list (reaped while BLMOVE's reply was late)
  kMissing,    // no task (deleted): dropped from our list
  kFinished,   // done, error or cancelled (detail: the stage): dropped
  kBusy,       // running on another live worker (detail: which): dropped
  kGaveUp,     // attempts used up: stage error (detail: the message)
};
struct Take {
  TakeOutcome outcome = TakeOutcome::kMissing;
  int attempts = 0;
  bool cached = false;  // the stored digits already hold n decimals
  std::string detail;
};
Result<Take> take_task(RedisClient& redis, std::string_view worker, uint64_t n, int max_attempts,
                       int64_t estimate_ms);

// pi_progress: false when the task is no longer ours (cancelled, deleted,
// reaped): stop computing it. Unchanged values write and publish nothing.
Result<bool> report_progress(RedisClient& redis, std::string_view worker, uint64_t n,
                             double progress, std::string_view phase);

struct Usage {
  int64_t cpu_ms = -1;  // -1: unknown
  int64_t peak_rss_bytes = -1;
};
// pi_calculated. false: not ours any more.
Result<bool> mark_calculated(RedisClient& redis, std::string_view worker, uint64_t n,
                             std::string_view source, const Usage& usage);

enum class StoreOutcome { kStored, kLost, kShort };
struct Store {
  StoreOutcome outcome = StoreOutcome::kLost;
  int digit = -1;
};
// The digits a worker staged (digits.h stage_digits), to be committed.
struct Staged {
  uint64_t length = 0;  // "3." + decimals; 0: nothing staged (answer from the stored digits)
  uint64_t chunk_bytes = 0;
  uint64_t first_chunk = 0;
};
// pi_store: commits the staged digits if longer than the stored ones (even
// when the task is no longer ours), then calculated -> stored.
Result<Store> store_result(RedisClient& redis, std::string_view worker, uint64_t n,
                           const Staged& staged);

// pi_stage: appends piece to chunk k of worker's staged digits (first: the
// chunk's first piece, replacing an older staging); works on a full Redis.
Status stage_piece(RedisClient& redis, std::string_view worker, uint64_t k,
                   std::string_view piece, bool first);

// pi_fail. false: not ours any more (nothing changed but our processing list).
Result<bool> fail_task(RedisClient& redis, std::string_view worker, uint64_t n,
                       std::string_view message);

enum class Release { kRequeued, kGaveUp, kDropped, kLost };
// pi_release. stopped: a requested stop (the attempt is given back); else a
// crash (kept; with attempts used up the task ends with crash_message).
Result<Release> release_task(RedisClient& redis, std::string_view worker, uint64_t n, bool stopped,
                             int max_attempts, std::string_view crash_message);

struct Requeued {
  std::string worker;
  uint64_t n = 0;
};
// pi_reap: the tasks of workers whose heartbeat expired, and of also_reap
// (a worker known to be dead, whatever its heartbeat says).
// With not_after_ms (Redis' clock) it does nothing when Redis runs it later
// than that: a call delayed by a stall of Redis would judge heartbeats that
// expired during the stall.
Result<std::vector<Requeued>> reap_dead_workers(RedisClient& redis, std::string_view also_reap,
                                                int64_t not_after_ms = 0);
// pi_reap of also_reap alone (a dead child's master, a worker's own leftovers):
// judges no heartbeats, so it is safe right after Redis came back.
Result<std::vector<Requeued>> reap_worker(RedisClient& redis, std::string_view worker);

// pi_heartbeat; the answer is Redis' clock (ms) when it ran.
Result<int64_t> send_heartbeat(RedisClient& redis, std::string_view worker,
                               std::string_view json, int64_t ttl_ms);
Status unregister_worker(RedisClient& redis, std::string_view worker);

// ---- reading replies ------------------------------------------------------------

// A task as the library returns it: {<hash...>, position|nil, ahead_ms|nil}.
std::optional<Task> task_from_reply(const redisReply* reply);

}  // namespace pidigits::lifecycle
