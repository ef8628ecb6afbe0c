#include "pidigits/config.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace pidigits {
namespace {

// The name deploy/ and the systemd units give the primary in Sentinel's config.
constexpr const char* kDefaultMasterName = "pidigits";
// Redis has no limit; more replicas than this to wait for is surely a typo.
constexpr uint64_t kMaxMinReplicas = 16;

// The URL with everything before its '@' (user and password, or a password
// alone) replaced by "***": safe to put in a message.
std::string masked(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.rfind('@');
  if (at == std::string::npos) return url;
  const size_t from = scheme == std::string::npos || scheme > at ? 0 : scheme + 3;
  return url.substr(0, from) + "***" + url.substr(at);
}

const char* env_text(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// Reads an optional numeric variable into *out; an error when set but bad.
Status env_uint(const char* name, uint64_t min, uint64_t max, uint64_t* out) {
  const char* value = env_text(name);
  if (value == nullptr) return Status();
  if (parse_uint(value, min, max, out)) return Status();
  return Status::invalid_argument(std::string(name) + " must be an integer from " +
                                  std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                                  value + "'");
}

// "a, b/,c" -> {"a", "b", "c"}: origins without a trailing slash.
std::vector<std::string> split_origins(std::string_view rest) {
  std::vector<std::string> out;
  while (!rest.empty()) {
    std::string_view origin = rest.substr(0, rest.find(','));
    rest.remove_prefix(std::min(rest.size(), origin.size() + 1));
    while (!origin.empty() && origin.front() == ' ') origin.remove_prefix(1);
    while (!origin.empty() && (origin.back() == ' ' || origin.back() == '/')) {
      origin.remove_suffix(1);
    }
    if (!origin.empty()) out.emplace_back(origin);
  }
  return out;
}

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

// PI_REDIS_SENTINELS and PI_REDIS_MASTER into *address.
Status load_sentinels(const char* sentinels, RedisAddress* address) {
  if (env_text("PI_REDIS_URL") != nullptr) {
    return Status::invalid_argument(
        "PI_REDIS_URL and PI_REDIS_SENTINELS are both set: use one (the sentinels name the "
        "primary themselves)");
  }
  auto list = parse_host_ports(sentinels);
  if (!list.ok()) {
    return Status::invalid_argument("PI_REDIS_SENTINELS must be HOST:PORT[,HOST:PORT...]; " +
                                    list.status().message());
  }
  address->sentinels = *list;
  const char* master = env_text("PI_REDIS_MASTER");
  address->master_name = master != nullptr ? master : kDefaultMasterName;
  if (!valid_master_name(address->master_name)) {
    return Status::invalid_argument(
        "PI_REDIS_MASTER must be a Sentinel master name (letters, digits, '-', '_', '.'), got '" +
        address->master_name + "'");
  }
  if (const char* password = std::getenv("PI_REDIS_PASSWORD")) address->password = password;
  return Status();
}

}  // namespace

Result<RedisAddress> parse_redis_url(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  const std::string shown = masked(url);
  if (!url.starts_with(kScheme)) {
    return Status::invalid_argument("PI_REDIS_URL must start with redis://, got '" + shown + "'");
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
      return Status::invalid_argument("PI_REDIS_URL has a bad database number '" + db_text + "'");
    }
    address.db = static_cast<int>(db);
    rest = rest.substr(0, slash);
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    uint64_t port = 0;
    if (!parse_uint(rest.substr(colon + 1), 1, 65535, &port)) {
      return Status::invalid_argument("PI_REDIS_URL has a bad port in '" + shown + "'");
    }
    address.port = static_cast<int>(port);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return Status::invalid_argument("PI_REDIS_URL has no host: '" + shown + "'");
  address.host = rest;
  return address;
}

Result<std::vector<HostPort>> parse_host_ports(std::string_view text) {
  std::vector<HostPort> out;
  size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ',' || text[pos] == ' ') {
      ++pos;
      continue;
    }
    size_t end = text.find_first_of(", ", pos);
    if (end == std::string_view::npos) end = text.size();
    auto entry = parse_host_port(text.substr(pos, end - pos));
    if (!entry.ok()) return entry.status();
    out.push_back(*entry);
    pos = end;
  }
  if (out.empty()) return Status::invalid_argument("no HOST:PORT given");
  return out;
}

Result<Config> load_config() {
  Config config;
  if (const char* sentinels = env_text("PI_REDIS_SENTINELS")) {
    if (Status s = load_sentinels(sentinels, &config.redis); !s.ok()) return s;
  } else if (const char* url = env_text("PI_REDIS_URL")) {
    auto address = parse_redis_url(url);
    if (!address.ok()) return address.status();
    config.redis = *address;
  } else {
    uint64_t port = config.redis.port;
    if (Status s = env_uint("PI_REDIS_PORT", 1, 65535, &port); !s.ok()) return s;
    config.redis.port = static_cast<int>(port);
    if (const char* password = std::getenv("PI_REDIS_PASSWORD")) config.redis.password = password;
  }
  if (const char* format = env_text("PI_LOG_FORMAT");
      format != nullptr && std::string_view(format) != "text" && std::string_view(format) != "json") {
    return Status::invalid_argument(std::string("PI_LOG_FORMAT must be text or json, got '") +
                                    format + "'");
  }
  uint64_t min_replicas = 0;
  uint64_t memory_mb = 0;
  uint64_t workers = 0;
  // The engine's own ceiling is 1e9 digits; the service's default is 1e8.
  for (Status s : {env_uint("PI_REDIS_MIN_REPLICAS", 0, kMaxMinReplicas, &min_replicas),
                   env_uint("PI_MAX_DIGITS", 1, 1'000'000'000, &config.max_digits),
                   env_uint("PI_MAX_QUEUE", 1, 10'000'000, &config.max_queue),
                   env_uint("PI_MAX_QUEUED_PER_CLIENT", 0, 10'000'000,
                            &config.max_queued_per_client),
                   env_uint("PI_MAX_TASKS_PER_CLIENT_DAY", 0, 1'000'000'000,
                            &config.max_tasks_per_client_day),
                   env_uint("PI_DIGITS_CHUNK_BYTES", 1024, 512ull << 20,
                            &config.digits_chunk_bytes),
                   env_uint("PI_SEARCH_MAX_DIGITS", 0, 1'000'000'000, &config.search_max_digits),
                   env_uint("PI_WORKER_MEMORY_MB", 16, 1 << 24, &memory_mb),
                   env_uint("PI_WORKERS", 1, 1024, &workers)}) {
    if (!s.ok()) return s;
  }
  config.redis.min_replicas = static_cast<int>(min_replicas);
  if (const char* token = std::getenv("PI_ADMIN_TOKEN")) config.admin_token = token;
  if (const char* allow = std::getenv("PI_METRICS_ALLOW")) {
    auto list = AddressList::parse(allow);
    if (!list.ok()) return Status::invalid_argument("PI_METRICS_ALLOW: " + list.status().message());
    config.metrics_allow = std::move(*list);
  }
  if (const char* origins = std::getenv("PI_ALLOWED_ORIGINS")) {
    config.allowed_origins = split_origins(origins);
  }
  config.workers = workers != 0 ? static_cast<int>(workers)
                                : static_cast<int>(std::max<long>(1, sysconf(_SC_NPROCESSORS_ONLN)));
  // Default budget: three quarters of the machine's memory shared by its workers.
  config.worker_memory = memory_mb != 0 ? memory_mb << 20
                                        : static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                                              sysconf(_SC_PAGESIZE) / 4 * 3 / config.workers;
  return config;
}

}  // namespace pidigits
