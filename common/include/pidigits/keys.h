// Every Redis name pidigits uses, one function per name. This is the only place
// that spells them; README.md ("Redis names") lists the same for redis-cli users.
//
// Lifetimes: nothing expires except worker heartbeats. Tasks and the digits are
// kept until an operator deletes them (FLUSHDB starts over).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pidigits::keys {

// Hash: one task (fields in task.h: n, id, stage, digit, error, progress, ...).
// Written by pi-fcgi (registration) and pi-worker (every later stage); read by
// pi-fcgi (API, pages). Created atomically with its queue entry (HSETNX on "n").
inline std::string task(uint64_t n) { return "pi:task:" + std::to_string(n); }

// Sorted set: member n, score = the task's id (creation order). The task list's
// index, newest first by ZREVRANGEBYSCORE. Written with the task; read by pi-fcgi.
inline std::string_view task_index() { return "pi:tasks"; }

// String counter: the last task id handed out (INCR). Written by pi-fcgi.
inline std::string_view next_task_id() { return "pi:next-id"; }

// List of pending n. pi-fcgi LPUSHes; pi-worker BLMOVEs from the right into its
// processing list. A task returned after a crash or a stop is RPUSHed (taken next).
inline std::string_view queue() { return "pi:queue"; }

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

// String counter: sequence number of the last event published on pi:events.
// Browsers use gaps in it to notice missed events and resynchronise.
inline std::string_view event_seq() { return "pi:events:seq"; }

// String: "3." and the decimals of the longest pi computed so far. Only ever
// replaced by a longer one (workers, by script). Any shorter n is answered from it.
inline std::string_view digits() { return "pi:digits"; }

}  // namespace pidigits::keys
