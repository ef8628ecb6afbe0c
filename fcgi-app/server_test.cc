// The pi-fcgi binary over real FastCGI (a tiny client, no nginx): start-up
// checks, a few requests, and stopping within a second of SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "testing/fcgi_client.h"
#include "testing/redis_test.h"

namespace pidigits::fcgi {
namespace {
using Clock = std::chrono::steady_clock;
using testing::fcgi_request;
using testing::http_params;

// Starts pi-fcgi with `args`, stderr to `log_path`; returns its pid.
pid_t start(const std::vector<std::string>& args, int redis_port, const std::string& log_path) {
  pid_t pid = fork();
  if (pid == 0) {
    freopen(log_path.c_str(), "w", stderr);
    setenv("PI_REDIS_PORT", std::to_string(redis_port).c_str(), 1);
    unsetenv("PI_REDIS_URL");
    setenv("PI_MAX_QUEUE", "100", 1);
    std::vector<char*> argv{const_cast<char*>(PI_FCGI_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(PI_FCGI_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Exit status of pid, waiting at most timeout; -1 if still running.
int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  std::ifstream in("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) +
                   "/children");
  for (pid_t pid; in >> pid;) out.push_back(pid);
  return out;
}

bool gone_or_zombie(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_text, comm, state;
  if (!(stat >> pid_text >> comm >> state)) return true;
  return state == "Z";
}

class ServerTest : public testing::RedisTest {
 protected:
  std::string log_path_ = "/tmp/pi-fcgi-test-" + std::to_string(getpid()) + ".log";
  void TearDown() override { unlink(log_path_.c_str()); }
};

TEST_F(ServerTest, BadFlagOrTemplateStopsTheStartWithOneLine) {
  pid_t pid = start({"--procs", "0"}, server_->port(), log_path_);
  EXPECT_EQ(wait_exit(pid, std::chrono::seconds(5)), 2);
  EXPECT_EQ(read_all(log_path_), "pi-fcgi: --procs must be an integer from 1 to 64, got '0'\n");
  pid = start({"--templates", "/nonexistent"}, server_->port(), log_path_);
  EXPECT_EQ(wait_exit(pid, std::chrono::seconds(5)), 2);
  EXPECT_EQ(read_all(log_path_), "pi-fcgi: cannot read template /nonexistent/index.mustache\n");
}

TEST_F(ServerTest, ServesRequestsAndStopsWithinASecond) {
  const int port = testing::spare_port();
  pid_t master = start({"--listen", "127.0.0.1:" + std::to_string(port), "--procs", "2",
                        "--threads", "2", "--templates", PI_FCGI_TESTDATA},
                       server_->port(), log_path_);
  testing::FcgiReply health;
  for (int i = 0; i < 100 && !health.ok; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    health = fcgi_request(port, http_params("GET", "/healthz"));
  }
  ASSERT_TRUE(health.ok) << health.error << "\n" << read_all(log_path_);
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"digits":0,"queue":0,"status":"ok","workers":0})");
  EXPECT_EQ(health.headers["Cache-Control"], "no-store");
  EXPECT_EQ(health.headers["X-Content-Type-Options"], "nosniff");

  auto created =
      fcgi_request(port, http_params("POST", "/api/tasks", "", "application/json"), R"({"n": 12})");
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["Location"], "/api/tasks/12");
  // CONTENT_LENGTH is not trusted: a large body is cut at the cap and refused.
  auto params = http_params("POST", "/api/tasks", "", "application/json");
  params["CONTENT_LENGTH"] = "5";
  auto big = fcgi_request(port, params, "{\"n\": 1, \"pad\": \"" + std::string(8000, 'x') + "\"}");
  EXPECT_EQ(big.status, 413) << big.error;
  put_digits("3.14159265358979");
  auto text = fcgi_request(port, http_params("GET", "/pi/12.txt"));
  EXPECT_EQ(text.body, "3.141592653589");
  EXPECT_EQ(text.headers["Content-Type"], "text/plain; charset=utf-8");
  auto head = fcgi_request(port, http_params("HEAD", "/pi/12.txt"));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_NE(read_all(log_path_).find("task 12 registered (id 1)"), std::string::npos);

  // A child stops within a second of SIGTERM (the master then replaces it).
  std::vector<pid_t> children = children_of(master);
  ASSERT_EQ(children.size(), 2u);
  auto t0 = Clock::now();
  kill(children[0], SIGTERM);
  while (!gone_or_zombie(children[0]) && Clock::now() - t0 < std::chrono::seconds(3)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(1));
  EXPECT_EQ(fcgi_request(port, http_params("GET", "/healthz")).status, 200);

  // The master and all children stop within a second too.
  t0 = Clock::now();
  kill(master, SIGTERM);
  EXPECT_EQ(wait_exit(master, std::chrono::seconds(3)), 0);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(1));
  for (pid_t child : children_of(master)) EXPECT_TRUE(gone_or_zombie(child));
}

}  // namespace
}  // namespace pidigits::fcgi
