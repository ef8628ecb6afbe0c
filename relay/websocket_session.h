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
// Threading: everything runs on the relay's one io thread (see
// shared_state.h); SharedState calls deliver() and close() from there.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>

#include "handler_memory.h"
#include "net.h"
#include "shared_state.h"

namespace pidigits::relay {

class WebsocketSession : public std::enable_shared_from_this<WebsocketSession> {
 public:
  static constexpr std::size_t kMaxQueuedMessages = 256;
  static constexpr std::size_t kMaxQueuedBytes = 4 << 20;
  // Browsers send nothing the relay needs; a small cap keeps garbage cheap.
  static constexpr std::size_t kMaxIncomingMessage = 4 << 10;

  // `peer` names the client in log lines.
  WebsocketSession(Socket&& socket, std::shared_ptr<SharedState> state, std::string peer);
  ~WebsocketSession();

  // Completes the handshake for an upgrade request read by HttpSession.
  void run(http::request<http::string_body> request);
  // Queues one message (or drops this client if it is too far behind).
  // Completes nothing and destroys nothing before it returns, so SharedState
  // may call it while walking its registry.
  void deliver(const std::shared_ptr<const std::string>& message);
  // Closes with 1001 (going away): the relay is stopping.
  void close();

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void on_close(beast::error_code ec);
  void drop_slow_client();
  void forget_waiting_messages();

  // A plain socket below the WebSocket: its timeouts (handshake, pings) are
  // the WebSocket layer's, and a timed stream would cost a timer per write.
  websocket::stream<Socket> ws_;
  std::shared_ptr<SharedState> state_;
  const std::string peer_;  // for log lines

  beast::flat_buffer buffer_;                             // incoming, discarded
  std::deque<std::shared_ptr<const std::string>> queue_;  // front: being written
  std::size_t queued_bytes_ = 0;
  HandlerMemory write_memory_;  // for the one write in progress (handler_memory.h)
  bool open_ = false;           // handshake done: writes allowed
  bool closing_ = false;        // closing or dropped: send nothing more
};

}  // namespace pidigits::relay
