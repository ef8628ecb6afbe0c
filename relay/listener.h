// Accepts TCP connections and gives each one to an HttpSession.
#pragma once

#include <memory>

#include "net.h"
#include "shared_state.h"

namespace pidigits::relay {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, std::shared_ptr<SharedState> state);

  // Opens, binds and listens. An error (address in use, no permission) is
  // returned rather than thrown, so main can report it in one line.
  beast::error_code open(const tcp::endpoint& endpoint);
  tcp::endpoint local_endpoint() const;
  void run();
  // Stops accepting; sessions already open go on. Any thread.
  void stop();

 private:
  void do_accept();
  void on_accept(beast::error_code ec, Socket socket);

  Acceptor acceptor_;
  Timer retry_;  // pause after a failed accept (out of descriptors)
  std::shared_ptr<SharedState> state_;
};

}  // namespace pidigits::relay
