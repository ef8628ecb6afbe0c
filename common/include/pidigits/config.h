// Settings shared by the service processes, read from the environment once at
// start-up (names and defaults in README "Environment"). A bad value stops the
// start with one clear line instead of surfacing on the first request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pidigits {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6390;
  std::string password;  // empty: no AUTH
  int db = 0;
};

// Parses "redis://[[user]:password@]host[:port][/db]". Returns nullopt and sets
// *error when the URL is malformed.
std::optional<RedisAddress> parse_redis_url(const std::string& url, std::string* error);

struct Config {
  RedisAddress redis;                  // PI_REDIS_URL, else 127.0.0.1:PI_REDIS_PORT
  uint64_t max_digits = 100'000'000;   // PI_MAX_DIGITS
  uint64_t max_queue = 1000;           // PI_MAX_QUEUE
  // Memory one task may use, in bytes: PI_WORKER_MEMORY_MB, by default 3/4 of
  // this machine's memory divided by PI_WORKERS (default: cores).
  uint64_t worker_memory = 0;
};

// Reads the environment. On a bad value returns nullopt and sets *error.
std::optional<Config> load_config(std::string* error);

// Parses a whole decimal string into [min, max]; false on anything else
// (sign, spaces, exponent, overflow, empty).
bool parse_uint(std::string_view text, uint64_t min, uint64_t max, uint64_t* out);

}  // namespace pidigits
