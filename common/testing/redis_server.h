// Test support shared by the component tests: a throwaway redis-server on a
// spare port (no persistence, its own temporary folder), stopped and removed
// by the destructor. Tests run against a real server, never a mock.
#pragma once

#include <sys/types.h>

#include <string>

#include "pidigits/config.h"

namespace pidigits::testing {

// A TCP port the kernel just handed out and released: free unless someone
// takes it in the next few milliseconds (RedisServer retries if so).
int spare_port();

class RedisServer {
 public:
  RedisServer();   // starts the server and waits for PING; check ok()
  ~RedisServer();  // kills it and removes its folder
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }
  RedisAddress address() const;

 private:
  bool start(int port);
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

}  // namespace pidigits::testing
