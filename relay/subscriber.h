// The relay's one Redis connection: SUBSCRIBE pi:events on a thread of its
// own, and hand every message, unchanged, to SharedState::send().
//
// Redis lost (or not there at start): reconnect with a backoff of 50 ms
// doubling to 2 s, one log line per outage. Once subscribed again, broadcast
// {"type":"resync",...} so that pages reload from the API: events published
// while the relay was away are gone for it (pub/sub keeps nothing).
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
#include <thread>

#include "pidigits/config.h"
#include "shared_state.h"

namespace pidigits::relay {

class Subscriber {
 public:
  Subscriber(RedisAddress address, std::shared_ptr<SharedState> state);
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
  const std::shared_ptr<SharedState> state_;
  std::atomic<bool> stopping_{false};
  int wake_fd_ = -1;  // eventfd: stop() makes it readable
  std::thread thread_;

  // Used only by the thread.
  size_t preferred_sentinel_ = 0;  // see locate_redis()
  bool outage_ = false;  // since the last subscription (or at start)
  std::chrono::steady_clock::time_point outage_since_{};
};

}  // namespace pidigits::relay
