// End to end: the real pi-worker program (PI_WORKER_BIN) against a throwaway
// Redis: a task computed and stored; a worker SIGKILLed mid-task and its task
// requeued by the reaper and finished by another process; SIGTERM mid-task.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "pidigits/engine.h"
#include "pidigits/keys.h"
#include "testing/fixture.h"

extern char** environ;

namespace pidigits::worker {
namespace {

using Clock = std::chrono::steady_clock;
using pidigits::testing::EventListener;
using pidigits::testing::RedisTest;

// "host:pid:token" -> pid.
pid_t pid_of(const std::string& worker) {
  size_t token = worker.rfind(':');
  size_t pid = worker.rfind(':', token - 1);
  return std::stoi(worker.substr(pid + 1, token - pid - 1));
}

// A pi-worker master process with its stderr in a file (shown if a test fails).
class WorkerProcess {
 public:
  WorkerProcess(int redis_port, int procs)
      : log_("/tmp/pi-worker-e2e-" + std::to_string(getpid()) + ".log") {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string var = *e;
      if (!var.starts_with("PI_")) env.push_back(var);
    }
    env.push_back("PI_REDIS_PORT=" + std::to_string(redis_port));
    env.push_back("PI_WORKER_MEMORY_MB=2048");
    std::string procs_text = std::to_string(procs);
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = std::freopen(log_.c_str(), "w", stderr);
      (void)f;
      std::vector<char*> envp;
      for (auto& v : env) envp.push_back(v.data());
      envp.push_back(nullptr);
      const char* argv[] = {PI_WORKER_BIN, "--procs", procs_text.c_str(), nullptr};
      execve(PI_WORKER_BIN, const_cast<char**>(argv), envp.data());
      _exit(127);
    }
  }
  ~WorkerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (::testing::Test::HasFailure()) {
      std::ifstream in(log_);
      std::stringstream text;
      text << in.rdbuf();
      std::fprintf(stderr, "---- pi-worker log ----\n%s----\n", text.str().c_str());
    }
    std::remove(log_.c_str());
  }
  // SIGTERM, then waits up to `limit`; the exit status, or -1 if still running.
  int terminate(std::chrono::milliseconds limit) {
    kill(pid_, SIGTERM);
    auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  std::string log_;
};

class WorkerE2ETest : public RedisTest {
 protected:
  // Polls the task until pred holds or the time is up.
  std::optional<Task> wait_for(uint64_t n, const std::function<bool(const Task&)>& pred,
                               std::chrono::seconds limit) {
    auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      auto t = task(n);
      if (t && pred(*t)) return t;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }
  size_t workers_registered() {
    return redis_->command({"SMEMBERS", keys::workers()}).strings().size();
  }
};

TEST_F(WorkerE2ETest, ComputesAndStoresATask) {
  WorkerProcess worker(server_->port(), 1);
  submit_task(1000);
  auto t = wait_for(
      1000, [](const Task& t) { return t.stage == Stage::kStored; }, std::chrono::seconds(20));
  ASSERT_TRUE(t) << "not stored in time";
  std::string pi;
  ASSERT_EQ(compute_pi(1000, ComputeOptions{}, &pi).error, ComputeError::kNone);
  EXPECT_EQ(t->digit, pi[1001] - '0');
  EXPECT_EQ(stored_digits(), pi);
  EXPECT_EQ(workers_registered(), 1u);

  EXPECT_EQ(worker.terminate(std::chrono::seconds(3)), 0);
  EXPECT_EQ(workers_registered(), 0u);
}

TEST_F(WorkerE2ETest, KilledWorkersTaskIsRequeuedAndFinishedByAnother) {
  constexpr uint64_t n = 2'000'000;
  WorkerProcess worker(server_->port(), 1);
  EventListener events(address(), std::chrono::seconds(40));
  submit_task(n);
  // Wait for the event (not just the hash) so the victim's "taken" is out.
  auto first = events.read_until([](const EventListener::Event& e) { return e.stage == "taken"; });
  ASSERT_FALSE(first.empty());
  const std::string victim = first.back().worker;
  pid_t pid = pid_of(victim);
  ASSERT_EQ(kill(pid, SIGKILL), 0);

  // The master requeues the task of its dead child at once and starts a new
  // child, which takes it.
  auto seen = events.read_until([&](const EventListener::Event& e) {
    return e.n == n && (e.stage == "stored" || e.stage == "error");
  });
  seen.insert(seen.begin(), first.back());
  // Taken by the victim, then (after a "scheduled" event, unless the new
  // child took it before the reaper's event was read) by another worker.
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().stage, "taken");
  EXPECT_EQ(seen.front().worker, victim);
  EXPECT_EQ(seen.back().stage, "stored");
  EXPECT_NE(seen.back().worker, victim);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i].seq, seen[i - 1].seq);
  auto t = task(n);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->stage, Stage::kStored);
  EXPECT_NE(t->worker, victim);
  EXPECT_EQ(t->attempts, 2);  // the crash counted
  EXPECT_EQ(t->digit, 9);     // decimals 1999991-2000000: 1457297909 (computed with the engine)
  EXPECT_TRUE(list(keys::processing(victim)).empty());
  EXPECT_EQ(redis_->command({"SISMEMBER", keys::workers(), victim}).integer(), 0);
}

// The compute child is the worker's only child (forked by its main thread).
pid_t compute_child_of(pid_t worker, std::chrono::seconds limit) {
  auto deadline = Clock::now() + limit;
  const std::string path =
      "/proc/" + std::to_string(worker) + "/task/" + std::to_string(worker) + "/children";
  while (Clock::now() < deadline) {
    std::ifstream in(path);
    pid_t child = 0;
    if (in >> child && child > 0) return child;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

TEST_F(WorkerE2ETest, CrashedComputationIsRetried) {
  constexpr uint64_t n = 2'000'000;
  WorkerProcess worker(server_->port(), 1);
  submit_task(n);
  auto taken = wait_for(
      n, [](const Task& t) { return t.stage == Stage::kTaken; }, std::chrono::seconds(10));
  ASSERT_TRUE(taken);
  pid_t pid = pid_of(taken->worker);
  pid_t child = compute_child_of(pid, std::chrono::seconds(5));
  ASSERT_GT(child, 0);
  ASSERT_EQ(kill(child, SIGSEGV), 0);

  auto t = wait_for(
      n, [](const Task& t) { return t.stage == Stage::kStored; }, std::chrono::seconds(40));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->attempts, 2);  // the crash counted; the same worker survived and retried
  EXPECT_EQ(t->worker, taken->worker);
  EXPECT_EQ(t->digit, 9);
}

TEST_F(WorkerE2ETest, SigtermMidTaskStopsQuicklyAndRequeues) {
  constexpr uint64_t n = 30'000'000;
  WorkerProcess worker(server_->port(), 1);
  submit_task(n);
  auto taken = wait_for(
      n, [](const Task& t) { return t.stage == Stage::kTaken && t.progress > 0; },
      std::chrono::seconds(20));
  ASSERT_TRUE(taken);
  auto start = Clock::now();
  EXPECT_EQ(worker.terminate(std::chrono::seconds(2)), 0);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));

  EXPECT_EQ(list(std::string(keys::queue())), std::vector<std::string>{std::to_string(n)});
  auto t = task(n);
  EXPECT_EQ(t->stage, Stage::kScheduled);
  EXPECT_EQ(t->attempts, 0);  // a requested stop is not a failure
  EXPECT_EQ(workers_registered(), 0u);
  EXPECT_TRUE(redis_->command({"KEYS", "pi:worker:*"}).strings().empty());
  EXPECT_TRUE(redis_->command({"KEYS", "pi:processing:*"}).strings().empty());
}

}  // namespace
}  // namespace pidigits::worker
