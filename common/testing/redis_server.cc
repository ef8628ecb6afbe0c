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

namespace pidigits::testing {

int spare_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

RedisServer::RedisServer() {
  char dir[] = "/tmp/pi-test-redis-XXXXXX";
  if (mkdtemp(dir) == nullptr) return;
  dir_ = dir;
  for (int attempt = 0; attempt < 5 && !ok(); ++attempt) start(spare_port());
}

bool RedisServer::start(int port) {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    std::string port_text = std::to_string(port);
    std::string log = dir_ + "/redis.log";  // its chatter would drown the test output
    execlp("redis-server", "redis-server", "--bind", "127.0.0.1", "--port", port_text.c_str(),
           "--save", "", "--appendonly", "no", "--dir", dir_.c_str(), "--logfile", log.c_str(),
           static_cast<char*>(nullptr));
    _exit(127);
  }
  RedisAddress address;
  address.port = port;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return false;  // port taken, or no redis-server
    RedisClient client(address, std::chrono::milliseconds(500));
    if (client.command({"PING"}).ok()) {
      pid_ = pid;
      port_ = port;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return false;
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

RedisAddress RedisServer::address() const {
  RedisAddress address;
  address.port = port_;
  return address;
}

}  // namespace pidigits::testing
