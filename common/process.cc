#include "pidigits/process.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include "pidigits/log.h"

namespace pidigits {
namespace {
// Lock-free, so it is safe to set from a signal handler.
std::atomic<bool> g_shutdown{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_signal(int) { g_shutdown.store(true); }

using Clock = std::chrono::steady_clock;

std::atomic<pid_t> g_pid{0};
void forget_pid() { g_pid.store(0, std::memory_order_relaxed); }
// Registered before main(), so no fork can happen before it.
[[maybe_unused]] const int g_pid_hook = pthread_atfork(nullptr, nullptr, forget_pid);
}  // namespace

pid_t own_pid() {
  pid_t pid = g_pid.load(std::memory_order_relaxed);
  if (pid == 0) {
    pid = getpid();
    g_pid.store(pid, std::memory_order_relaxed);
  }
  return pid;
}

void install_shutdown_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: blocking calls return EINTR so loops notice the flag.
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool shutdown_requested() { return g_shutdown.load(); }
void request_shutdown() { g_shutdown.store(true); }

int run_prefork(std::string_view name, int children, const std::function<int(int)>& child_main,
                const std::function<void(int, pid_t)>& on_child_died, int grace_ms) {
  install_shutdown_handlers();
  const pid_t master = getpid();
  std::map<pid_t, int> running;                    // pid -> child index
  std::map<int, Clock::time_point> started;        // index -> last start
  std::map<int, std::chrono::milliseconds> delay;  // index -> restart delay
  std::map<int, Clock::time_point> due;            // index -> when to start it

  auto spawn = [&](int index) {
    pid_t pid = fork();
    if (pid < 0) {
      log::error(name, ": fork failed: ", std::strerror(errno));
      due[index] = Clock::now() + std::chrono::seconds(1);
      return;
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != master) _exit(0);  // the master died before prctl
      signal(SIGTERM, SIG_DFL);
      signal(SIGINT, SIG_DFL);
      _exit(child_main(index));
    }
    running[pid] = index;
    started[index] = Clock::now();
  };

  for (int i = 0; i < children; ++i) spawn(i);
  log::info(name, ": master started ", children, " children");

  while (!shutdown_requested()) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      auto it = running.find(pid);
      if (it == running.end()) continue;
      int index = it->second;
      running.erase(it);
      std::string how = WIFSIGNALED(status)
                            ? "killed by signal " + std::to_string(WTERMSIG(status))
                            : "exited with status " + std::to_string(WEXITSTATUS(status));
      // A child that dies right after starting is restarted less and less eagerly.
      auto& d = delay[index];
      bool quick = Clock::now() - started[index] < std::chrono::seconds(1);
      d = quick ? std::min(std::max(d * 2, std::chrono::milliseconds(100)),
                           std::chrono::milliseconds(1000))
                : std::chrono::milliseconds(0);
      log::warn(name, ": child ", index, " (pid ", pid, ") ", how, "; restarting in ", d.count(),
                " ms");
      if (on_child_died) on_child_died(index, pid);
      due[index] = Clock::now() + d;
      continue;
    }
    for (auto it = due.begin(); it != due.end();) {
      if (Clock::now() >= it->second) {
        spawn(it->first);
        it = due.erase(it);
      } else {
        ++it;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  log::info(name, ": stopping ", running.size(), " children");
  for (const auto& [pid, index] : running) kill(pid, SIGTERM);
  auto deadline = Clock::now() + std::chrono::milliseconds(grace_ms);
  while (!running.empty() && Clock::now() < deadline) {
    pid_t pid = waitpid(-1, nullptr, WNOHANG);
    if (pid > 0) {
      running.erase(pid);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  for (const auto& [pid, index] : running) {
    log::warn(name, ": child ", index, " (pid ", pid, ") did not stop in time; killing it");
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  log::info(name, ": master stopped");
  return 0;
}

}  // namespace pidigits
