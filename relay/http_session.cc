#include "http_session.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "websocket_session.h"

namespace pidigits::relay {
namespace {
// Requests here are an upgrade or a health check: a few headers, no body.
constexpr std::uint32_t kMaxHeaderBytes = 8 << 10;
constexpr std::uint64_t kMaxBodyBytes = 4 << 10;
// A connection that sends no complete request in this time is closed.
constexpr auto kRequestTimeout = std::chrono::seconds(10);

std::string error_json(std::string_view message) {
  return nlohmann::json{{"error", message}}.dump();
}
}  // namespace

http_session::http_session(tcp::socket&& socket, std::shared_ptr<shared_state> state)
    : stream_(std::move(socket)), state_(std::move(state)), peer_(describe(stream_.socket())) {}

void http_session::run() {
  // The accept handler ran on the listener's executor; this connection's own
  // strand is its socket's executor.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  parser_->body_limit(kMaxBodyBytes);
  stream_.expires_after(kRequestTimeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  // End of stream between requests is a normal goodbye.
  if (ec == http::error::end_of_stream) return;
  if (ec) return fail(ec, "http read", peer_);

  const auto& request = parser_->get();
  if (websocket::is_upgrade(request)) {
    if (state_->full()) {
      log::warn("client ", peer_, " refused: ", state_->size(), " clients is the limit");
      return reply(http::status::service_unavailable,
                   error_json("The relay has too many clients; try again later."));
    }
    // Any path: nginx decides which URL reaches the relay.
    std::make_shared<websocket_session>(stream_.release_socket(), state_)
        ->run(parser_->release());
    return;
  }

  // GET /healthz -> 200 {"status":"ok","clients":N,"redis":"connected"|"disconnected"}
  beast::string_view beast_target = request.target();
  std::string_view target(beast_target.data(), beast_target.size());
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/healthz" &&
      (request.method() == http::verb::get || request.method() == http::verb::head)) {
    nlohmann::json body{{"status", "ok"},
                        {"clients", state_->size()},
                        {"redis", state_->redis_connected() ? "connected" : "disconnected"}};
    return reply(http::status::ok, body.dump());
  }
  reply(http::status::upgrade_required,
        error_json("This is the pidigits WebSocket endpoint; connect with a WebSocket client."));
}

void http_session::reply(http::status status, std::string body) {
  const auto& request = parser_->get();
  response_ = {};
  response_.result(status);
  response_.version(request.version());
  response_.set(http::field::server, "pi-relay");
  response_.set(http::field::content_type, "application/json");
  response_.set(http::field::cache_control, "no-store");
  if (status == http::status::upgrade_required) response_.set(http::field::upgrade, "websocket");
  // Refused upgrades close: the client would otherwise send frames as HTTP.
  response_.keep_alive(request.keep_alive() && status != http::status::service_unavailable);
  response_.body() = std::move(body);
  response_.prepare_payload();
  if (request.method() == http::verb::head) response_.body().clear();
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&http_session::on_write, shared_from_this(),
                                              response_.keep_alive()));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "http write", peer_);
  if (!keep_alive) {
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    return;
  }
  do_read();
}

}  // namespace pidigits::relay
