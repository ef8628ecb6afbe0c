// One TCP connection before it becomes a WebSocket: reads HTTP requests and
// either hands an upgrade to a websocket_session or answers it itself:
//   GET /healthz -> 200 {"status":"ok","clients":N,"redis":"connected"|"disconnected"}
//   upgrade with the relay full -> 503; anything else -> 426 (this is a WebSocket endpoint).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "net.h"
#include "shared_state.h"

namespace pidigits::relay {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket&& socket, std::shared_ptr<shared_state> state);
  void run();

 private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void reply(http::status status, std::string body);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);

  beast::tcp_stream stream_;
  std::shared_ptr<shared_state> state_;
  const std::string peer_;
  beast::flat_buffer buffer_;
  // A fresh parser per request: Beast parsers are single-use.
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;  // kept alive during the write
};

}  // namespace pidigits::relay
