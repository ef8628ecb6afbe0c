// Accepts TCP connections and gives each one to an http_session on its own
// strand.
#pragma once

#include <memory>

#include "net.h"
#include "shared_state.h"

namespace pidigits::relay {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(net::io_context& ioc, std::shared_ptr<shared_state> state);

  // Opens, binds and listens. An error (address in use, no permission) is
  // returned rather than thrown, so main can report it in one line.
  beast::error_code open(const tcp::endpoint& endpoint);
  tcp::endpoint local_endpoint() const;
  void run();
  // Stops accepting (on the listener's strand); sessions already open go on.
  void stop();

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;  // pause after a failed accept (out of descriptors)
  std::shared_ptr<shared_state> state_;
};

}  // namespace pidigits::relay
