// Every Redis name pidigits uses, one function per name. The C++ side spells
// them only here; redis/lifecycle.lua (the task life cycle, run inside Redis)
// builds the same names from the same prefixes. README.md ("Redis names")
// lists them for redis-cli users.
//
// Lifetimes: nothing expires except worker heartbeats, per-client day counters
// and abandoned staging keys. Tasks and the digits are kept until deleted
// (FCALL pi_delete 0 N; FLUSHDB starts over).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pidigits::keys {

// Hash: one task (fields in task.h: n, id, stage, digit, error, progress, ...).
// Written only by redis/lifecycle.lua's functions (called by pi-fcgi and
// pi-worker); read by pi-fcgi (API, pages). Created atomically with its queue
// entry (HSETNX on "n").
inline std::string task(uint64_t n) { return "pi:task:" + std::to_string(n); }

// Sorted set: member n, score = the task's id (creation order). The task list's
// index, newest first by ZREVRANGEBYSCORE. Written with the task; read by pi-fcgi.
inline std::string_view task_index() { return "pi:tasks"; }

// Sorted set per status (queued, running, done, error, cancelled): member n,
// score its id; the filtered lists. Kept by every transition with pi:counts.
inline std::string task_index(std::string_view status) {
  return "pi:tasks:" + std::string(status);
}

// Hash: status -> number of tasks in it. Kept by every transition.
inline std::string_view counts() { return "pi:counts"; }

// String counter: the last task id handed out (INCR). Written by pi_register.
inline std::string_view next_task_id() { return "pi:next-id"; }

// List of pending n, ordered for fairness between clients (lifecycle.lua
// enqueue()); pi-worker BLMOVEs from the right into its processing list. A task
// returned after a crash or a stop is RPUSHed (taken next).
inline std::string_view queue() { return "pi:queue"; }

// String: the fair queue's virtual clock (the tag of the last task taken).
inline std::string_view queue_clock() { return "pi:queue:clock"; }

// String: how much longer than the engine's model computations really take
// lately (a moving average, lifecycle.lua learn_pace); estimate_ms = model_ms * pace.
inline std::string_view eta_pace() { return "pi:eta:pace"; }

// Set of n: a client's tasks that are queued or running (for
// PI_MAX_QUEUED_PER_CLIENT). Gone when empty. client: the address nginx saw.
inline std::string client_active(std::string_view client) {
  return "pi:client:" + std::string(client) + ":active";
}

// String counter: tasks a client created today (UTC); expires at midnight UTC.
inline std::string client_today(std::string_view client) {
  return "pi:client:" + std::string(client) + ":today";
}

// List: the n a worker is working on (at most one). BLMOVE target; emptied by
// the worker when the task ends, or by the reaper when the worker's heartbeat
// has expired (its n goes back to pi:queue).
inline std::string processing(std::string_view worker) {
  return "pi:processing:" + std::string(worker);
}

// Set of worker ids that may own a processing list. Written by pi-worker
// (SADD at start, SREM at clean stop or by the reaper).
inline std::string_view workers() { return "pi:workers"; }

// String with a TTL: a live worker's heartbeat (value: JSON with pid, host, task).
// Refreshed by the worker; its expiry is what tells the reaper the worker died.
inline std::string heartbeat(std::string_view worker) {
  return "pi:worker:" + std::string(worker);
}

// Pub/sub channel: JSON events {"type":"task","seq":N,"task":{...}} published
// by pi-fcgi and pi-worker at every stage change; pi-relay forwards them to browsers.
inline std::string_view events() { return "pi:events"; }

// Pub/sub channel: the n of each task deleted (pi_delete), also announced on
// pi:events. A done task changes in no other way, so this is all that the
// caches of done tasks in pi-fcgi (fcgi-app/done_tasks.h) need to hear.
inline std::string_view deleted_events() { return "pi:events:deleted"; }

// String counter: sequence number of the last event published on pi:events.
// Browsers use gaps in it to notice missed events and resynchronise.
inline std::string_view event_seq() { return "pi:events:seq"; }

// Strings: "3." and the decimals of the longest pi computed so far, in chunks
// of pi:digits:info's chunk_bytes: chunk 0 is pi:digits, chunk k pi:digits:<k>.
// Only ever extended (pi_store commits staged chunks by RENAME); bytes below
// the length never change. Any shorter n is answered from them.
inline std::string digits_chunk(uint64_t k) {
  return k == 0 ? std::string("pi:digits") : "pi:digits:" + std::to_string(k);
}

// Hash {length, chunk_bytes}: how many bytes the chunks hold. Written with them.
inline std::string_view digits_info() { return "pi:digits:info"; }

// String with a TTL (1 h): chunk k of a result a worker is about to commit.
// Written by the worker (digits.h stage), renamed into place by pi_store.
inline std::string staging(std::string_view worker, uint64_t k) {
  return "pi:staging:" + std::string(worker) + ":" + std::to_string(k);
}

// Set: the staging keys a worker wrote and has not committed yet, so that
// pi_reap and pi_unregister can delete them when the worker is gone.
inline std::string staged(std::string_view worker) {
  return "pi:staged:" + std::string(worker);
}

// Hash: service-wide figures of GET /metrics that no single process knows.
// tasks_computed_total, tasks_failed_total and the compute_seconds histogram
// (compute_seconds_bucket|<le>, _count, _sum) are written inside lifecycle.lua
// (pi_calculated, change_stage), relay_dropped_total by every pi-relay
// (HINCRBY). Read by pi-fcgi's /metrics. Kept until FLUSHDB.
inline std::string_view metrics() { return "pi:metrics"; }

// Hash: HTTP request counts and durations, HINCRBYed about once a second by
// every pi-fcgi process (fcgi-app/request_metrics.h lists the fields).
inline std::string_view metrics_http() { return "pi:metrics:http"; }

// Set of relay ids (host:pid) that report their client count; read by
// /metrics, which drops ids whose count key has expired.
inline std::string_view relays() { return "pi:metrics:relays"; }

// String with a TTL (15 s): the number of WebSocket clients of one pi-relay,
// refreshed every second by it; gone when that relay is.
inline std::string relay_clients(std::string_view relay) {
  return "pi:metrics:relay:" + std::string(relay);
}

}  // namespace pidigits::keys
