// What every connection of the relay shares: the set of WebSocket sessions
// (for the broadcast and the client count), the client cap, and whether the
// subscriber currently holds its Redis subscription (for /healthz).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

namespace pidigits::relay {

class websocket_session;

class shared_state {
 public:
  explicit shared_state(std::size_t max_clients) : max_clients_(max_clients) {}

  // A session joins before its handshake (so the cap counts handshakes too)
  // and leaves in its destructor. Both return the number of sessions after.
  std::size_t join(websocket_session* session);
  std::size_t leave(websocket_session* session);
  std::size_t size() const;
  // True when another client would exceed the cap. Checked by http_session on
  // the io thread before it creates a session; with the relay's single io
  // thread nothing can join in between, so the cap is exact.
  bool full() const;

  // Sends `message` to every session as one text frame, in the order of the
  // calls. Thread-safe; called by the subscriber thread. The message is shared,
  // not copied, between sessions.
  void send(std::string message);

  // Starts closing every session with 1001 (going away). Thread-safe.
  void close_all();

  void set_redis_connected(bool connected) { redis_connected_.store(connected); }
  bool redis_connected() const { return redis_connected_.load(); }

 private:
  const std::size_t max_clients_;

  // Guards sessions_. Held only to copy or change the set, never while
  // sending: a send locks a session and posts to its strand (chat-multi).
  mutable std::mutex mutex_;
  std::unordered_set<websocket_session*> sessions_;

  // Written by the subscriber thread, read by http_session (/healthz).
  std::atomic<bool> redis_connected_{false};
};

}  // namespace pidigits::relay
