// One browser connected over WebSocket. It receives every broadcast message as
// a text frame and reads (and discards) whatever the browser sends, so that
// pings, pongs and close frames are answered.
//
// Bounded: at most kMaxQueuedMessages messages or kMaxQueuedBytes bytes wait
// for this client (the one being written included; a lone message may be
// larger). A client over the bound cannot keep up; it is dropped rather than
// let the relay's memory grow. Messages are shared between clients, so the
// bytes count what this client keeps alive, not copies.
//
// Threading: every member below `state_` is touched only on the session's
// strand (the executor of its socket). send() and close() may be called from
// any thread; they post to the strand.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>

#include "net.h"
#include "shared_state.h"

namespace pidigits::relay {

class websocket_session : public std::enable_shared_from_this<websocket_session> {
 public:
  static constexpr std::size_t kMaxQueuedMessages = 256;
  static constexpr std::size_t kMaxQueuedBytes = 4 << 20;
  // Browsers send nothing the relay needs; a small cap keeps garbage cheap.
  static constexpr std::size_t kMaxIncomingMessage = 4 << 10;

  websocket_session(tcp::socket&& socket, std::shared_ptr<shared_state> state);
  ~websocket_session();

  // Completes the handshake for an upgrade request read by http_session.
  void run(http::request<http::string_body> request);
  void send(std::shared_ptr<const std::string> message);
  // Closes with 1001 (going away): the relay is stopping.
  void close();

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void on_send(std::shared_ptr<const std::string> message);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void on_close_requested();
  void on_close(beast::error_code ec);
  void drop_slow_client();
  void forget_waiting_messages();

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<shared_state> state_;
  const std::string peer_;  // for log lines

  beast::flat_buffer buffer_;                           // incoming, discarded
  std::deque<std::shared_ptr<const std::string>> queue_;  // front: being written
  std::size_t queued_bytes_ = 0;
  bool open_ = false;     // handshake done: writes allowed
  bool closing_ = false;  // closing or dropped: send nothing more
};

}  // namespace pidigits::relay
