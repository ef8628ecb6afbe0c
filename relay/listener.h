// Accepts connections, over TCP or a Unix socket, and gives each one to an
// HttpSession.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "net.h"
#include "shared_state.h"

namespace pidigits::relay {

// Where to listen: "HOST:PORT" (numeric address, "[::1]:PORT" for IPv6) or
// "unix:PATH".
struct ListenAddress {
  Protocol::endpoint endpoint;
  std::string unix_path;  // empty for TCP
  std::string text;       // as given, for log lines
};

// Parses a --listen value; false if it is neither form.
bool parse_listen_address(std::string_view text, ListenAddress* out);

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, std::shared_ptr<SharedState> state);

  // Opens, binds and listens. An error (address in use, no permission) is
  // returned rather than thrown, so main can report it in one line. A Unix
  // socket replaces a stale one at the same path (a relay that was killed)
  // and is made writable for everyone: nginx's workers run as another user,
  // and what the socket serves is the public /ws feed.
  beast::error_code open(const ListenAddress& address);
  void run();
  // Stops accepting; sessions already open go on. Any thread.
  void stop();

 private:
  void do_accept();
  void on_accept(beast::error_code ec, Socket socket);

  Acceptor acceptor_;
  bool tcp_ = false;  // set by open(): TCP sockets get TCP_NODELAY
  Timer retry_;       // pause after a failed accept (out of descriptors)
  std::shared_ptr<SharedState> state_;
};

}  // namespace pidigits::relay
