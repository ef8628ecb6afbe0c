// Reports this relay's figures to Redis for pi-fcgi's GET /metrics, so that
// several relays add up: every second (on a thread of its own, so Redis
// never stalls the io thread) it sets pi:metrics:relay:<host:pid> to the
// number of clients with a 15 s TTL, adds the id to pi:metrics:relays, and
// HINCRBYs pi:metrics relay_dropped_total by the clients dropped since the
// last report. A relay that dies stops counting within the TTL; one that
// stops cleanly deletes its key at once.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "pidigits/config.h"

namespace pidigits::relay {

class MetricsReporter {
 public:
  struct Figures {
    uint64_t clients = 0;
    uint64_t dropped = 0;  // since the relay started
  };
  // read() is called on the reporter's thread: it must be thread-safe.
  MetricsReporter(RedisAddress address, std::function<Figures()> read);
  ~MetricsReporter();  // stop()s

  void start();
  // Reports the last drops, deletes the client count and joins the thread.
  void stop();

  const std::string& id() const { return id_; }

 private:
  void run();

  const RedisAddress address_;
  const std::function<Figures()> read_;
  const std::string id_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace pidigits::relay
