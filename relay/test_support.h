// Process and socket helpers for relay_test: spare ports, child processes
// that die with the test, and a raw TCP connection with timeouts (for HTTP
// and for garbage that a WebSocket client would refuse to send).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "testing/redis_server.h"

namespace pidigits::relay {

using pidigits::testing::spare_port;  // common/testing/redis_server.h

struct SpawnOptions {
  std::vector<std::pair<std::string, std::string>> env;  // set in the child
  int soft_fd_limit = 0;  // > 0: the child starts with this soft RLIMIT_NOFILE
};

// Starts args[0] (searched in PATH) with stdout and stderr appended to
// log_path and PI_REDIS_PORT=redis_port (PI_REDIS_URL and PI_ALLOWED_ORIGINS
// unset). The child gets SIGKILL if the test process dies.
pid_t spawn(const std::vector<std::string>& args, int redis_port, const std::string& log_path,
            const SpawnOptions& options = {});

// The soft "Max open files" of a running process (from /proc), or -1.
long fd_limit_of(pid_t pid);

// The exit status of `pid` if it ends within `timeout` (-signal if killed).
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout);

// SIGKILL and reap; sets pid to -1. Does nothing for pid <= 0.
void kill_and_reap(pid_t& pid);

class RawConn {
 public:
  explicit RawConn(int port);                      // 127.0.0.1:port
  explicit RawConn(const std::string& unix_path);  // a Unix socket
  ~RawConn();
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool connected() const { return connected_; }
  void send(std::string_view data);
  // Everything received until the server closes or `timeout` passes;
  // *closed says which.
  std::string receive(std::chrono::milliseconds timeout, bool* closed = nullptr);
  // Sends a WebSocket upgrade request for /ws (Host: 127.0.0.1, plus
  // `extra_headers`, each ending in \r\n) and returns the response head.
  std::string upgrade(std::string_view extra_headers = "");

 private:
  int fd_ = -1;
  bool connected_ = false;
};

struct HttpResponse {
  int status = 0;  // 0: no parsable answer
  std::string body;
};

// GET with Connection: close over a RawConn.
HttpResponse http_get(int port, const std::string& path);

}  // namespace pidigits::relay
