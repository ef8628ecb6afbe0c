// A subscription to one channel (pi:events, ...) on a thread of its own,
// handing every message to an EventSink. pi-relay forwards pi:events to
// browsers; pi-fcgi drops the cached answers that pi:events:deleted makes
// stale (fcgi-app/done_tasks.h).
//
// Redis lost (or not there at start): reconnect with a backoff of 50 ms
// doubling to 2 s, one log line per outage. Pub/sub keeps nothing, so the
// sink hears of every gap: lost() when the connection goes, subscribed() once
// events flow again; what was published in between is gone for it.
//
// Written against raw hiredis 0.14 rather than RedisClient: a subscriber waits
// on its socket together with a wake-up descriptor, and a read timeout would
// cost RedisClient its connection (hiredis cannot resume after one).
#pragma once

#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "pidigits/config.h"

namespace pidigits {

// Called on the subscriber's thread, one call at a time.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // The subscription is active: every event published from now on arrives.
  // after_outage: connecting failed or the subscription was lost since the
  // last subscribed() (or since start), so events may have been missed.
  virtual void subscribed(bool after_outage) = 0;
  // One message of the channel, as published.
  virtual void event(std::string_view message) = 0;
  // The connection failed: events published from now on are missed until the
  // next subscribed().
  virtual void lost() = 0;
};

class Subscriber {
 public:
  // `sink` must outlive the subscriber.
  Subscriber(RedisAddress address, std::string channel, EventSink& sink);
  ~Subscriber();  // stops and joins
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  void start();
  // Asks the thread to stop; returns at once. Any thread.
  void stop();
  // Waits for the thread: at most a connection attempt's timeout after stop().
  void join();

 private:
  struct ContextFree {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  using Context = std::unique_ptr<redisContext, ContextFree>;

  void run();
  // Connects and sends SUBSCRIBE; nullptr and *why on failure.
  Context connect(std::string* why);
  // Reads replies until the connection fails (returns why) or stop() (returns "").
  std::string listen(redisContext* c);
  void on_reply(redisReply* reply);
  // Sleeps up to `duration`; false if stop() came first.
  bool pause(std::chrono::milliseconds duration);

  const RedisAddress address_;
  const std::string channel_;
  EventSink& sink_;
  std::atomic<bool> stopping_{false};
  int wake_fd_ = -1;  // eventfd: stop() makes it readable
  std::thread thread_;

  // Used only by the thread.
  size_t preferred_sentinel_ = 0;  // see locate_redis()
  bool outage_ = false;            // since the last subscription (or start)
  bool holding_ = false;           // subscribed on the current connection
  std::chrono::steady_clock::time_point outage_since_{};
};

}  // namespace pidigits
