#include "worker_id.h"

#include <limits.h>
#include <unistd.h>

namespace pidigits::worker {

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string make_worker_id() { return host_name() + ":" + std::to_string(getpid()); }

}  // namespace pidigits::worker
