// relay_bench: fan-out latency of the WebSocket path
//   PUBLISH pi:events -> pi-relay -> nginx -> N clients.
//
//   relay_bench --ws-port P --redis-port R --clients N --count M
//               [--path /ws] [--size 600] [--per-address 10] [--timeout-ms 10000]
//
// The N clients are native (Beast) WebSocket clients inside this one process,
// on one io thread. Client i connects to 127.0.0.1:P from the source address
// 127.0.B.C number i / --per-address: nginx limits connections per address
// (limit_conn in nginx/nginx.conf.in), and the whole of 127/8 is loopback.
// Point --ws-port at pi-relay itself to leave nginx out.
//
// Then M events of --size bytes are published one at a time. Each carries its
// publish time; each client notes when it arrived. The next event goes out
// once every client has the previous one (or --timeout-ms passed), so the
// figures are the fan-out latency of one event, not the depth of a queue.
// The last line is exactly
//   delivered D/E p50 X ms p99 Y ms max Z ms        (E = N x M)
// Exit status: 0 if D == E, 1 if not (or a client failed), 2 for bad flags.
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fd_limit.h"
#include "pidigits/config.h"
#include "pidigits/keys.h"
#include "pidigits/log.h"
#include "pidigits/redis.h"

namespace {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
// One io thread: the concrete executor type spares the type-erased one's cost
// on every read, which is the bench's own share of the measured time.
using Socket = net::basic_stream_socket<tcp, net::io_context::executor_type>;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kUsage =
    "usage: relay_bench --ws-port P --redis-port R --clients N --count M [--path /ws] "
    "[--size BYTES] [--per-address K] [--timeout-ms T]";
// Connections being opened at once: enough to open 10,000 in seconds, few
// enough not to overflow nginx's listen backlog.
constexpr std::size_t kConnectsInFlight = 128;
// Source addresses 127.0.B.1 .. 127.0.B.250.
constexpr std::size_t kHostsPerBlock = 250;
constexpr std::size_t kMaxAddresses = kHostsPerBlock * 256;
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
  std::atomic<uint64_t> opened{0};
  std::atomic<uint64_t> failed{0};  // never opened
  std::atomic<uint64_t> lost{0};    // opened, then ended by the server
  std::atomic<bool> closing{false};
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

tcp::endpoint source_address(std::size_t client, std::size_t per_address) {
  std::size_t k = client / per_address;
  net::ip::address_v4::bytes_type bytes{127, 0, static_cast<unsigned char>(k / kHostsPerBlock),
                                        static_cast<unsigned char>(k % kHostsPerBlock + 1)};
  return tcp::endpoint(net::ip::address_v4(bytes), 0);
}

class FanoutClient : public std::enable_shared_from_this<FanoutClient> {
 public:
  FanoutClient(net::io_context& ioc, std::size_t index, Tally& tally)
      : ws_(ioc.get_executor()), index_(index), tally_(tally) {}

  // Opens the connection and the WebSocket; `done(ok)` runs on the io thread
  // when the handshake is over either way.
  template <typename Done>
  void start(const tcp::endpoint& source, const tcp::endpoint& server, std::string host,
             std::string target, Done done) {
    auto& socket = ws_.next_layer();
    beast::error_code ec;
    socket.open(tcp::v4(), ec);
    // Leave the port choice to connect(): bind() alone would have to find a
    // port free for every destination.
    int one = 1;
    if (!ec)
      setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (!ec) socket.bind(source, ec);
    if (ec) return finish_open(ec, "bind", done);
    socket.async_connect(server, [self = shared_from_this(), host = std::move(host),
                                  target = std::move(target), done](beast::error_code ec) mutable {
      if (ec) return self->finish_open(ec, "connect", done);
      self->ws_.async_handshake(host, target, [self, done](beast::error_code ec) mutable {
        self->finish_open(ec, "handshake", done);
      });
    });
  }

  void close() {
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
  }

 private:
  template <typename Done>
  void finish_open(beast::error_code ec, const char* what, Done& done) {
    if (ec) {
      if (tally_.failed.fetch_add(1) < 5) {
        std::fprintf(stderr, "relay_bench: client %zu: %s: %s\n", index_, what,
                     ec.message().c_str());
      }
      done(false);
      return;
    }
    tally_.opened.fetch_add(1);
    done(true);
    do_read();
  }

  void do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&FanoutClient::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    auto arrived = Clock::now();
    if (ec) {
      if (!tally_.closing.load() && tally_.lost.fetch_add(1) < 5) {
        std::fprintf(stderr, "relay_bench: client %zu lost: %s\n", index_, ec.message().c_str());
      }
      return;
    }
    auto data = buffer_.cdata();
    std::string_view text(static_cast<const char*>(data.data()), data.size());
    uint64_t seq = 0;
    int64_t t_ns = 0;
    if (parse_event(text, &seq, &t_ns) && seq < tally_.events) {
      float& slot = tally_.latency_ms[seq * tally_.clients + index_];
      if (slot < 0) {
        auto sent = Clock::time_point(std::chrono::nanoseconds(t_ns));
        slot = std::chrono::duration<float, std::milli>(arrived - sent).count();
        tally_.delivered[seq].fetch_add(1);
      }
    }
    buffer_.consume(buffer_.size());
    do_read();
  }

  websocket::stream<Socket> ws_;
  beast::flat_buffer buffer_;
  const std::size_t index_;
  Tally& tally_;
};

// Opens every client, at most kConnectsInFlight at a time (io thread only).
class Connector {
 public:
  Connector(net::io_context& ioc, const Options& options, Tally& tally)
      : ioc_(ioc),
        options_(options),
        tally_(tally),
        server_(net::ip::make_address_v4("127.0.0.1"),
                static_cast<unsigned short>(options.ws_port)),
        host_("127.0.0.1:" + std::to_string(options.ws_port)) {}

  void start() {
    for (std::size_t i = 0; i < kConnectsInFlight; ++i) open_next();
  }
  std::vector<std::shared_ptr<FanoutClient>>& clients() { return clients_; }

 private:
  void open_next() {
    if (clients_.size() == tally_.clients) return;
    std::size_t index = clients_.size();
    clients_.push_back(std::make_shared<FanoutClient>(ioc_, index, tally_));
    clients_.back()->start(source_address(index, options_.per_address), server_, host_,
                           options_.path, [this](bool) { open_next(); });
  }

  net::io_context& ioc_;
  const Options& options_;
  Tally& tally_;
  const tcp::endpoint server_;
  const std::string host_;
  std::vector<std::shared_ptr<FanoutClient>> clients_;
};

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
  if ((o->clients + o->per_address - 1) / o->per_address > kMaxAddresses) {
    std::fprintf(stderr, "relay_bench: --clients / --per-address needs more than %zu addresses\n",
                 kMaxAddresses);
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
// stamped by the io thread and the wait itself is not measured.
template <typename Done>
bool wait_until(Done done, Clock::time_point deadline) {
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(200us);
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
  net::io_context ioc{1};
  auto work = net::make_work_guard(ioc);
  Connector connector(ioc, options, tally);
  std::thread io_thread([&] { ioc.run(); });
  auto stop_io = [&] {
    tally.closing.store(true);
    net::post(ioc, [&] {
      for (auto& client : connector.clients()) client->close();
      work.reset();
    });
    io_thread.join();
  };

  auto connect_start = Clock::now();
  net::post(ioc, [&] { connector.start(); });
  // 10,000 handshakes take a few seconds on 2 busy cores; allow plenty.
  auto connect_deadline = connect_start + std::chrono::milliseconds(options.timeout_ms) +
                          std::chrono::milliseconds(options.clients);
  wait_until([&] { return tally.opened + tally.failed == options.clients; }, connect_deadline);
  double connect_s = std::chrono::duration<double>(Clock::now() - connect_start).count();
  std::size_t addresses = (options.clients + options.per_address - 1) / options.per_address;
  std::printf("connected %llu/%llu clients from %zu source addresses in %.1f s\n",
              static_cast<unsigned long long>(tally.opened.load()),
              static_cast<unsigned long long>(options.clients), addresses, connect_s);
  std::fflush(stdout);
  if (tally.opened.load() == 0) {
    stop_io();
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
      stop_io();
      std::fprintf(stderr, "relay_bench: PUBLISH failed: %s\n", reply.error().c_str());
      return 1;
    }
    wait_until([&] { return tally.delivered[seq] + tally.lost >= tally.opened; },
               published + std::chrono::milliseconds(options.timeout_ms));
    fanout_ms.push_back(std::chrono::duration<float, std::milli>(Clock::now() - published).count());
  }
  stop_io();

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
      static_cast<unsigned long long>(tally.lost.load()));
  std::printf("delivered %zu/%llu p50 %.2f ms p99 %.2f ms max %.2f ms\n", latencies.size(),
              static_cast<unsigned long long>(expected), percentile(latencies, 0.5),
              percentile(latencies, 0.99), latencies.empty() ? 0.0f : latencies.back());
  return latencies.size() == expected ? 0 : 1;
}
