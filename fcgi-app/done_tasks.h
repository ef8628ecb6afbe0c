// Done tasks, answered without a round trip to Redis.
//
// GET /api/tasks/N and a POST of an n that exists are the requests a service
// of this kind gets most, and for a done task their answer stays the same
// until an operator deletes the task: no transition leaves "stored" but
// pi_delete (redis/lifecycle.lua). Each pi-fcgi process keeps the JSON of the
// done tasks it has served, and its Subscriber (pidigits/subscriber.h) drops
// an entry as soon as an event says the task changed, from any host.
//
// When the cache could miss a change it serves nothing and forgets all:
//   - while not subscribed (at start, Redis lost: events would be missed);
//   - after a gap in the events' seq (an event missed, or Redis emptied);
//   - an entry older than kMaxAge is read again, which bounds what no event
//     announces (a task edited by hand with redis-cli).
// A read races with the events: the answer read from Redis may already be
// stale when it is stored. So a reader takes a Ticket before it reads, and
// put() stores only if no event for that n (and no reset) came in between.
// An event published before the read but heard after the put removes the
// entry when it is heard. Redis stays the source of truth: restarting the
// process loses nothing.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "pidigits/subscriber.h"
#include "pidigits/task.h"

namespace pidigits::fcgi {

class DoneTasks : public EventSink {
 public:
  using Json = std::shared_ptr<const std::string>;
  static constexpr auto kMaxAge = std::chrono::seconds(1);
  // Entries per process (a few hundred bytes each); past it, all are dropped.
  static constexpr size_t kMaxEntries = 20000;

  struct Ticket {
    uint64_t epoch = 0;
    uint32_t changes = 0;
  };

  // Taken before reading task n from Redis.
  Ticket ticket(uint64_t n) const;
  // The JSON of task n if it is done and cached; nullptr otherwise.
  Json find(uint64_t n) const;
  // Keeps `json` for `task` if the task is done and nothing changed it since
  // `ticket` was taken.
  void put(const Ticket& ticket, const Task& task, Json json);
  // Forgets task n now (this process just changed it: the event comes later).
  void forget(uint64_t n);
  size_t size() const;
  bool live() const;

  // EventSink (the subscriber's thread).
  void subscribed(bool after_outage) override;
  void event(std::string_view message) override;
  void lost() override;

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kShards = 1024;  // change counters, by n % kShards
  struct Entry {
    Json json;
    Clock::time_point stored;
  };
  void reset_locked(bool live);
  void changed_locked(uint64_t n);

  mutable std::mutex mutex_;
  // Guarded by mutex_.
  bool live_ = false;
  uint64_t epoch_ = 0;    // grows with every reset
  int64_t last_seq_ = -1;  // of the last event heard (-1: none since the reset)
  std::array<uint32_t, kShards> changes_{};
  std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace pidigits::fcgi
