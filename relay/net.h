// The Boost.Beast and Asio names the relay uses, and fail(): the one place a
// completion error becomes a log line (Beast chat-multi's habit).
#pragma once

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>

#include "pidigits/log.h"

namespace pidigits::relay {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// The relay runs every handler on one io thread (main.cpp), so its sockets
// and timers name the io_context's executor type directly: the type-erased
// default (any_io_executor) costs a copy and an indirect call per operation,
// which showed in profiles of a broadcast to 10,000 clients.
using Executor = net::io_context::executor_type;
// Connections come over TCP or over a Unix socket (nginx's way in: a send
// costs about half of one over loopback TCP), so sockets are generic.
using Protocol = net::generic::stream_protocol;
using Socket = net::basic_stream_socket<Protocol, Executor>;
using Acceptor = net::basic_socket_acceptor<Protocol, Executor>;
using Timer = net::basic_waitable_timer<std::chrono::steady_clock,
                                        net::wait_traits<std::chrono::steady_clock>, Executor>;
using Stream = beast::basic_stream<Protocol, Executor>;

inline bool is_tcp(const Protocol::endpoint& endpoint) {
  return endpoint.protocol().family() == AF_INET || endpoint.protocol().family() == AF_INET6;
}

// Logs a failed operation, except the endings that are part of normal life: a
// cancelled operation (shutdown, a dropped client), a closed WebSocket and a
// client that just went away (the session's "disconnected" line says enough).
inline void fail(beast::error_code ec, std::string_view what, std::string_view peer = {}) {
  if (ec == net::error::operation_aborted || ec == websocket::error::closed ||
      ec == net::error::eof || ec == net::error::connection_reset) {
    return;
  }
  log::info(peer.empty() ? "" : "client ", peer, peer.empty() ? "" : ": ", what, ": ",
            ec.message());
}

// "127.0.0.1:53312" (TCP) or "unix" for log lines; "?" when the socket is
// already gone.
inline std::string describe(const Socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  if (!is_tcp(endpoint)) return "unix";
  tcp::endpoint peer;
  std::memcpy(peer.data(), endpoint.data(), std::min(endpoint.size(), peer.capacity()));
  return peer.address().to_string() + ":" + std::to_string(peer.port());
}

}  // namespace pidigits::relay
