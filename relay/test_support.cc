#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace pidigits::relay {
namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}
}  // namespace

pid_t spawn(const std::vector<std::string>& args, int redis_port, const std::string& log_path,
            const SpawnOptions& options) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  FILE* log = std::fopen(log_path.c_str(), "a");
  if (log != nullptr) {
    dup2(fileno(log), STDOUT_FILENO);
    dup2(fileno(log), STDERR_FILENO);
  }
  setenv("PI_REDIS_PORT", std::to_string(redis_port).c_str(), 1);
  unsetenv("PI_REDIS_URL");
  unsetenv("PI_ALLOWED_ORIGINS");
  for (const auto& [name, value] : options.env) setenv(name.c_str(), value.c_str(), 1);
  if (options.soft_fd_limit > 0) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = static_cast<rlim_t>(options.soft_fd_limit);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  _exit(127);
}

long fd_limit_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    // "Max open files            1024                 4096                 files"
    if (line.rfind("Max open files", 0) == 0) return std::atol(line.c_str() + 14);
  }
  return -1;
}

std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }
    std::this_thread::sleep_for(5ms);
  }
  return std::nullopt;
}

void kill_and_reap(pid_t& pid) {
  if (pid <= 0) return;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  pid = -1;
}

RawConn::RawConn(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  // Short, so receive() can watch its own deadline.
  timeval tv{0, 200'000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr = loopback(port);
  connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

RawConn::RawConn(const std::string& unix_path) {
  fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
  timeval tv{0, 200'000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", unix_path.c_str());
  connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

RawConn::~RawConn() { close(fd_); }

void RawConn::send(std::string_view data) {
  ssize_t ignored = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
  (void)ignored;
}

std::string RawConn::receive(std::chrono::milliseconds timeout, bool* closed) {
  std::string out;
  auto deadline = Clock::now() + timeout;
  char buf[4096];
  while (Clock::now() < deadline) {
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      if (closed != nullptr) *closed = true;
      return out;
    }
  }
  if (closed != nullptr) *closed = false;
  return out;
}

std::string RawConn::upgrade(std::string_view extra_headers) {
  send(
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
      std::string(extra_headers) + "\r\n");
  // Byte by byte, so that nothing after the head is consumed.
  std::string head;
  char c;
  auto deadline = Clock::now() + 2s;
  while (Clock::now() < deadline && head.find("\r\n\r\n") == std::string::npos) {
    if (recv(fd_, &c, 1, 0) == 1) head += c;
  }
  return head;
}

HttpResponse http_get(int port, const std::string& path) {
  RawConn conn(port);
  conn.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  std::string text = conn.receive(2s);
  HttpResponse r;
  if (text.rfind("HTTP/1.1 ", 0) == 0) r.status = std::atoi(text.c_str() + 9);
  auto end = text.find("\r\n\r\n");
  if (end != std::string::npos) r.body = text.substr(end + 4);
  return r;
}

}  // namespace pidigits::relay
