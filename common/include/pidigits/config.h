// Settings shared by the service processes, read from the environment once at
// start-up (names and defaults in README "Environment"). A bad value stops the
// start with one clear line instead of surfacing on the first request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pidigits/address.h"
#include "pidigits/flags.h"  // parse_uint, HostPort
#include "pidigits/status.h"

namespace pidigits {

// Where the service's Redis is, and how writes to it are acknowledged.
//
// Two ways to find it:
//  - one fixed server at host:port (PI_REDIS_URL, or 127.0.0.1:PI_REDIS_PORT);
//  - Sentinel (PI_REDIS_SENTINELS): `sentinels` is not empty, and the primary
//    is whatever they name for `master_name` (PI_REDIS_MASTER) at each
//    connection; host and port are then unused.
// `password` (PI_REDIS_PASSWORD) is sent to Redis and, when set, to the
// sentinels too. It never goes into a log line (describe() leaves it out).
struct RedisAddress {
  RedisAddress() = default;
  RedisAddress(std::string host, int port, std::string password = {}, int db = 0)
      : host(std::move(host)), port(port), password(std::move(password)), db(db) {}

  std::string host = "127.0.0.1";
  int port = 6390;
  std::string password;  // empty: no AUTH
  int db = 0;
  std::vector<HostPort> sentinels;  // empty: the fixed server above
  std::string master_name;          // the sentinels' name for the primary
  // RedisClient::wait_for_replicas() confirms a write only once this many
  // replicas have it (PI_REDIS_MIN_REPLICAS); 0 confirms at once.
  int min_replicas = 0;

  bool uses_sentinels() const { return !sentinels.empty(); }
};

// Parses "redis://[[user]:password@]host[:port][/db]". The error never quotes
// the password.
Result<RedisAddress> parse_redis_url(const std::string& url);

// Parses "host:port[,host:port...]" (commas or spaces between entries; an IPv6
// host in brackets: "[::1]:26379").
Result<std::vector<HostPort>> parse_host_ports(std::string_view text);

// The stored digits' chunk size when nothing is stored yet (digits.h).
// 63 MiB, not 64: Redis' allocator (jemalloc) has size classes of 64 MiB and
// then 80 MiB, and a 64 MiB string plus its header and APPEND's 1 MiB of
// spare room lands in the 80 MiB one (25% more memory per chunk). And far
// below a Redis string's 512 MB limit (proto-max-bulk-len).
constexpr uint64_t kDefaultDigitsChunkBytes = 63ull << 20;

struct Config {
  // PI_REDIS_SENTINELS + PI_REDIS_MASTER, else PI_REDIS_URL, else
  // 127.0.0.1:PI_REDIS_PORT; plus PI_REDIS_PASSWORD and PI_REDIS_MIN_REPLICAS.
  RedisAddress redis;
  uint64_t max_digits = 100'000'000;         // PI_MAX_DIGITS
  uint64_t max_queue = 1000;                 // PI_MAX_QUEUE
  uint64_t max_queued_per_client = 20;       // PI_MAX_QUEUED_PER_CLIENT (0: no limit)
  uint64_t max_tasks_per_client_day = 2000;  // PI_MAX_TASKS_PER_CLIENT_DAY (0: no limit)
  std::string admin_token;                   // PI_ADMIN_TOKEN (empty: no operator over HTTP)
  // PI_ALLOWED_ORIGINS: comma-separated origins ("https://example.org") that
  // may send state-changing requests and open WebSockets besides the page's own.
  std::vector<std::string> allowed_origins;
  // PI_METRICS_ALLOW: addresses and networks (besides loopback) that may read
  // GET /metrics, e.g. "10.0.0.0/8, 192.168.1.7".
  AddressList metrics_allow;
  uint64_t digits_chunk_bytes = kDefaultDigitsChunkBytes;  // PI_DIGITS_CHUNK_BYTES
  // PI_SEARCH_MAX_DIGITS: decimals each pi-fcgi process indexes for digit
  // search (one byte each in memory; 0 turns search off).
  uint64_t search_max_digits = 100'000'000;
  // Memory one task may use, in bytes: PI_WORKER_MEMORY_MB, by default 3/4 of
  // this machine's memory divided by PI_WORKERS (default: cores).
  uint64_t worker_memory = 0;
  int workers = 1;  // PI_WORKERS, else the number of cores
};

// Reads the environment; a bad value is an error naming the variable.
// PI_LOG_FORMAT is checked here too (log.h reads it).
Result<Config> load_config();

}  // namespace pidigits
