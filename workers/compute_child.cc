#include "compute_child.h"

#include <fcntl.h>
#include <gmp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>
#include <tuple>
#include <utility>

#include "child_protocol.h"
#include "pidigits/digits.h"
#include "pidigits/engine.h"

namespace pidigits::worker {
namespace {

constexpr int kPollMs = 100;
// While Redis is out of reach the child keeps its digits and tries again.
constexpr auto kStageRetryPause = std::chrono::seconds(1);

// RLIMIT_AS counts all address space, not just GMP's numbers. The forked
// child starts with the worker's whole mapping (code, libraries, the
// heartbeat thread's 8 MiB stack and 64 MiB malloc arena, reserved not used),
// so the limit is set from the child's own size at start plus the budget
// plus this slack. Measured here (Debian 12, glibc 2.36, x86-64; VmPeak minus
// VmSize before the run): 1e6 digits, 1 thread: +8.3 MiB (peak RSS 12 MiB,
// engine estimate 22.9 MiB); 1e7: +90 MiB (estimate 160 MiB); 1e6 with 2
// threads: +139 MiB, i.e. each engine thread adds an 8 MiB stack and a 64 MiB
// arena reservation. Staging the digits adds a few MiB of Redis buffers.
// Tuning constants.
constexpr uint64_t kMarginSlack = 24ull << 20;
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

// The child's pipe, for the allocation-failure path below.
int g_child_fd = -1;

// GMP's allocation functions in the child: GMP's own behaviour, except that a
// failure (the RLIMIT_AS budget reached) is reported on the pipe as
// kOutOfMemory before the child exits, where GMP would abort() and look like
// any other crash. Only async-signal-safe calls after the failure: the heap
// may be in any state.
[[noreturn]] void report_out_of_memory() {
  static constexpr char kMessage[] = "an allocation failed under the memory limit";
  Record record{kResultRecord, static_cast<uint32_t>(ComputeError::kOutOfMemory), 0,
                sizeof kMessage - 1};
  write_all(g_child_fd, &record, sizeof record);
  write_all(g_child_fd, kMessage, sizeof kMessage - 1);
  _exit(3);
}

void* gmp_allocate(size_t bytes) {
  void* p = std::malloc(bytes);
  if (p == nullptr) report_out_of_memory();
  return p;
}

void* gmp_reallocate(void* old, size_t, size_t bytes) {
  void* p = std::realloc(old, bytes);
  if (p == nullptr) report_out_of_memory();
  return p;
}

void gmp_free(void* p, size_t) { std::free(p); }

bool send_result(int fd, uint32_t code, const std::string& payload) {
  Record record{kResultRecord, code, 1.0, payload.size()};
  return write_all(fd, &record, sizeof record) && write_all(fd, payload.data(), payload.size());
}

// Stages the digits, waiting out Redis outages (the parent kills us if it must
// stop). Returns the result record's code and payload.
std::pair<uint32_t, std::string> stage_digits(const ComputeRequest& request,
                                              const std::string& digits) {
  RedisClient redis(request.redis);
  for (;;) {
    auto staged = digits::stage(redis, request.worker, digits, request.chunk_bytes);
    if (staged.ok()) {
      return {static_cast<uint32_t>(ComputeError::kNone),
              std::to_string(staged->length) + " " + std::to_string(staged->chunk_bytes) + " " +
                  std::to_string(staged->first_chunk)};
    }
    if (staged.status().code() != Status::Code::kUnavailable) {
      return {kStoreFailed, "cannot store the digits: " + staged.status().message()};
    }
    std::this_thread::sleep_for(kStageRetryPause);
  }
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The child: compute, report, stage, _exit (never return: the parent's stack,
// destructors and atexit handlers are not ours to run).
[[noreturn]] void child_main(int fd, const ComputeRequest& request, pid_t parent) {
  // The parent decides when we stop (SIGKILL); a terminal's Ctrl-C goes to it.
  signal(SIGTERM, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);  // a write to a closed pipe fails instead (see on_progress)
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  g_child_fd = fd;
  mp_set_memory_functions(gmp_allocate, gmp_reallocate, gmp_free);
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
  std::string payload;
  uint32_t code = kInternalError;
  try {
    ComputeResult result = compute_pi(request.n, options, &digits);
    code = static_cast<uint32_t>(result.error);
    payload = result.message;
    if (result.error == ComputeError::kNone) {
      Record computed{kComputedRecord, 0, cpu_seconds(), result.peak_rss_bytes};
      if (!write_all(fd, &computed, sizeof computed)) _exit(1);
      std::tie(code, payload) = stage_digits(request, digits);
    }
  } catch (const std::bad_alloc&) {
    code = static_cast<uint32_t>(ComputeError::kOutOfMemory);
    payload = "out of memory";
  } catch (const std::exception& e) {
    payload = e.what();
  }
  _exit(send_result(fd, code, payload) ? 0 : 1);
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

// "<length> <chunk_bytes> <first_chunk>" -> Staged; false if malformed.
bool parse_staged(const std::string& text, uint64_t n, lifecycle::Staged* staged) {
  unsigned long long length = 0, chunk = 0, first = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%llu %llu %llu%c", &length, &chunk, &first, &extra) != 3) {
    return false;
  }
  if (length != 0 && (length != n + 2 || chunk == 0 || first > length / chunk)) return false;
  *staged = lifecycle::Staged{length, chunk, first};
  return true;
}

// What the child's exit and its result (if any) mean together.
ChildResult interpret(const RecordReader& reader, int status, uint64_t n) {
  ChildResult result;
  if (reader.has_result()) {
    const uint32_t code = reader.code();
    if (code == static_cast<uint32_t>(ComputeError::kNone)) {
      if (parse_staged(reader.payload(), n, &result.staged)) {
        result.outcome = ChildOutcome::kDone;
      } else {
        result.outcome = ChildOutcome::kCrashed;
        result.message = "the compute child returned a malformed result";
      }
    } else if (code == static_cast<uint32_t>(ComputeError::kOutOfMemory)) {
      result.outcome = ChildOutcome::kOutOfMemory;
      result.message = reader.payload();
    } else if (code == static_cast<uint32_t>(ComputeError::kCancelled)) {
      result.outcome = ChildOutcome::kCrashed;
      result.message = "the computation was cancelled";
    } else {
      result.outcome = ChildOutcome::kFailed;
      result.message = reader.payload();
    }
    return result;
  }
  // No result: killed from outside (an operator, the kernel's OOM killer acting
  // for the whole machine) or a crash. Neither says that this n cannot be
  // computed within its budget (the child reports that itself), so it is
  // worth another attempt.
  result.outcome = ChildOutcome::kCrashed;
  if (WIFSIGNALED(status)) {
    result.message = "the compute child was killed by " + describe_signal(WTERMSIG(status));
  } else {
    result.message = "the compute child exited with status " +
                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                     " without a result";
  }
  return result;
}

}  // namespace

ChildResult run_compute_child(const ComputeRequest& request, const ChildCallbacks& callbacks) {
  const auto start = std::chrono::steady_clock::now();
  auto should_stop = [&] { return callbacks.should_stop && callbacks.should_stop(); };
  lifecycle::Usage usage;
  ComputedSink on_computed = [&](double cpu, uint64_t peak_rss_bytes) {
    usage.cpu_ms = static_cast<int64_t>(cpu * 1000);
    usage.peak_rss_bytes = static_cast<int64_t>(peak_rss_bytes);
    if (callbacks.on_computed) callbacks.on_computed(cpu, peak_rss_bytes);
  };
  auto finish = [&](ChildResult result) {
    result.usage = usage;
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

  RecordReader reader(callbacks.on_progress, on_computed);
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
