// A throwaway redis-server for tests: started on a spare port with no
// persistence in a temporary folder, stopped (and the folder removed) by the
// destructor.
#pragma once

#include <sys/types.h>

#include <string>

#include "pidigits/config.h"

namespace pidigits::fcgi::testing {

// A TCP port nothing listens on right now (bound to port 0, then released).
int spare_port();

class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }
  RedisAddress address() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

}  // namespace pidigits::fcgi::testing
