// Test support shared by the component tests: throwaway redis-server
// processes on spare ports (no persistence, their own temporary folder),
// stopped and removed by the destructor. Tests run against real servers,
// never a mock. The settings go into a config file, so that a password never
// shows in the process list.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "pidigits/config.h"

namespace pidigits::testing {

// A TCP port the kernel just handed out and released: free unless someone
// takes it in the next few milliseconds (RedisServer retries if so).
int spare_port();

class RedisServer {
 public:
  RedisServer();  // starts the server and waits for PING; check ok()
  // `config` lines go into its redis.conf (e.g. "replicaof 127.0.0.1 7001");
  // a non-empty `password` sets requirepass and masterauth.
  explicit RedisServer(std::vector<std::string> config, std::string password = {});
  ~RedisServer();  // kills it and removes its folder
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }
  RedisAddress address() const;  // with the password
  void kill_now();               // SIGKILL, as a lost host would look
  // SIGSTOP / SIGCONT: connections stay open but nothing answers, as when the
  // host is cut off from the network.
  void freeze();
  void thaw();

 protected:
  // For SentinelServer: the program's extra argument ("--sentinel" or none).
  RedisServer(std::vector<std::string> config, std::string password, bool sentinel);

 private:
  bool start(int port);
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::vector<std::string> config_;
  std::string password_;
  bool sentinel_ = false;
};

// A redis-server in Sentinel mode watching one primary (quorum 1, so that a
// single sentinel may fail over; down after 1 s). With a password it needs
// AUTH itself and uses the password for the Redis servers too.
class SentinelServer : public RedisServer {
 public:
  SentinelServer(const std::string& master_name, int master_port, std::string password = {});
  HostPort endpoint() const { return HostPort{"127.0.0.1", port()}; }
};

}  // namespace pidigits::testing
