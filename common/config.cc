#include "pidigits/config.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace pidigits {

bool parse_uint(std::string_view text, uint64_t min, uint64_t max, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

std::optional<RedisAddress> parse_redis_url(const std::string& url, std::string* error) {
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind(kScheme, 0) != 0) {
    *error = "PI_REDIS_URL must start with redis://, got '" + url + "'";
    return std::nullopt;
  }
  RedisAddress address;
  std::string rest = url.substr(kScheme.size());
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    auto colon = userinfo.find(':');
    address.password = colon == std::string::npos ? userinfo : userinfo.substr(colon + 1);
    rest = rest.substr(at + 1);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    uint64_t db = 0;
    std::string db_text = rest.substr(slash + 1);
    if (!db_text.empty() && !parse_uint(db_text, 0, 15, &db)) {
      *error = "PI_REDIS_URL has a bad database number '" + db_text + "'";
      return std::nullopt;
    }
    address.db = static_cast<int>(db);
    rest = rest.substr(0, slash);
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    uint64_t port = 0;
    if (!parse_uint(rest.substr(colon + 1), 1, 65535, &port)) {
      *error = "PI_REDIS_URL has a bad port in '" + url + "'";
      return std::nullopt;
    }
    address.port = static_cast<int>(port);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) {
    *error = "PI_REDIS_URL has no host: '" + url + "'";
    return std::nullopt;
  }
  address.host = rest;
  return address;
}

namespace {
// Reads an optional numeric variable into *out; false (with *error) when set but bad.
bool env_uint(const char* name, uint64_t min, uint64_t max, uint64_t* out, std::string* error) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return true;
  if (!parse_uint(value, min, max, out)) {
    *error = std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
             std::to_string(max) + ", got '" + value + "'";
    return false;
  }
  return true;
}
}  // namespace

std::optional<Config> load_config(std::string* error) {
  Config config;
  if (const char* url = std::getenv("PI_REDIS_URL"); url != nullptr && *url != '\0') {
    auto address = parse_redis_url(url, error);
    if (!address) return std::nullopt;
    config.redis = *address;
  } else {
    uint64_t port = config.redis.port;
    if (!env_uint("PI_REDIS_PORT", 1, 65535, &port, error)) return std::nullopt;
    config.redis.port = static_cast<int>(port);
    if (const char* password = std::getenv("PI_REDIS_PASSWORD")) config.redis.password = password;
  }
  // The engine's own ceiling is 1e9 digits; the service's default is 1e8.
  if (!env_uint("PI_MAX_DIGITS", 1, 1'000'000'000, &config.max_digits, error)) return std::nullopt;
  if (!env_uint("PI_MAX_QUEUE", 1, 10'000'000, &config.max_queue, error)) return std::nullopt;
  uint64_t memory_mb = 0;
  if (!env_uint("PI_WORKER_MEMORY_MB", 16, 1 << 24, &memory_mb, error)) return std::nullopt;
  uint64_t workers = 0;
  if (!env_uint("PI_WORKERS", 1, 1024, &workers, error)) return std::nullopt;
  if (workers == 0) workers = std::max<long>(1, sysconf(_SC_NPROCESSORS_ONLN));
  // Default budget: three quarters of the machine's memory shared by its workers.
  config.worker_memory = memory_mb != 0 ? memory_mb << 20
                                        : static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                                              sysconf(_SC_PAGESIZE) / 4 * 3 / workers;
  return config;
}

}  // namespace pidigits
