// pi-relay [--listen 127.0.0.1:8082] [--listen unix:PATH ...] [--max-clients 20000]
//
// Every message on Redis' pi:events, to every connected WebSocket client.
// Parses flags and PI_ALLOWED_ORIGINS, raises its open-file limit, installs
// SIGTERM/SIGINT, runs; the parts are Listener, HttpSession, WebsocketSession,
// SharedState and Subscriber (relay/README.md).
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fd_limit.h"
#include "listener.h"
#include "metrics_reporter.h"
#include "net.h"
#include "origin_policy.h"
#include "pidigits/clock.h"
#include "pidigits/config.h"
#include "pidigits/flags.h"
#include "pidigits/keys.h"
#include "pidigits/log.h"
#include "pidigits/redis.h"
#include "pidigits/subscriber.h"
#include "pidigits/task.h"
#include "shared_state.h"

namespace {
using namespace pidigits::relay;
namespace log = pidigits::log;

constexpr const char* kUsage =
    "usage: pi-relay [--listen HOST:PORT | --listen unix:PATH]... [--max-clients N]";
// Sessions get this long to finish their close handshakes on SIGTERM.
constexpr auto kStopGrace = std::chrono::milliseconds(1500);
// Descriptors kept for everything that is not a WebSocket client: the
// listening socket, Redis, logs, and connections still reading a request.
constexpr uint64_t kSpareDescriptors = 256;

constexpr std::string_view kResync = R"({"type":"resync","reason":"relay reconnected to Redis"})";

// The subscription's events, to every client. The life cycle publishes the
// task's hash; browsers get the task's JSON (event_for_clients).
class Broadcast : public pidigits::EventSink {
 public:
  explicit Broadcast(std::shared_ptr<SharedState> state) : state_(std::move(state)) {}

  void subscribed(bool after_outage) override {
    state_->set_redis_connected(true);
    // Sent only now that the subscription is active: a page that reloads
    // from the API after this cannot miss an event in between.
    if (after_outage) state_->send(std::string(kResync));
  }
  void event(std::string_view message) override {
    // With nobody connected there is no one to make the message for: a page
    // that connects later sees the gap in seq and reloads from the API.
    if (state_->clients() == 0) return;
    state_->send(pidigits::event_for_clients(message, pidigits::now_ms()));
  }
  void lost() override { state_->set_redis_connected(false); }

 private:
  const std::shared_ptr<SharedState> state_;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "pi-relay: %s (%s)\n", message.c_str(), kUsage);
  return 2;
}

// Stops the io_context once every WebSocket session is gone (its close
// handshake done) or the grace time is over.
void stop_when_drained(net::io_context& ioc, Timer& timer,
                       const std::shared_ptr<SharedState>& state,
                       std::chrono::steady_clock::time_point deadline) {
  timer.expires_after(std::chrono::milliseconds(20));
  timer.async_wait([&ioc, &timer, state, deadline](beast::error_code ec) {
    if (ec) return fail(ec, "stop timer");
    // Connections still reading an HTTP request are not worth waiting for.
    if (state->size() == 0) return ioc.stop();
    if (std::chrono::steady_clock::now() >= deadline) {
      log::warn(state->size(), " clients did not finish closing; stopping anyway");
      return ioc.stop();
    }
    stop_when_drained(ioc, timer, state, deadline);
  });
}
}  // namespace

int main(int argc, char** argv) {
  log::set_program("pi-relay");
  std::vector<ListenAddress> listen;
  int max_clients = 20000;
  pidigits::Flags flags;
  flags.add_custom("--listen", [&](std::string_view value) {
    listen.emplace_back();
    if (parse_listen_address(value, &listen.back())) return pidigits::Status();
    return pidigits::Status::invalid_argument(
        "--listen wants HOST:PORT with a numeric address or unix:PATH, not '" +
        std::string(value) + "'");
  });
  flags.add_int("--max-clients", &max_clients, 1, 1'000'000);
  bool help = false;
  if (pidigits::Status s = flags.parse(argc, argv, &help); !s.ok()) {
    return usage_error(s.message());
  }
  if (help) {
    std::printf("%s\n", kUsage);
    return 0;
  }
  if (listen.empty()) {
    listen.emplace_back();
    parse_listen_address("127.0.0.1:8082", &listen.back());
  }
  auto config = pidigits::load_config();
  if (!config.ok()) {
    std::fprintf(stderr, "pi-relay: %s\n", config.status().message().c_str());
    return 2;
  }
  const char* allowed = std::getenv("PI_ALLOWED_ORIGINS");
  std::string error;
  auto origins = OriginPolicy::parse(allowed == nullptr ? "" : allowed, &error);
  if (!origins) {
    std::fprintf(stderr, "pi-relay: %s\n", error.c_str());
    return 2;
  }
  // Each client is a descriptor. Past the limit accept() would fail; a cap
  // that fits answers 503 instead, and says so now.
  uint64_t fd_limit = raise_fd_limit(max_clients + kSpareDescriptors);
  if (fd_limit < max_clients + kSpareDescriptors) {
    uint64_t fitting =
        fd_limit > 2 * kSpareDescriptors ? fd_limit - kSpareDescriptors : fd_limit / 2;
    log::warn("open-file limit is ", fd_limit, " and may not be raised further: at most ", fitting,
              " clients instead of ", max_clients);
    max_clients = fitting;
  }
  // hiredis writes with send(): a Redis that vanished must not kill us.
  std::signal(SIGPIPE, SIG_IGN);

  // One io thread runs every handler: the session registry needs no lock,
  // the client cap is exact, and a broadcast is one loop (shared_state.h).
  // The other core is nginx's, which forwards each message once more.
  net::io_context ioc{1};
  auto state = std::make_shared<SharedState>(ioc.get_executor(), max_clients, std::move(*origins));
  std::vector<std::shared_ptr<Listener>> listeners;
  std::string addresses;
  for (const auto& address : listen) {
    listeners.push_back(std::make_shared<Listener>(ioc, state));
    if (auto ec = listeners.back()->open(address)) {
      log::error("cannot listen on ", address.text, ": ", ec.message());
      return 1;
    }
    addresses += (addresses.empty() ? "" : " and ") + address.text;
  }
  Broadcast broadcast(state);
  pidigits::Subscriber redis(config->redis, std::string(pidigits::keys::events()), broadcast);
  MetricsReporter reporter(config->redis, [state] {
    return MetricsReporter::Figures{state->clients(), state->dropped()};
  });

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  Timer drain_timer(ioc.get_executor());
  signals.async_wait([&](beast::error_code ec, int signal) {
    if (ec) return fail(ec, "signal");
    log::info("stopping on signal ", signal, "; closing ", state->size(), " clients");
    for (auto& listener : listeners) listener->stop();
    redis.stop();
    state->close_all();
    stop_when_drained(ioc, drain_timer, state, std::chrono::steady_clock::now() + kStopGrace);
  });

  for (auto& listener : listeners) listener->run();
  std::string listed;
  for (const auto& origin : state->origins().listed()) listed += " " + origin;
  log::info("listening on ", addresses, ", Redis at ", pidigits::describe(config->redis),
            ", at most ", max_clients,
            " clients, origins allowed besides the page's own:", listed.empty() ? " none" : listed);
  redis.start();
  reporter.start();
  ioc.run();
  redis.join();
  reporter.stop();
  log::info("stopped");
  return 0;
}
