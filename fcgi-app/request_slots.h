// How many of a pi-fcgi process's request threads run at once.
//
// A registration waits for Redis to write it to disk (appendfsync always: about
// a millisecond of fsync on a VM's disk), and Redis writes to disk once for all
// the writes that arrived meanwhile. With few threads, few registrations share
// each fsync and the thread count caps POSTs of new n; with many threads, all of
// them compete for the cores and every other request gets slower.
//
// So a process keeps more threads than it runs at once. A thread needs a slot
// to accept and serve requests, and keeps it from one request to the next
// (reads never touch this class). While it waits for a Redis write to be
// persisted it gives its slot to a thread in reserve, which accepts the next
// connection meanwhile; when its answer is sent it waits for a slot again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace pidigits::fcgi {

class RequestSlots {
 public:
  explicit RequestSlots(int running) : free_(running) {}
  RequestSlots(const RequestSlots&) = delete;
  RequestSlots& operator=(const RequestSlots&) = delete;

  // Takes a slot; false if none came free within `wait` (the caller looks at
  // its stop flag and asks again).
  bool acquire(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, wait, [this] { return free_ > 0; })) return false;
    --free_;
    return true;
  }

  void release() {
    {
      std::lock_guard lock(mutex_);
      ++free_;
    }
    freed_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable freed_;
  int free_;
};

// One thread's hold on a slot, across its requests.
class RequestSlot {
 public:
  explicit RequestSlot(RequestSlots& slots) : slots_(slots) {}
  ~RequestSlot() { give_up(); }
  RequestSlot(const RequestSlot&) = delete;
  RequestSlot& operator=(const RequestSlot&) = delete;

  // True once the thread holds a slot (at once if it still does).
  bool hold(std::chrono::milliseconds wait) {
    if (!held_) held_ = slots_.acquire(wait);
    return held_;
  }

  // Before a wait for a persisted Redis write: another thread serves meanwhile.
  void give_up() {
    if (held_) {
      held_ = false;
      slots_.release();
    }
  }

 private:
  RequestSlots& slots_;
  bool held_ = false;
};

}  // namespace pidigits::fcgi
