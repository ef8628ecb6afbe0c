// A WebSocket client for relay_test and relay_bench, with a timeout on every
// call so that a broken relay fails a test instead of hanging it. Beast stays
// inside test_client.cc (one heavy translation unit for all the tests).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pidigits::relay {

class WsClient {
 public:
  WsClient();
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects to 127.0.0.1:port and completes the handshake on `target`.
  // receive_buffer > 0 shrinks the socket's receive buffer (SO_RCVBUF) before
  // connecting, to make a client that does not read fill up quickly.
  bool connect(int port, std::string_view target = "/ws", int receive_buffer = 0,
               std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The next message; nullopt on a timeout, a close or an error (see error()).
  // After a timeout the connection is closed: a test that waits in vain fails.
  std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Sends one frame (text or binary) without checking what it contains.
  bool write(std::string_view data, bool text = true,
             std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The close code the server sent (1001, 1009, ...), or -1 if none.
  int close_code() const;
  // "timeout", "closed", or the error's message, for assertion output.
  const std::string& error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pidigits::relay
