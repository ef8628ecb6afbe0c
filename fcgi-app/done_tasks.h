// Done tasks, answered without a round trip to Redis.
//
// GET /api/tasks/N, a POST of an n that exists and /pi/N are the requests a
// service of this kind gets most, and for a done task their answer stays the same
// until an operator deletes the task: no transition leaves "stored"
// (redis/lifecycle.lua), and pi_delete announces each deleted n on
// pi:events:deleted. Each pi-fcgi process keeps the JSON of the done tasks it
// has served, and its Subscriber (pidigits/subscriber.h) on that channel drops
// an entry as soon as the task is deleted, from any host. (Not pi:events:
// every process would then read and parse every event of every task.)
//
// When the cache could miss a deletion it serves nothing and forgets all:
//   - while not subscribed (at start, Redis lost: messages would be missed;
//     on a live connection Redis drops none, it closes a subscriber that
//     falls behind);
//   - on a message that is not an n;
//   - an entry older than kMaxAge is read again, which bounds what no message
//     announces (a task edited by hand with redis-cli, FLUSHDB).
// The processes of one host also share a count of the deletions they made
// (share_deletions): a process that sees it move forgets everything, so a
// client that deleted a task is answered 404 by whichever process of that
// host serves its next request, without waiting for the event to arrive.
//
// A read races with the deletions: the answer read from Redis may already be
// stale when it is stored. So a reader takes a Ticket before it reads, and
// put() stores only if no deletion of that n (and no reset) came in between.
// A deletion published before the read but heard after the put removes the
// entry when it is heard. Redis stays the source of truth: restarting the
// process loses nothing.
#pragma once

#include <array>
#include <atomic>
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

  // `deletions` (in memory shared by the processes of this host, set before
  // any other call) counts the deletions any of them made.
  void share_deletions(std::atomic<uint64_t>* deletions) { deletions_ = deletions; }

  // Taken before reading task n from Redis.
  Ticket ticket(uint64_t n);
  // The JSON of task n if it is done and cached; nullptr otherwise.
  Json find(uint64_t n);
  // Task n itself, the same way (for its pages).
  std::shared_ptr<const Task> find_task(uint64_t n);
  // Keeps `json` for `task` if the task is done and nothing changed it since
  // `ticket` was taken.
  void put(const Ticket& ticket, const Task& task, Json json);
  // Forgets task n now (this process just deleted it: the event comes later),
  // and makes the other processes of this host forget everything.
  void forget(uint64_t n);
  // Subscribed: the cache serves, and this process hears Redis go at once. Lock-free.
  bool live() const;

  // EventSink (the subscriber's thread): messages are the n deleted.
  void subscribed(bool after_outage) override;
  void event(std::string_view message) override;
  void lost() override;

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kShards = 1024;  // deletion counters, by n % kShards
  struct Entry {
    Json json;
    std::shared_ptr<const Task> task;
    Clock::time_point stored;
  };
  // The live entry for n, or nullptr.
  const Entry* lookup_locked(uint64_t n);
  void reset_locked(bool live);
  void changed_locked(uint64_t n);
  // Resets if another process of this host deleted a task since the last look.
  void check_deletions_locked();

  std::atomic<uint64_t>* deletions_ = nullptr;
  mutable std::mutex mutex_;
  // Written under mutex_; live() reads it without (healthz asks on every request).
  std::atomic<bool> live_{false};
  // Guarded by mutex_.
  uint64_t epoch_ = 0;  // grows with every reset
  uint64_t deletions_seen_ = 0;
  std::array<uint32_t, kShards> changes_{};
  std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace pidigits::fcgi
