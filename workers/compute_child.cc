#include "compute_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>
#include <thread>

#include "child_protocol.h"
#include "pidigits/engine.h"

namespace pidigits::worker {
namespace {

constexpr int kPollMs = 100;

// RLIMIT_AS counts all address space, not just GMP's numbers. The forked
// child starts with the worker's whole mapping (code, libraries, the
// heartbeat thread's 8 MiB stack and 64 MiB malloc arena, reserved not used),
// so the limit is set from the child's own size at start plus the budget
// plus this slack. Measured here (Debian 12, glibc 2.36, x86-64; VmPeak minus
// VmSize before the run): 1e6 digits, 1 thread: +8.3 MiB (peak RSS 12 MiB,
// engine estimate 22.9 MiB); 1e7: +90 MiB (estimate 160 MiB); 1e6 with 2
// threads: +139 MiB, i.e. each engine thread adds an 8 MiB stack and a 64 MiB
// arena reservation. Tuning constants.
constexpr uint64_t kMarginSlack = 16ull << 20;
constexpr uint64_t kPerThreadSlack = (64ull + 8) << 20;

// The child's current address-space size (VmSize), from /proc/self/statm.
// Plain read(): after fork in a threaded process, the less library state the better.
uint64_t current_address_space() {
  int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[64] = {};
  ssize_t k = read(fd, text, sizeof text - 1);
  close(fd);
  uint64_t pages = 0;
  for (ssize_t i = 0; i < k && text[i] >= '0' && text[i] <= '9'; ++i)
    pages = pages * 10 + (text[i] - '0');
  return pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// The child: compute, report, _exit (never return: the parent's stack,
// destructors and atexit handlers are not ours to run).
[[noreturn]] void child_main(int fd, const ComputeRequest& request, pid_t parent) {
  // The parent decides when we stop (SIGKILL); a terminal's Ctrl-C goes to it.
  signal(SIGTERM, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);  // a write to a closed pipe fails instead (see on_progress)
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  if (request.memory_budget != 0) {
    rlim_t bytes = current_address_space() + request.memory_budget + kMarginSlack +
                   (request.threads > 1 ? request.threads * kPerThreadSlack : 0);
    rlimit limit{bytes, bytes};
    setrlimit(RLIMIT_AS, &limit);
  }

  std::atomic<bool> cancel{false};
  ComputeOptions options;
  options.threads = request.threads;
  options.cancel = &cancel;
  options.on_progress = [fd, &cancel](const Progress& progress) {
    Record record{kProgressRecord, static_cast<uint32_t>(progress.phase), progress.fraction, 0};
    // A failed write means the parent is gone: stop wasting the CPU.
    if (!write_all(fd, &record, sizeof record)) cancel.store(true);
  };

  std::string digits;
  std::string message;
  uint32_t code = kInternalError;
  try {
    ComputeResult result = compute_pi(request.n, options, &digits);
    code = static_cast<uint32_t>(result.error);
    message = result.message;
  } catch (const std::bad_alloc&) {
    code = static_cast<uint32_t>(ComputeError::kOutOfMemory);
    message = "out of memory";
  } catch (const std::exception& e) {
    message = e.what();
  }
  const std::string& payload =
      code == static_cast<uint32_t>(ComputeError::kNone) ? digits : message;
  Record record{kResultRecord, code, 1.0, payload.size()};
  bool sent =
      write_all(fd, &record, sizeof record) && write_all(fd, payload.data(), payload.size());
  _exit(sent ? 0 : 1);
}

// Waits for the child; SIGKILLs it first when `kill_first`.
int reap(pid_t pid, bool kill_first) {
  if (kill_first) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string describe_signal(int sig) {
  return "signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
}

// What the child's exit and its result (if any) mean together.
ChildResult interpret(RecordReader& reader, int status, uint64_t n) {
  ChildResult result;
  if (reader.has_result()) {
    auto code = static_cast<ComputeError>(reader.code());
    if (reader.code() == static_cast<uint32_t>(ComputeError::kNone)) {
      result.digits = std::move(reader.payload());
      if (result.digits.size() == n + 2 && result.digits.starts_with("3.")) {
        result.outcome = ChildOutcome::kDone;
      } else {
        result.outcome = ChildOutcome::kCrashed;
        result.message = "the compute child returned a malformed result";
      }
    } else if (code == ComputeError::kOutOfMemory) {
      result.outcome = ChildOutcome::kOutOfMemory;
      result.message = reader.payload();
    } else if (code == ComputeError::kCancelled) {
      result.outcome = ChildOutcome::kCrashed;
      result.message = "the computation was cancelled";
    } else {
      result.outcome = ChildOutcome::kFailed;
      result.message = reader.payload();
    }
    return result;
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    // Under RLIMIT_AS, GMP's failed allocation ends in abort(); the kernel's
    // OOM killer (or a cgroup limit) sends SIGKILL.
    result.outcome =
        sig == SIGABRT || sig == SIGKILL ? ChildOutcome::kOutOfMemory : ChildOutcome::kCrashed;
    result.message = "the compute child was killed by " + describe_signal(sig);
  } else {
    result.outcome = ChildOutcome::kCrashed;
    result.message = "the compute child exited with status " +
                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                     " without a result";
  }
  return result;
}

}  // namespace

ChildResult run_compute_child(const ComputeRequest& request, const ProgressSink& on_progress,
                              const std::function<bool()>& should_stop) {
  const auto start = std::chrono::steady_clock::now();
  auto finish = [start](ChildResult result) {
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  };
  auto failure = [&](ChildOutcome outcome, std::string why) {
    ChildResult result;
    result.outcome = outcome;
    result.message = std::move(why);
    return finish(std::move(result));
  };

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return failure(ChildOutcome::kCrashed,
                   std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    return failure(ChildOutcome::kCrashed, std::string("cannot fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    close(fds[0]);
    child_main(fds[1], request, parent);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);

  RecordReader reader(request.n, on_progress);
  bool eof = false;
  while (!eof) {
    if (should_stop()) {
      close(fds[0]);
      reap(pid, true);
      return failure(ChildOutcome::kStopped, "stopped");
    }
    pollfd p{fds[0], POLLIN, 0};
    int ready = poll(&p, 1, kPollMs);
    if (ready < 0 && errno != EINTR) {
      std::string why = std::string("cannot poll the compute child: ") + std::strerror(errno);
      close(fds[0]);
      reap(pid, true);
      return failure(ChildOutcome::kCrashed, why);
    }
    if (ready > 0 && !reader.drain(fds[0], &eof)) {
      close(fds[0]);
      reap(pid, true);
      return failure(ChildOutcome::kCrashed, reader.error());
    }
  }
  close(fds[0]);
  // The child closes the pipe by exiting; freeing a large heap takes a moment.
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (should_stop()) {
      reap(pid, true);
      return failure(ChildOutcome::kStopped, "stopped");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return finish(interpret(reader, status, request.n));
}

}  // namespace pidigits::worker
