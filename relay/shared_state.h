// What every connection of the relay shares: the registry of WebSocket
// sessions (for the broadcast and the client count), the client cap, the
// origin policy, the counters /metrics reports, and whether the subscriber
// currently holds its Redis subscription (for /healthz).
//
// Threading: the relay runs all its handlers on one io thread (main.cpp).
// The registry and the counters are touched only there, so they need no lock.
// send() and close_all() may be called from any thread (the subscriber's):
// each posts one handler to the io thread, which then walks the registry.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "net.h"
#include "origin_policy.h"

namespace pidigits::relay {

class WebsocketSession;

class SharedState : public std::enable_shared_from_this<SharedState> {
 public:
  SharedState(Executor io, std::size_t max_clients, OriginPolicy origins)
      : io_(io), max_clients_(max_clients), origins_(std::move(origins)) {}

  // io thread. A session joins before its handshake (so the cap counts
  // handshakes too) and leaves in its destructor.
  void join(WebsocketSession* session);
  void leave(WebsocketSession* session);
  std::size_t size() const { return sessions_.size(); }
  // True when another client would exceed the cap. Checked by HttpSession
  // before it creates a session; nothing else runs in between, so the cap is
  // exact.
  bool full() const { return sessions_.size() >= max_clients_; }
  std::size_t max_clients() const { return max_clients_; }

  // Sends `message` to every session as one text frame, in the order of the
  // calls. Any thread. One handler on the io thread hands the same shared
  // message to each session, so a broadcast costs one post, not one per client.
  void send(std::string message);
  // Starts closing every session with 1001 (going away). Any thread.
  void close_all();

  const OriginPolicy& origins() const { return origins_; }

  // io thread: a client dropped for not keeping up (pidigits_relay_dropped_total).
  void count_dropped() { ++dropped_; }
  // Any thread (the metrics reporter's too).
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::size_t clients() const { return clients_.load(std::memory_order_relaxed); }

  // Written by the subscriber thread, read on the io thread (/healthz).
  void set_redis_connected(bool connected) { redis_connected_.store(connected); }
  bool redis_connected() const { return redis_connected_.load(); }

 private:
  void broadcast(const std::shared_ptr<const std::string>& message);

  const Executor io_;
  const std::size_t max_clients_;
  const OriginPolicy origins_;

  // io thread only. The broadcast walks a vector (one cache line per eight
  // sessions; a hash set's nodes cost a miss each at 10,000 clients); the map
  // finds a leaving session's slot, which the last one then takes over.
  std::vector<WebsocketSession*> sessions_;
  std::unordered_map<WebsocketSession*, std::size_t> slots_;
  // Written on the io thread, read on any (MetricsReporter).
  std::atomic<uint64_t> dropped_{0};
  std::atomic<std::size_t> clients_{0};  // sessions_.size()

  std::atomic<bool> redis_connected_{false};
};

}  // namespace pidigits::relay
