#include "testing/redis_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "pidigits/redis.h"

namespace pidigits::fcgi::testing {

int spare_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

RedisServer::RedisServer() {
  char dir[] = "/tmp/pi-fcgi-redis-XXXXXX";
  if (mkdtemp(dir) == nullptr) return;
  dir_ = dir;
  port_ = spare_port();
  std::string port = std::to_string(port_);
  pid_ = fork();
  if (pid_ == 0) {
    // Its start-up chatter would drown the test output.
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save",
           "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning",
           static_cast<char*>(nullptr));
    _exit(127);
  }
  // Ready when it answers PING (within 5 s).
  RedisClient client(address(), std::chrono::seconds(1));
  for (int i = 0; i < 100; ++i) {
    if (client.command({"PING"}).ok()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    client.connect();
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

RedisAddress RedisServer::address() const {
  RedisAddress address;
  address.host = "127.0.0.1";
  address.port = port_;
  return address;
}

}  // namespace pidigits::fcgi::testing
