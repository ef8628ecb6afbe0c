#include "open_connections.h"

#include <sys/socket.h>

#include <mutex>
#include <unordered_map>

namespace pidigits::open_connections {
namespace {
std::mutex mutex;
// Guarded by mutex: every registered context, with its node ("host:port").
std::unordered_map<redisContext*, std::string>& registry() {
  static auto* contexts = new std::unordered_map<redisContext*, std::string>();
  return *contexts;
}
}  // namespace

void add(const std::string& node, redisContext* c) {
  std::lock_guard lock(mutex);
  registry()[c] = node;
}

void close(redisContext* c) {
  std::lock_guard lock(mutex);
  registry().erase(c);
  redisFree(c);
}

int cut_off(const std::string& node, const redisContext* except) {
  std::lock_guard lock(mutex);
  int count = 0;
  for (auto& [c, c_node] : registry()) {
    if (c == except || c_node != node) continue;
    shutdown(c->fd, SHUT_RDWR);
    ++count;
  }
  return count;
}

}  // namespace pidigits::open_connections
