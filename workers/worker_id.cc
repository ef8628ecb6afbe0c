#include "worker_id.h"

#include <limits.h>
#include <sys/random.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace pidigits::worker {

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string new_worker_token() {
  uint32_t value = 0;
  if (getrandom(&value, sizeof value, 0) != sizeof value) {
    // No entropy source: the time and pid still separate most masters.
    value = static_cast<uint32_t>(time(nullptr)) ^ (static_cast<uint32_t>(getpid()) << 16);
  }
  char text[9];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

std::string worker_id(pid_t pid, std::string_view token) {
  return host_name() + ":" + std::to_string(pid) + ":" + std::string(token);
}

}  // namespace pidigits::worker
