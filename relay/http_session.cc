#include "http_session.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "websocket_session.h"

namespace pidigits::relay {
namespace {
// Requests here are an upgrade, a health check or a scrape: a few headers, no body.
constexpr std::uint32_t kMaxHeaderBytes = 8 << 10;
constexpr std::uint64_t kMaxBodyBytes = 4 << 10;
// A connection that sends no complete request in this time is closed.
constexpr auto kRequestTimeout = std::chrono::seconds(10);

std::string error_json(std::string_view message) {
  return nlohmann::json{{"error", message}}.dump();
}

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }
}  // namespace

HttpSession::HttpSession(Socket&& socket, std::shared_ptr<SharedState> state)
    : stream_(std::move(socket)), state_(std::move(state)), peer_(describe(stream_.socket())) {}

void HttpSession::run() { do_read(); }

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  parser_->body_limit(kMaxBodyBytes);
  stream_.expires_after(kRequestTimeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  // End of stream between requests is a normal goodbye.
  if (ec == http::error::end_of_stream) return;
  if (ec) return fail(ec, "http read", peer_);

  const auto& request = parser_->get();
  if (websocket::is_upgrade(request)) return upgrade();

  std::string_view target = view(request.target());
  std::string_view path = target.substr(0, target.find('?'));
  bool get = request.method() == http::verb::get || request.method() == http::verb::head;
  // GET /healthz -> 200 {"status":"ok","clients":N,"redis":"connected"|"disconnected"}
  if (path == "/healthz" && get) {
    nlohmann::json body{{"status", "ok"},
                        {"clients", state_->size()},
                        {"redis", state_->redis_connected() ? "connected" : "disconnected"}};
    return reply(http::status::ok, body.dump());
  }
  // GET /metrics -> 200 Prometheus text exposition (version 0.0.4)
  if (path == "/metrics" && get) {
    std::string body =
        "# HELP pidigits_relay_clients WebSocket clients connected to this relay.\n"
        "# TYPE pidigits_relay_clients gauge\n"
        "pidigits_relay_clients " +
        std::to_string(state_->size()) +
        "\n"
        "# HELP pidigits_relay_dropped_total Clients dropped because they did not keep up.\n"
        "# TYPE pidigits_relay_dropped_total counter\n"
        "pidigits_relay_dropped_total " +
        std::to_string(state_->dropped()) + "\n";
    return reply(http::status::ok, std::move(body), "text/plain; version=0.0.4; charset=utf-8");
  }
  reply(http::status::upgrade_required,
        error_json("This is the pidigits WebSocket endpoint; connect with a WebSocket client."));
}

// An upgrade -> 101 and a WebsocketSession | 403 foreign Origin | 503 full
void HttpSession::upgrade() {
  const auto& request = parser_->get();
  // nginx names the browser's address (X-Real-IP); log lines are about the
  // browser. Only a name for the log, so it is not validated, just bounded.
  auto real_ip = request.find("X-Real-IP");
  std::string client =
      real_ip == request.end() ? peer_ : std::string(view(real_ip->value()).substr(0, 64));
  auto origin_field = request.find(http::field::origin);
  std::optional<std::string_view> origin;
  if (origin_field != request.end()) origin = view(origin_field->value());
  if (!state_->origins().allows(origin, view(request[http::field::host]))) {
    log::warn("client ", client, " refused: Origin ", *origin, " is not this site's (Host ",
              view(request[http::field::host]), ") nor in PI_ALLOWED_ORIGINS");
    return reply(http::status::forbidden,
                 error_json("This page's origin may not open the pidigits WebSocket; the "
                            "operator can add it to PI_ALLOWED_ORIGINS."));
  }
  if (state_->full()) {
    log::warn("client ", client, " refused: ", state_->size(), " clients is the limit");
    return reply(http::status::service_unavailable,
                 error_json("The relay has too many clients; try again later."));
  }
  // Any path: nginx decides which URL reaches the relay.
  std::make_shared<WebsocketSession>(stream_.release_socket(), state_, std::move(client))
      ->run(parser_->release());
}

void HttpSession::reply(http::status status, std::string body, std::string_view content_type) {
  const auto& request = parser_->get();
  response_ = {};
  response_.result(status);
  response_.version(request.version());
  response_.set(http::field::server, "pi-relay");
  response_.set(http::field::content_type,
                beast::string_view(content_type.data(), content_type.size()));
  response_.set(http::field::cache_control, "no-store");
  if (status == http::status::upgrade_required) response_.set(http::field::upgrade, "websocket");
  // A refused upgrade closes: the client would otherwise send frames as HTTP.
  response_.keep_alive(request.keep_alive() && !websocket::is_upgrade(request));
  response_.body() = std::move(body);
  response_.prepare_payload();
  if (request.method() == http::verb::head) response_.body().clear();
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                              response_.keep_alive()));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "http write", peer_);
  if (!keep_alive) {
    stream_.socket().shutdown(Socket::shutdown_send, ec);
    return;
  }
  do_read();
}

}  // namespace pidigits::relay
