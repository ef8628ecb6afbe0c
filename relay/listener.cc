#include "listener.h"

#include <chrono>

#include "http_session.h"

namespace pidigits::relay {

listener::listener(net::io_context& ioc, std::shared_ptr<shared_state> state)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), retry_(acceptor_.get_executor()),
      state_(std::move(state)) {}

beast::error_code listener::open(const tcp::endpoint& endpoint) {
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

tcp::endpoint listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void listener::run() { do_accept(); }

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->retry_.cancel();
    self->acceptor_.close(ignored);
  });
}

void listener::do_accept() {
  // Each connection gets its own strand, so handlers of one connection never
  // run concurrently even if the io_context ever gets more threads.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
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
  std::make_shared<http_session>(std::move(socket), state_)->run();
  do_accept();
}

}  // namespace pidigits::relay
