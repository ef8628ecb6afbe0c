#include "testing/redis_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

RedisServer::RedisServer() : RedisServer(std::vector<std::string>{}) {}

RedisServer::RedisServer(std::vector<std::string> config, std::string password)
    : RedisServer(std::move(config), std::move(password), false) {}

RedisServer::RedisServer(std::vector<std::string> config, std::string password, bool sentinel)
    : config_(std::move(config)), password_(std::move(password)), sentinel_(sentinel) {
  char dir[] = "/tmp/pi-test-redis-XXXXXX";
  if (mkdtemp(dir) == nullptr) return;
  dir_ = dir;
  for (int attempt = 0; attempt < 5 && !ok(); ++attempt) start(spare_port());
}

bool RedisServer::start(int port) {
  // Sentinel rewrites its config file: it must be writable, and new per try.
  const std::string conf = dir_ + "/redis.conf";
  {
    std::ofstream out(conf, std::ios::trunc);
    out << "bind 127.0.0.1\nport " << port << "\ndir " << dir_ << "\nlogfile " << dir_
        << "/redis.log\n";  // its chatter would drown the test output
    if (!sentinel_) {
      // A replica's first sync starts at once instead of after 5 s.
      out << "save \"\"\nappendonly no\nrepl-diskless-sync-delay 0\n";
    }
    if (!password_.empty()) {
      out << "requirepass \"" << password_ << "\"\n";
      if (!sentinel_) out << "masterauth \"" << password_ << "\"\n";
    }
    for (const auto& line : config_) out << line << '\n';
  }
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    if (sentinel_) {
      execlp("redis-server", "redis-server", conf.c_str(), "--sentinel",
             static_cast<char*>(nullptr));
    } else {
      execlp("redis-server", "redis-server", conf.c_str(), static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  RedisAddress address("127.0.0.1", port, password_);
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

void RedisServer::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void RedisServer::freeze() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void RedisServer::thaw() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

RedisServer::~RedisServer() {
  kill_now();
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

RedisAddress RedisServer::address() const { return RedisAddress("127.0.0.1", port_, password_); }

namespace {
std::vector<std::string> sentinel_config(const std::string& master, int master_port,
                                         const std::string& password) {
  std::vector<std::string> lines = {
      "sentinel monitor " + master + " 127.0.0.1 " + std::to_string(master_port) + " 1",
      "sentinel down-after-milliseconds " + master + " 1000",
      "sentinel failover-timeout " + master + " 5000",
  };
  if (!password.empty()) lines.push_back("sentinel auth-pass " + master + " \"" + password + "\"");
  return lines;
}
}  // namespace

SentinelServer::SentinelServer(const std::string& master_name, int master_port,
                               std::string password)
    : RedisServer(sentinel_config(master_name, master_port, password), password, true) {}

}  // namespace pidigits::testing
