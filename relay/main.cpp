// pi-relay [--listen 127.0.0.1:8082] [--max-clients 10000]
//
// Every message on Redis' pi:events, to every connected WebSocket client.
// Parses flags, installs SIGTERM/SIGINT, runs; the parts are listener,
// http_session, websocket_session, shared_state and subscriber.
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "listener.h"
#include "net.h"
#include "pidigits/config.h"
#include "pidigits/log.h"
#include "pidigits/redis.h"
#include "shared_state.h"
#include "subscriber.h"

namespace {
using namespace pidigits::relay;
namespace log = pidigits::log;

constexpr const char* kUsage = "usage: pi-relay [--listen HOST:PORT] [--max-clients N]";
// Sessions get this long to finish their close handshakes on SIGTERM.
constexpr auto kStopGrace = std::chrono::milliseconds(1500);

int usage_error(const std::string& message) {
  std::fprintf(stderr, "pi-relay: %s (%s)\n", message.c_str(), kUsage);
  return 2;
}

// "127.0.0.1:8082" or "[::1]:8082".
bool parse_endpoint(std::string_view text, tcp::endpoint* out) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  uint64_t port = 0;
  if (!pidigits::parse_uint(text.substr(colon + 1), 0, 65535, &port)) return false;
  beast::error_code ec;
  auto address = net::ip::make_address(std::string(host), ec);
  if (ec) return false;
  *out = tcp::endpoint(address, static_cast<unsigned short>(port));
  return true;
}

// Stops the io_context once every WebSocket session is gone (its close
// handshake done) or the grace time is over.
void stop_when_drained(std::shared_ptr<net::steady_timer> timer, std::shared_ptr<shared_state> state,
                       std::chrono::steady_clock::time_point deadline) {
  timer->expires_after(std::chrono::milliseconds(20));
  timer->async_wait([timer, state, deadline](beast::error_code ec) {
    if (ec) return fail(ec, "stop timer");
    auto& ioc = static_cast<net::io_context&>(timer->get_executor().context());
    // Connections still reading an HTTP request are not worth waiting for.
    if (state->size() == 0) return ioc.stop();
    if (std::chrono::steady_clock::now() >= deadline) {
      log::warn(state->size(), " clients did not finish closing; stopping anyway");
      return ioc.stop();
    }
    stop_when_drained(timer, state, deadline);
  });
}
}  // namespace

int main(int argc, char** argv) {
  log::set_program("pi-relay");
  std::string listen = "127.0.0.1:8082";
  uint64_t max_clients = 10000;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf("%s\n", kUsage);
      return 0;
    }
    if (i + 1 >= argc) return usage_error("unknown flag or missing value: " + std::string(flag));
    std::string_view value = argv[++i];
    if (flag == "--listen") {
      listen = value;
    } else if (flag == "--max-clients") {
      if (!pidigits::parse_uint(value, 1, 1'000'000, &max_clients)) {
        return usage_error("--max-clients wants a number from 1 to 1000000, not " +
                           std::string(value));
      }
    } else {
      return usage_error("unknown flag " + std::string(flag));
    }
  }
  tcp::endpoint endpoint;
  if (!parse_endpoint(listen, &endpoint)) {
    return usage_error("--listen wants HOST:PORT with a numeric address, not " + listen);
  }
  auto config = pidigits::load_config();
  if (!config.ok()) {
    std::fprintf(stderr, "pi-relay: %s\n", config.status().message().c_str());
    return 2;
  }
  // hiredis writes with send(): a Redis that vanished must not kill us.
  std::signal(SIGPIPE, SIG_IGN);

  // One io thread is plenty for fan-out of small JSON events, and keeps the
  // client cap exact (see shared_state::full).
  net::io_context ioc{1};
  auto state = std::make_shared<shared_state>(max_clients);
  auto acceptor = std::make_shared<listener>(ioc, state);
  if (auto ec = acceptor->open(endpoint)) {
    log::error("cannot listen on ", listen, ": ", ec.message());
    return 1;
  }
  subscriber redis(config->redis, state);

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  auto drain_timer = std::make_shared<net::steady_timer>(ioc);
  signals.async_wait([&](beast::error_code ec, int signal) {
    if (ec) return fail(ec, "signal");
    log::info("stopping on signal ", signal, "; closing ", state->size(), " clients");
    acceptor->stop();
    redis.stop();
    state->close_all();
    stop_when_drained(drain_timer, state, std::chrono::steady_clock::now() + kStopGrace);
  });

  acceptor->run();
  auto bound = acceptor->local_endpoint();
  log::info("listening on ", bound.address().to_string(), ":", bound.port(), ", Redis at ",
            pidigits::describe(config->redis), ", at most ", max_clients, " clients");
  redis.start();
  ioc.run();
  redis.join();
  log::info("stopped");
  return 0;
}
