// Settings shared by the service processes, read from the environment once at
// start-up (names and defaults in README "Environment"). A bad value stops the
// start with one clear line instead of surfacing on the first request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pidigits/flags.h"  // parse_uint

namespace pidigits {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6390;
  std::string password;  // empty: no AUTH
  int db = 0;
};

// Parses "redis://[[user]:password@]host[:port][/db]". The error never quotes
// the password.
Result<RedisAddress> parse_redis_url(const std::string& url);

struct Config {
  RedisAddress redis;                  // PI_REDIS_URL, else 127.0.0.1:PI_REDIS_PORT
  uint64_t max_digits = 100'000'000;   // PI_MAX_DIGITS
  uint64_t max_queue = 1000;           // PI_MAX_QUEUE
  uint64_t max_queued_per_client = 20;       // PI_MAX_QUEUED_PER_CLIENT (0: no limit)
  uint64_t max_tasks_per_client_day = 2000;  // PI_MAX_TASKS_PER_CLIENT_DAY (0: no limit)
  std::string admin_token;             // PI_ADMIN_TOKEN (empty: no operator over HTTP)
  // PI_ALLOWED_ORIGINS: comma-separated origins ("https://example.org") that
  // may send state-changing requests and open WebSockets besides the page's own.
  std::vector<std::string> allowed_origins;
  uint64_t digits_chunk_bytes = 64ull << 20;  // PI_DIGITS_CHUNK_BYTES
  // Memory one task may use, in bytes: PI_WORKER_MEMORY_MB, by default 3/4 of
  // this machine's memory divided by PI_WORKERS (default: cores).
  uint64_t worker_memory = 0;
  int workers = 1;  // PI_WORKERS, else the number of cores
};

// Reads the environment; a bad value is an error naming the variable.
Result<Config> load_config();


}  // namespace pidigits
