#include "listener.h"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>

#include "http_session.h"
#include "pidigits/config.h"

namespace pidigits::relay {

bool parse_listen_address(std::string_view text, ListenAddress* out) {
  out->text = text;
  constexpr std::string_view kUnix = "unix:";
  if (text.substr(0, kUnix.size()) == kUnix) {
    std::string path(text.substr(kUnix.size()));
    if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path)) return false;
    out->unix_path = path;
    out->endpoint = net::local::stream_protocol::endpoint(path);
    return true;
  }
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  uint64_t port = 0;
  if (!parse_uint(text.substr(colon + 1), 0, 65535, &port)) return false;
  beast::error_code ec;
  auto address = net::ip::make_address(std::string(host), ec);
  if (ec) return false;
  out->unix_path.clear();
  out->endpoint = tcp::endpoint(address, static_cast<unsigned short>(port));
  return true;
}

Listener::Listener(net::io_context& ioc, std::shared_ptr<SharedState> state)
    : acceptor_(ioc.get_executor()), retry_(ioc.get_executor()), state_(std::move(state)) {}

beast::error_code Listener::open(const ListenAddress& address) {
  beast::error_code ec;
  if (!address.unix_path.empty()) {
    struct stat st {};
    if (lstat(address.unix_path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
      ::unlink(address.unix_path.c_str());
    }
  }
  tcp_ = is_tcp(address.endpoint);
  acceptor_.open(address.endpoint.protocol(), ec);
  if (ec) return ec;
  if (address.unix_path.empty()) {
    // A restarted relay must not wait for the old connections' TIME_WAIT.
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return ec;
  }
  acceptor_.bind(address.endpoint, ec);
  if (ec) return ec;
  if (!address.unix_path.empty() && ::chmod(address.unix_path.c_str(), 0666) != 0) {
    return beast::error_code(errno, beast::system_category());
  }
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
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
  if (tcp_) socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<HttpSession>(std::move(socket), state_)->run();
  do_accept();
}

}  // namespace pidigits::relay
