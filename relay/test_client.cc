#include "test_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace pidigits::relay {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct WsClient::Impl {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  std::string error;
  int close_code = -1;

  // Runs the pending operation until done or the timeout. On a timeout the
  // socket is closed, which ends the operation with an error.
  bool run(bool& done, std::chrono::milliseconds timeout) {
    ioc.restart();
    ioc.run_for(timeout);
    if (done) return true;
    beast::error_code ignored;
    ws.next_layer().close(ignored);
    ioc.restart();
    ioc.run();
    error = "timeout";
    return false;
  }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}
WsClient::~WsClient() = default;

bool WsClient::connect(int port, std::string_view target, int receive_buffer,
                       std::chrono::milliseconds timeout) {
  auto& socket = impl_->ws.next_layer();
  beast::error_code ec;
  socket.open(tcp::v4(), ec);
  if (!ec && receive_buffer > 0)
    socket.set_option(net::socket_base::receive_buffer_size(receive_buffer), ec);
  if (ec) {
    impl_->error = ec.message();
    return false;
  }
  bool done = false;
  beast::error_code result;
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  socket.async_connect(endpoint, [&](beast::error_code e) {
    result = e;
    if (e) {
      done = true;
      return;
    }
    impl_->ws.async_handshake("127.0.0.1", std::string(target), [&](beast::error_code e2) {
      result = e2;
      done = true;
    });
  });
  if (!impl_->run(done, timeout)) return false;
  if (result) impl_->error = result.message();
  return !result;
}

std::optional<std::string> WsClient::read(std::chrono::milliseconds timeout) {
  bool done = false;
  beast::error_code result;
  impl_->buffer.clear();
  impl_->ws.async_read(impl_->buffer, [&](beast::error_code e, std::size_t) {
    result = e;
    done = true;
  });
  if (!impl_->run(done, timeout)) return std::nullopt;
  if (result == websocket::error::closed) {
    impl_->close_code = impl_->ws.reason().code;
    impl_->error = "closed";
  } else if (result) {
    impl_->error = result.message();
  }
  if (result) return std::nullopt;
  return beast::buffers_to_string(impl_->buffer.data());
}

bool WsClient::write(std::string_view data, bool text, std::chrono::milliseconds timeout) {
  bool done = false;
  beast::error_code result;
  impl_->ws.text(text);
  impl_->ws.async_write(net::buffer(data.data(), data.size()),
                        [&](beast::error_code e, std::size_t) {
                          result = e;
                          done = true;
                        });
  if (!impl_->run(done, timeout)) return false;
  if (result) impl_->error = result.message();
  return !result;
}

int WsClient::close_code() const { return impl_->close_code; }
const std::string& WsClient::error() const { return impl_->error; }

}  // namespace pidigits::relay
