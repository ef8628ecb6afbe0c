#include "worker.h"

#include <chrono>
#include <thread>

#include "heartbeat.h"
#include "pidigits/config.h"
#include "pidigits/keys.h"
#include "pidigits/lifecycle.h"
#include "pidigits/log.h"
#include "pidigits/process.h"

namespace pidigits::worker {
namespace {

// BLMOVE's server-side timeout; the client's socket timeout (5 s) is longer.
constexpr const char* kBlockSeconds = "1";
constexpr auto kBackoff = std::chrono::seconds(1);

// Sleeps up to `pause`, returning early on a stop request.
void pause_unless_stopping(std::chrono::milliseconds pause) {
  auto until = std::chrono::steady_clock::now() + pause;
  while (!shutdown_requested() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

struct LoopState {
  bool warned = false;    // a failing BLMOVE was logged
  bool leftover = false;  // our processing list may still hold an n
};

// LLEN of our processing list; -1 when Redis failed.
int64_t processing_length(RedisClient& redis, const std::string& id) {
  Reply reply = redis.command({"LLEN", keys::processing(id)});
  return reply.integer().value_or(-1);
}

// Waits for the next n; 0 when none came (timeout, Redis down, stop).
uint64_t next_task(RedisClient& redis, const std::string& id, LoopState* state) {
  const std::string processing = keys::processing(id);
  // BLMOVE pi:queue pi:processing:<id> RIGHT LEFT 1
  Reply reply =
      redis.command({"BLMOVE", keys::queue(), processing, "RIGHT", "LEFT", kBlockSeconds});
  if (!reply.ok()) {
    // Full (maxmemory): Redis refused the move before making it. Queued tasks
    // wait for room; the running ones finish (their calls are allow-oom).
    const bool full = reply.status().code() == Status::Code::kResourceExhausted;
    if (!state->warned) {
      log::warn("cannot take from ", keys::queue(), ": ", reply.error(),
                full ? "; Redis is full, no new task until it has room" : "; backing off");
    }
    state->warned = true;
    // Otherwise the move may have happened and only its reply been lost (a
    // Redis stall past the timeout, a restart): the n would sit in our list unseen.
    state->leftover = state->leftover || !full;
    pause_unless_stopping(kBackoff);
    return 0;
  }
  state->warned = false;
  if (reply.is_nil()) {
    // Nothing came, so our list should be empty: an n there was moved by an
    // earlier BLMOVE whose reply was lost (sent into a stall of Redis and run
    // when it resumed, after we had given up on it). Handle it now.
    state->leftover = processing_length(redis, id) > 0;
    return 0;
  }
  std::string text = reply.string().value_or("");
  uint64_t n = 0;
  if (parse_uint(text, 1, UINT64_MAX, &n)) return n;
  log::error("dropped a malformed entry '", text, "' from ", keys::queue());
  if (Reply r = redis.command({"LREM", processing, "1", text}); !r.ok()) {
    log::warn("cannot drop it from ", processing, ": ", r.error());
  }
  return 0;
}

// One turn of the loop: clean up, check the heartbeat, take and run one task.
void step(RedisClient& redis, TaskRunner& runner, Heartbeat& heartbeat, const std::string& id,
          LoopState* state) {
  // A task whose last step failed (Redis lost at that moment) would sit in
  // our list forever: the reaper only looks at dead workers. Reap ourselves.
  if (state->leftover) {
    if (reap_worker(redis, id) < 0 || !heartbeat.beat(redis)) {
      pause_unless_stopping(kBackoff);
      return;
    }
    state->leftover = false;
  }
  // Take work only while our heartbeat is surely alive, so that the reaper
  // never sees a processing list whose owner looks dead.
  if (!heartbeat.healthy()) {
    if (!heartbeat.beat(redis)) pause_unless_stopping(kBackoff);
    return;
  }
  uint64_t n = next_task(redis, id, state);
  if (n == 0) return;
  runner.run(n);
  state->leftover = processing_length(redis, id) != 0;
}

}  // namespace

int run_worker(const WorkerSettings& settings) {
  const std::string& id = settings.id;
  log::info("worker ", id, " started (memory budget ", settings.memory_budget >> 20,
            " MiB, threads ", settings.threads, ")");
  RedisClient redis(settings.redis);
  CurrentTask current{0};
  Heartbeat heartbeat(settings.redis, id, &current);

  // Start-up: the library (lifecycle.lua) must be in Redis before the first call.
  while (!shutdown_requested()) {
    Status installed = lifecycle::install(redis, settings.chunk_bytes);
    if (installed.ok()) break;
    log::warn("cannot load the task life cycle into Redis: ", installed.message(), "; retrying");
    pause_unless_stopping(kBackoff);
  }
  heartbeat.beat(redis);
  heartbeat.start();

  TaskRunner runner(redis, settings, &current);
  LoopState state;
  while (!shutdown_requested()) {
    try {
      step(redis, runner, heartbeat, id, &state);
    } catch (const std::exception& e) {
      // Nothing below throws but allocation; never let it end the worker.
      log::error("worker loop: ", e.what());
      state.leftover = true;
      pause_unless_stopping(kBackoff);
    }
  }

  heartbeat.stop();
  // Unregister: SREM pi:workers (with whatever is left in our list, normally
  // nothing, back to the queue), then DEL the heartbeat.
  if (reap_worker(redis, id) < 0 || !lifecycle::unregister_worker(redis, id).ok()) {
    log::warn("cannot unregister (Redis unavailable?); the reaper will once the heartbeat expires");
  }
  log::info("worker ", id, " stopped");
  return 0;
}

}  // namespace pidigits::worker
