// One TCP connection before it becomes a WebSocket: reads HTTP requests and
// either hands an upgrade to a WebsocketSession or answers it itself:
//   upgrade from a page whose Origin is not allowed -> 403 (origin_policy.h)
//   upgrade with the relay full -> 503
//   GET /healthz -> 200 {"status":"ok","clients":N,"redis":"connected"|"disconnected"}
//   GET /metrics -> 200 Prometheus text: pidigits_relay_clients, pidigits_relay_dropped_total
//   anything else -> 426 (this is a WebSocket endpoint)
// nginx passes only /ws here, so /healthz and /metrics are reachable on the
// relay's internal port alone.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net.h"
#include "shared_state.h"

namespace pidigits::relay {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Socket&& socket, std::shared_ptr<SharedState> state);
  void run();

 private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void upgrade();
  void reply(http::status status, std::string body,
             std::string_view content_type = "application/json");
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);

  Stream stream_;  // its timeout bounds the wait for a request
  std::shared_ptr<SharedState> state_;
  const std::string peer_;  // the socket's peer: nginx, for clients that come through it
  beast::flat_buffer buffer_;
  // A fresh parser per request: Beast parsers are single-use.
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;  // kept alive during the write
};

}  // namespace pidigits::relay
