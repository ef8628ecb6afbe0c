// relay_bench: latency from PUBLISH on pi:events to a WebSocket client's read,
// one message at a time (so it measures the path, not a queue).
//
//   relay_bench --ws-port 8082 [--path /ws] [--redis-port 6390] [--count 2000] [--size 600]
//
// Point --ws-port at pi-relay itself, or at nginx in front of it, to compare.
// Prints p50 / p90 / p99 / max in milliseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "pidigits/config.h"
#include "pidigits/keys.h"
#include "pidigits/log.h"
#include "pidigits/redis.h"
#include "test_client.h"

int main(int argc, char** argv) {
  using namespace pidigits;
  using Clock = std::chrono::steady_clock;
  log::set_program("relay_bench");
  uint64_t ws_port = 0, redis_port = 6390, count = 2000, size = 600;
  std::string path = "/ws";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    std::string_view value = argv[i + 1];
    bool ok = true;
    if (flag == "--ws-port") ok = parse_uint(value, 1, 65535, &ws_port);
    else if (flag == "--redis-port") ok = parse_uint(value, 1, 65535, &redis_port);
    else if (flag == "--count") ok = parse_uint(value, 1, 10'000'000, &count);
    else if (flag == "--size") ok = parse_uint(value, 1, 1 << 20, &size);
    else if (flag == "--path") path = value;
    else ok = false;
    if (!ok) {
      std::fprintf(stderr, "relay_bench: bad flag %s %s\n", argv[i], argv[i + 1]);
      return 2;
    }
  }
  if (ws_port == 0 || argc % 2 == 0) {
    std::fprintf(stderr, "usage: relay_bench --ws-port P [--path /ws] [--redis-port R] "
                         "[--count N] [--size BYTES]\n");
    return 2;
  }

  relay::WsClient client;
  if (!client.connect(static_cast<int>(ws_port), path)) {
    std::fprintf(stderr, "relay_bench: cannot connect: %s\n", client.error().c_str());
    return 1;
  }
  RedisClient redis(RedisAddress{"127.0.0.1", static_cast<int>(redis_port), "", 0});
  const std::string payload(size, 'x');
  std::vector<double> ms;
  ms.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    auto start = Clock::now();
    Reply r = redis.command({"PUBLISH", keys::events(), payload});
    if (!r.ok()) {
      std::fprintf(stderr, "relay_bench: PUBLISH failed: %s\n", r.error().c_str());
      return 1;
    }
    auto got = client.read(std::chrono::seconds(5));
    if (!got) {
      std::fprintf(stderr, "relay_bench: read failed: %s\n", client.error().c_str());
      return 1;
    }
    if (got->size() != size) continue;  // someone else's event
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))]; };
  std::printf("%zu messages of %llu bytes: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
              ms.size(), static_cast<unsigned long long>(size), at(0.5), at(0.9), at(0.99),
              ms.back());
  return 0;
}
