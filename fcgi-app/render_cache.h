// Text pi-fcgi has rendered and may serve again without rendering: only what
// cannot change under its key, so that a cached answer is always the answer
// a fresh render would give.
//   - A task's JSON and its table row, keyed by n, id and version: every
//     write of a task increments its version, and a task deleted and created
//     again gets a new id.
//   - A window of digits, keyed by n and the window's first decimal: the
//     digits of pi never change.
//   - A whole page, keyed by everything it shows: a digits page by n, its
//     window and the task's version; a listing (the index page, GET
//     /api/tasks) by its query and the events' sequence number, which every
//     change of any task moves (Listings).
// One set per pi-fcgi process, shared by its request threads; bounded in
// bytes, least recently used entries leave first. Values are shared, so a
// hit copies a pointer under the lock, never the text.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "done_tasks.h"
#include "pidigits/task.h"

namespace pidigits::fcgi {

// Per process: room for the JSON and rows of a few thousand tasks and a few
// hundred windows of digits; and apart, so that pages changing with every
// event cannot push those out, for a few hundred pages.
inline constexpr size_t kRenderCacheBytes = 32 << 20;
inline constexpr size_t kPageCacheBytes = 16 << 20;

using CachedText = std::shared_ptr<const std::string>;

class RenderCache {
 public:
  explicit RenderCache(size_t max_bytes = kRenderCacheBytes) : max_bytes_(max_bytes) {}
  RenderCache(const RenderCache&) = delete;
  RenderCache& operator=(const RenderCache&) = delete;

  // nullptr when absent. Thread-safe.
  CachedText find(const std::string& key);
  // Stores `text` under `key` (replacing any) and returns it. A text larger
  // than the whole budget is returned but not kept. Thread-safe.
  CachedText put(const std::string& key, std::string text);

  size_t bytes() const;
  size_t entries() const;

 private:
  using Entry = std::pair<std::string, CachedText>;
  void evict_locked();

  const size_t max_bytes_;
  mutable std::mutex mutex_;
  // Guarded by mutex_: entries, most recently used first; key -> entry; sum
  // of key and text sizes.
  std::list<Entry> order_;
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
};

class SearchIndex;  // search_index.h
// A new, empty SearchIndex. Made in search_index.cc: the shared_ptr's deleter
// is bound there, so that this header needs the class's name only.
std::shared_ptr<SearchIndex> new_search_index();

// The answer of GET /healthz, read from Redis at most every kMaxAge per
// process: load balancers polling every process add no load. A failed read is
// never kept, and healthz (api.cc) reads Redis again whenever the process's
// subscription is down (DoneTasks::live), so an outage shows at once.
class HealthCache {
 public:
  static constexpr auto kMaxAge = std::chrono::milliseconds(250);
  // nullptr when absent or older than kMaxAge. Thread-safe.
  CachedText find() const;
  void put(CachedText body);

 private:
  mutable std::mutex mutex_;
  CachedText body_;  // guarded by mutex_, like stored_
  std::chrono::steady_clock::time_point stored_{};
};

// The latest rendering of each listing query (the index page or GET
// /api/tasks with one filter, page and limit) and the pi:events:seq it shows.
// Every change of any task moves seq, so pi_list, given that seq, answers
// "unchanged" at the cost of one GET instead of listing the rows again. Only
// listings without queued or running tasks are kept (those show a queue
// position and estimates that move between events). A rendering is trusted
// for kMaxAge: after a failover to a replica that missed the last writes, a
// seq can come back with other tasks behind it. Texts live in `pages`.
class Listings {
 public:
  static constexpr auto kMaxAge = std::chrono::seconds(1);
  static constexpr size_t kMaxQueries = 1024;

  explicit Listings(RenderCache& texts) : texts_(texts) {}
  Listings(const Listings&) = delete;
  Listings& operator=(const Listings&) = delete;

  struct Known {
    int64_t seq = 0;  // 0: none
    CachedText text;
  };
  // The latest rendering of `query`, if younger than kMaxAge and still kept.
  // Thread-safe.
  Known find(const std::string& query);
  // Keeps `text` as the rendering of `query` at `seq` and returns it.
  // Thread-safe.
  CachedText put(const std::string& query, int64_t seq, std::string text);

 private:
  struct Latest {
    int64_t seq;
    std::chrono::steady_clock::time_point made;
  };
  RenderCache& texts_;  // under query@seq
  std::mutex mutex_;
  std::unordered_map<std::string, Latest> latest_;  // guarded by mutex_
};

// The caches of one process.
struct RenderCaches {
  RenderCache fragments{kRenderCacheBytes};  // task JSON and rows, windows of digits
  RenderCache pages{kPageCacheBytes};        // whole pages
  Listings listings{pages};
  DoneTasks done;  // JSON of done tasks (done_tasks.h)
  HealthCache health;
  // The stored decimals and their index, for GET /api/search and /find.
  std::shared_ptr<SearchIndex> search = new_search_index();
};

// Keys. `kind` tells apart what is cached for the same task ('j' JSON, 'r' row).
std::string task_cache_key(char kind, uint64_t n, uint64_t id, uint64_t version);
std::string task_cache_key(char kind, const Task& task);
std::string digits_cache_key(uint64_t n, uint64_t from);

}  // namespace pidigits::fcgi
