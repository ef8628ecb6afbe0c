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

std::optional<std::vector<HostPort>> parse_host_ports(std::string_view text, std::string* error) {
  std::vector<HostPort> out;
  size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ',' || text[pos] == ' ') {
      ++pos;
      continue;
    }
    size_t end = text.find_first_of(", ", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view entry = text.substr(pos, end - pos);
    pos = end;
    auto colon = entry.rfind(':');
    uint64_t port = 0;
    if (colon == std::string_view::npos || colon == 0 ||
        !parse_uint(entry.substr(colon + 1), 1, 65535, &port)) {
      *error = "not HOST:PORT: " + std::string(entry);
      return std::nullopt;
    }
    std::string_view host = entry.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    out.push_back(HostPort{std::string(host), static_cast<int>(port)});
  }
  if (out.empty()) {
    *error = "no HOST:PORT given";
    return std::nullopt;
  }
  return out;
}

namespace {
// The name deploy/ and the systemd units give the primary in Sentinel's config.
constexpr const char* kDefaultMasterName = "pidigits";
// Redis has no limit; more replicas than this to wait for is surely a typo.
constexpr uint64_t kMaxMinReplicas = 16;

// Sentinel accepts these in a master's name; anything else is surely a typo.
bool valid_master_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

const char* env_text(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// Reads an optional numeric variable into *out; false (with *error) when set but bad.
bool env_uint(const char* name, uint64_t min, uint64_t max, uint64_t* out, std::string* error) {
  const char* value = env_text(name);
  if (value == nullptr) return true;
  if (!parse_uint(value, min, max, out)) {
    *error = std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
             std::to_string(max) + ", got '" + value + "'";
    return false;
  }
  return true;
}

// PI_REDIS_SENTINELS and PI_REDIS_MASTER into *address; false with *error
// when bad.
bool load_sentinels(const char* sentinels, RedisAddress* address, std::string* error) {
  if (env_text("PI_REDIS_URL") != nullptr) {
    *error =
        "PI_REDIS_URL and PI_REDIS_SENTINELS are both set: use one (the sentinels name the "
        "primary themselves)";
    return false;
  }
  std::string why;
  auto list = parse_host_ports(sentinels, &why);
  if (!list) {
    *error = "PI_REDIS_SENTINELS must be HOST:PORT[,HOST:PORT...]; " + why;
    return false;
  }
  address->sentinels = *list;
  const char* master = env_text("PI_REDIS_MASTER");
  address->master_name = master != nullptr ? master : kDefaultMasterName;
  if (!valid_master_name(address->master_name)) {
    *error =
        "PI_REDIS_MASTER must be a Sentinel master name (letters, digits, '-', '_', '.'), "
        "got '" +
        address->master_name + "'";
    return false;
  }
  if (const char* password = std::getenv("PI_REDIS_PASSWORD")) address->password = password;
  return true;
}
}  // namespace

std::optional<Config> load_config(std::string* error) {
  Config config;
  if (const char* sentinels = env_text("PI_REDIS_SENTINELS")) {
    if (!load_sentinels(sentinels, &config.redis, error)) return std::nullopt;
  } else if (const char* url = env_text("PI_REDIS_URL")) {
    auto address = parse_redis_url(url, error);
    if (!address) return std::nullopt;
    config.redis = *address;
  } else {
    uint64_t port = config.redis.port;
    if (!env_uint("PI_REDIS_PORT", 1, 65535, &port, error)) return std::nullopt;
    config.redis.port = static_cast<int>(port);
    if (const char* password = std::getenv("PI_REDIS_PASSWORD")) config.redis.password = password;
  }
  uint64_t min_replicas = 0;
  if (!env_uint("PI_REDIS_MIN_REPLICAS", 0, kMaxMinReplicas, &min_replicas, error))
    return std::nullopt;
  config.redis.min_replicas = static_cast<int>(min_replicas);
  if (const char* format = env_text("PI_LOG_FORMAT"); format != nullptr &&
                                                      std::string_view(format) != "text" &&
                                                      std::string_view(format) != "json") {
    *error = std::string("PI_LOG_FORMAT must be text or json, got '") + format + "'";
    return std::nullopt;
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
