// N WebSocket clients for relay_bench, on one thread of their own: plain
// non-blocking sockets and one epoll, with the upgrade request and the frame
// parsing written out here. A server's frames are simple (never masked), so
// this is short, and it is cheap: the clients share the two cores with nginx
// and the relay, and every microsecond they spend per message is taken from
// what is being measured. Each message costs one recv() and no allocation.
// (Beast's client measured ~2x the CPU per message: an extra speculative
// recv() per read, and its layers of composed operations.)
//
// Client i connects from 127.0.B.C number i / per_address (nginx limits
// connections per address; all of 127/8 is loopback), at most
// connects_in_flight at a time so that nginx's listen backlog never overflows.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace pidigits::relay {

class FanoutClients {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    int port = 0;  // on 127.0.0.1
    std::string path = "/ws";
    std::size_t clients = 1;
    std::size_t per_address = 10;
    std::size_t connects_in_flight = 128;
  };
  // Called on the clients' thread for every complete text or binary message.
  using MessageHandler =
      std::function<void(std::size_t client, std::string_view message, Clock::time_point arrived)>;

  // Source addresses available: 127.0.B.1 .. 127.0.B.250 for B in 0..255.
  static constexpr std::size_t kMaxAddresses = 250 * 256;

  FanoutClients(Options options, MessageHandler on_message);
  ~FanoutClients();  // stop()
  FanoutClients(const FanoutClients&) = delete;
  FanoutClients& operator=(const FanoutClients&) = delete;

  // Starts the thread, which opens every connection. False (and *error) if
  // epoll itself cannot be had.
  bool start(std::string* error);
  // Closes every connection and joins the thread. Idempotent.
  void stop();

  std::size_t opened() const { return opened_.load(); }  // handshake done
  std::size_t failed() const { return failed_.load(); }  // never opened
  std::size_t lost() const { return lost_.load(); }      // opened, then ended by the server

 private:
  enum class State { kIdle, kConnecting, kHandshake, kOpen, kDone };
  struct Connection {
    int fd = -1;
    State state = State::kIdle;
    std::string pending;  // bytes not parsed yet: a response head or part of a frame
    std::string message;  // a fragmented message being assembled
  };

  void run();
  // Opens clients until connects_in_flight are under way or all are opened.
  void open_next();
  void open(std::size_t index);
  void on_event(std::size_t index, uint32_t events);
  void on_connected(std::size_t index);
  void on_bytes(std::size_t index, std::string_view bytes, Clock::time_point arrived);
  // Parses whole frames from `data`; returns the bytes used, or npos after a
  // protocol error or a close frame (the connection is then ended).
  std::size_t parse_frames(std::size_t index, std::string_view data, Clock::time_point arrived);
  void send_pong(Connection& c, std::string_view payload);
  void end(std::size_t index, const char* why);

  const Options options_;
  const MessageHandler on_message_;
  const std::string request_;  // the upgrade request, the same for every client

  int epoll_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> opened_{0}, failed_{0}, lost_{0};

  // The thread's own.
  std::vector<Connection> connections_;
  std::size_t next_ = 0;        // next client to open
  std::size_t connecting_ = 0;  // connects or handshakes in progress
  std::vector<char> buffer_;    // one recv() at a time
};

}  // namespace pidigits::relay
