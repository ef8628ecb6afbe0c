// relay_bench: fan-out latency of the WebSocket path
//   PUBLISH pi:events -> pi-relay -> nginx -> N clients.
//
//   relay_bench --ws-port P --redis-port R --clients N --count M
//               [--path /ws] [--size 600] [--per-address 10] [--timeout-ms 10000]
//
// The N clients are native WebSocket clients inside this one process, on one
// thread (fanout_clients.h). Client i connects to 127.0.0.1:P from the source
// address 127.0.B.C number i / --per-address: nginx limits connections per
// address (limit_conn in nginx/nginx.conf.in), and all of 127/8 is loopback.
// Point --ws-port at pi-relay's own port to leave nginx out.
//
// Then M events of --size bytes are published one at a time. Each carries its
// publish time; each client notes when it arrived. The next event goes out
// once every client has the previous one (or --timeout-ms passed), so the
// figures are the fan-out latency of one event, not the depth of a queue.
// The last line is exactly
//   delivered D/E p50 X ms p99 Y ms max Z ms        (E = N x M)
// Exit status: 0 if D == E, 1 if not (or a client failed), 2 for bad flags.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fanout_clients.h"
#include "fd_limit.h"
#include "pidigits/config.h"
#include "pidigits/keys.h"
#include "pidigits/log.h"
#include "pidigits/redis.h"

namespace {
using pidigits::relay::FanoutClients;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kUsage =
    "usage: relay_bench --ws-port P --redis-port R --clients N --count M [--path /ws] "
    "[--size BYTES] [--per-address K] [--timeout-ms T]";
// Connections being opened at once: enough to open 10,000 in seconds, few
// enough not to overflow nginx's listen backlog.
constexpr std::size_t kConnectsInFlight = 128;
constexpr std::string_view kPrefix = R"({"type":"bench","seq":)";

struct Options {
  uint64_t ws_port = 0;
  uint64_t redis_port = 6390;
  uint64_t clients = 1;
  uint64_t count = 2000;
  uint64_t size = 600;
  uint64_t per_address = 10;
  uint64_t timeout_ms = 10000;
  std::string path = "/ws";
};

// What the clients (io thread) and the publisher (main thread) share.
struct Tally {
  Tally(std::size_t clients, std::size_t events)
      : clients(clients),
        events(events),
        latency_ms(clients * events, -1.0f),
        delivered(std::make_unique<std::atomic<uint64_t>[]>(events)) {}

  const std::size_t clients;
  const std::size_t events;
  // [event * clients + client]; -1: not delivered. Written by the io thread,
  // read by main after the io thread has been joined.
  std::vector<float> latency_ms;
  std::unique_ptr<std::atomic<uint64_t>[]> delivered;  // per event
};

// The text of event `seq`: its publish time in steady-clock nanoseconds,
// padded to `size` bytes.
std::string make_event(uint64_t seq, std::size_t size) {
  auto t = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch());
  std::string text = std::string(kPrefix) + std::to_string(seq) + R"(,"t":)" +
                     std::to_string(t.count()) + R"(,"pad":")";
  if (text.size() + 2 < size) text.append(size - text.size() - 2, 'x');
  return text + "\"}";
}

// Parses what make_event wrote; false for anyone else's event.
bool parse_event(std::string_view text, uint64_t* seq, int64_t* t_ns) {
  if (text.substr(0, kPrefix.size()) != kPrefix) return false;
  char* end = nullptr;
  const char* p = text.data() + kPrefix.size();
  *seq = std::strtoull(p, &end, 10);
  std::string_view rest(end, text.data() + text.size() - end);
  if (rest.substr(0, 5) != R"(,"t":)") return false;
  *t_ns = std::strtoll(end + 5, nullptr, 10);
  return true;
}

bool parse_options(int argc, char** argv, Options* o) {
  if (argc % 2 == 0) return false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    std::string_view value = argv[i + 1];
    bool ok = true;
    using pidigits::parse_uint;
    if (flag == "--ws-port")
      ok = parse_uint(value, 1, 65535, &o->ws_port);
    else if (flag == "--redis-port")
      ok = parse_uint(value, 1, 65535, &o->redis_port);
    else if (flag == "--clients")
      ok = parse_uint(value, 1, 1'000'000, &o->clients);
    else if (flag == "--count")
      ok = parse_uint(value, 1, 1'000'000, &o->count);
    else if (flag == "--size")
      ok = parse_uint(value, 64, 1 << 20, &o->size);
    else if (flag == "--per-address")
      ok = parse_uint(value, 1, 60'000, &o->per_address);
    else if (flag == "--timeout-ms")
      ok = parse_uint(value, 1, 3'600'000, &o->timeout_ms);
    else if (flag == "--path")
      o->path = value;
    else
      ok = false;
    if (!ok) {
      std::fprintf(stderr, "relay_bench: bad flag or value: %s %s (%s)\n", argv[i], argv[i + 1],
                   kUsage);
      return false;
    }
  }
  if (o->ws_port == 0) {
    std::fprintf(stderr, "relay_bench: --ws-port is required (%s)\n", kUsage);
    return false;
  }
  if ((o->clients + o->per_address - 1) / o->per_address > FanoutClients::kMaxAddresses) {
    std::fprintf(stderr, "relay_bench: --clients / --per-address needs more than %zu addresses\n",
                 FanoutClients::kMaxAddresses);
    return false;
  }
  if (o->clients * o->count > 100'000'000) {
    std::fprintf(stderr, "relay_bench: --clients x --count is over 100,000,000\n");
    return false;
  }
  return true;
}

float percentile(const std::vector<float>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto at = static_cast<std::size_t>(q * static_cast<double>(sorted.size()));
  return sorted[std::min(sorted.size() - 1, at)];
}

// Waits until `done()` or the deadline; polls, since the latencies are
// stamped by the clients' thread and the wait itself is not measured.
template <typename Done>
bool wait_until(Done done, Clock::time_point deadline) {
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    // Coarse on purpose: each wake-up takes CPU from what is measured.
    std::this_thread::sleep_for(1ms);
  }
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  pidigits::log::set_program("relay_bench");
  Options options;
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::printf("%s\n", kUsage);
    return 0;
  }
  if (!parse_options(argc, argv, &options)) return 2;
  if (pidigits::relay::raise_fd_limit(options.clients + 64) < options.clients + 64) {
    std::fprintf(stderr, "relay_bench: cannot raise the open-file limit to %llu\n",
                 static_cast<unsigned long long>(options.clients + 64));
    return 1;
  }

  Tally tally(options.clients, options.count);
  // Runs on the clients' thread: note when each bench event arrived.
  auto on_message = [&tally](std::size_t client, std::string_view text, Clock::time_point arrived) {
    uint64_t seq = 0;
    int64_t t_ns = 0;
    if (!parse_event(text, &seq, &t_ns) || seq >= tally.events) return;
    float& slot = tally.latency_ms[seq * tally.clients + client];
    if (slot >= 0) return;
    auto sent = Clock::time_point(std::chrono::nanoseconds(t_ns));
    slot = std::chrono::duration<float, std::milli>(arrived - sent).count();
    tally.delivered[seq].fetch_add(1);
  };
  FanoutClients clients({.port = static_cast<int>(options.ws_port),
                         .path = options.path,
                         .clients = options.clients,
                         .per_address = options.per_address,
                         .connects_in_flight = kConnectsInFlight},
                        on_message);
  std::string error;
  auto connect_start = Clock::now();
  if (!clients.start(&error)) {
    std::fprintf(stderr, "relay_bench: %s\n", error.c_str());
    return 1;
  }
  // 10,000 handshakes take a few seconds on 2 busy cores; allow plenty.
  auto connect_deadline = connect_start + std::chrono::milliseconds(options.timeout_ms) +
                          std::chrono::milliseconds(options.clients);
  wait_until([&] { return clients.opened() + clients.failed() == options.clients; },
             connect_deadline);
  double connect_s = std::chrono::duration<double>(Clock::now() - connect_start).count();
  std::size_t addresses = (options.clients + options.per_address - 1) / options.per_address;
  std::size_t opened = clients.opened();
  std::printf("connected %zu/%llu clients from %zu source addresses in %.1f s\n", opened,
              static_cast<unsigned long long>(options.clients), addresses, connect_s);
  std::fflush(stdout);
  if (opened == 0) {
    std::fprintf(stderr, "relay_bench: no client could connect to 127.0.0.1:%llu%s\n",
                 static_cast<unsigned long long>(options.ws_port), options.path.c_str());
    return 1;
  }

  pidigits::RedisClient redis(
      pidigits::RedisAddress{"127.0.0.1", static_cast<int>(options.redis_port), "", 0});
  std::vector<float> fanout_ms;  // per event: until the last client had it
  for (uint64_t seq = 0; seq < options.count; ++seq) {
    auto published = Clock::now();
    auto reply =
        redis.command({"PUBLISH", pidigits::keys::events(), make_event(seq, options.size)});
    if (!reply.ok()) {
      std::fprintf(stderr, "relay_bench: PUBLISH failed: %s\n", reply.error().c_str());
      return 1;
    }
    wait_until([&] { return tally.delivered[seq] + clients.lost() >= clients.opened(); },
               published + std::chrono::milliseconds(options.timeout_ms));
    fanout_ms.push_back(std::chrono::duration<float, std::milli>(Clock::now() - published).count());
  }
  clients.stop();  // joins the thread: its writes to tally are visible from here

  std::vector<float> latencies;
  latencies.reserve(tally.latency_ms.size());
  for (float ms : tally.latency_ms) {
    if (ms >= 0) latencies.push_back(ms);
  }
  std::sort(latencies.begin(), latencies.end());
  std::sort(fanout_ms.begin(), fanout_ms.end());
  uint64_t expected = options.clients * options.count;
  std::printf(
      "%llu events of %llu bytes; time for an event to reach every client: p50 %.2f ms, "
      "max %.2f ms; clients lost %llu\n",
      static_cast<unsigned long long>(options.count), static_cast<unsigned long long>(options.size),
      percentile(fanout_ms, 0.5), fanout_ms.back(),
      static_cast<unsigned long long>(clients.lost()));
  std::printf("delivered %zu/%llu p50 %.2f ms p99 %.2f ms max %.2f ms\n", latencies.size(),
              static_cast<unsigned long long>(expected), percentile(latencies, 0.5),
              percentile(latencies, 0.99), latencies.empty() ? 0.0f : latencies.back());
  return latencies.size() == expected ? 0 : 1;
}
