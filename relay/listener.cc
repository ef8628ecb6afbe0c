#include "listener.h"

#include <chrono>

#include "http_session.h"

namespace pidigits::relay {

Listener::Listener(net::io_context& ioc, std::shared_ptr<SharedState> state)
    : acceptor_(ioc.get_executor()), retry_(ioc.get_executor()), state_(std::move(state)) {}

beast::error_code Listener::open(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return ec;
  // A restarted relay must not wait for the old connections' TIME_WAIT.
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  acceptor_.bind(endpoint, ec);
  if (ec) return ec;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

tcp::endpoint Listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::run() { do_accept(); }

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->retry_.cancel();
    self->acceptor_.close(ignored);
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, Socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // stopping
  if (ec) {
    // Not a reason to stop serving (EMFILE passes when clients leave), but
    // accepting again at once would spin: wait a little first.
    fail(ec, "accept");
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (wait_ec) return fail(wait_ec, "accept retry");
      self->do_accept();
    });
    return;
  }
  // Events are small and latency is the point: send each one at once rather
  // than let Nagle hold it until the previous one is acknowledged.
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<HttpSession>(std::move(socket), state_)->run();
  do_accept();
}

}  // namespace pidigits::relay
