#include "server.h"

#include <fcgiapp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>
#include <thread>
#include <vector>

#include "app.h"
#include "pidigits/keys.h"
#include "pidigits/log.h"
#include "pidigits/process.h"
#include "pidigits/subscriber.h"
#include "render_cache.h"
#include "request.h"
#include "request_metrics.h"
#include "response.h"
#include "router.h"

namespace pidigits::fcgi {
namespace {
constexpr auto kRedisTimeout = std::chrono::seconds(5);
// How often the child adds its request figures to pi:metrics:http.
constexpr auto kMetricsFlushEvery = std::chrono::seconds(1);
constexpr auto kMetricsRedisTimeout = std::chrono::seconds(1);
// Threads per request slot: a process has kThreadsPerSlot x --threads threads,
// at most --threads of them serve at once, and any of them may be waiting for
// a persisted Redis write. 4 made the tail of POSTs of new n worse on 2 cores
// (more runnable threads than get scheduled promptly), 2 and 3 did not.
constexpr int kThreadsPerSlot = 3;

// One thread's wait for the listening socket. EPOLLEXCLUSIVE: a connection
// wakes one of the waiting threads (of every process), not all of them, so
// threads kept for requests that wait on Redis cost nothing while idle.
class AcceptWait {
 public:
  explicit AcceptWait(int listen_fd) : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
    epoll_event wanted{};
    wanted.events = EPOLLIN | EPOLLEXCLUSIVE;
    if (epoll_fd_ < 0 || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd, &wanted) != 0) {
      log::error("cannot wait on the listening socket: ", std::strerror(errno));
      ok_ = false;
    }
  }
  ~AcceptWait() {
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }
  AcceptWait(const AcceptWait&) = delete;
  AcceptWait& operator=(const AcceptWait&) = delete;

  // Waits until the socket has a connection or kAcceptPollMs passed. False
  // when the socket is unusable (the thread should stop).
  bool wait() {
    if (!ok_) return false;
    epoll_event got{};
    int rc = epoll_wait(epoll_fd_, &got, 1, kAcceptPollMs);
    if (rc < 0 && errno != EINTR) return false;
    if (rc > 0 && (got.events & EPOLLERR) != 0) {
      log::error("listening socket failed; stopping this process");
      return false;
    }
    return true;
  }

 private:
  int epoll_fd_;
  bool ok_ = true;
};

void serve(int listen_fd, const Config& config, const TemplateTexts& texts, RenderCaches& cache,
           RequestMetrics& metrics, RequestSlots& slots) {
  RedisClient redis(config.redis, kRedisTimeout);
  Templates templates(texts);
  RequestSlot slot(slots);
  App app{config, redis, templates, cache, &slot};
  AcceptWait accept_wait(listen_fd);
  FCGX_Request request;
  if (FCGX_InitRequest(&request, listen_fd, 0) != 0) {
    log::error("cannot initialise a FastCGI request");
    request_shutdown();
    return;
  }
  while (!shutdown_requested()) {
    if (!slot.hold(std::chrono::milliseconds(kAcceptPollMs))) continue;
    // Accept first: under load a connection is usually waiting, and the poll
    // (one more system call per request) is needed only when none is. Another
    // thread or process may have taken it: then accept fails with EAGAIN.
    if (FCGX_Accept_r(&request) < 0) {
      if (!accept_wait.wait()) {
        request_shutdown();
        break;
      }
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    HttpRequest http = read_request(request);
    std::string_view pattern;
    Response response = route(http, app, &pattern);
    write_response(request.out, response, http.method == "HEAD");
    metrics.record(
        pattern, response.status,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    // libfcgi closes a connection gracefully: shutdown, then wait until the
    // web server closes its end, so that data still arriving cannot make our
    // side answer with a reset that would discard the response. When the
    // whole request was read there is nothing more to arrive (nginx sends no
    // more on a connection it does not keep), and a plain close saves three
    // system calls and a wait per request. Detach tells libfcgi so.
    if (http.body_drained) FCGX_Detach(&request);
    FCGX_Finish_r(&request);
  }
  FCGX_Free(&request, 0);
}

// Exceptions never leave a thread: an unexpected one stops this process and
// the master starts a fresh one.
void serve_thread(int listen_fd, const Config& config, const TemplateTexts& texts,
                  RenderCaches& cache, RequestMetrics& metrics, RequestSlots& slots) {
  try {
    serve(listen_fd, config, texts, cache, metrics, slots);
  } catch (const std::exception& e) {
    log::error("request thread failed: ", e.what());
    request_shutdown();
  } catch (...) {
    log::error("request thread failed with an unknown exception");
    request_shutdown();
  }
}
}  // namespace

std::atomic<uint64_t>* new_shared_counter() {
  // Between processes the atomic must work on the memory itself.
  static_assert(std::atomic<uint64_t>::is_always_lock_free);
  void* memory = mmap(nullptr, sizeof(std::atomic<uint64_t>), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  return new (memory) std::atomic<uint64_t>(0);
}

int run_child(int listen_fd, int threads, const Config& config, const TemplateTexts& texts,
              std::atomic<uint64_t>* deletions) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  // Blocked here, inherited by the threads: only sigtimedwait below takes them.
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  RenderCaches cache;
  cache.done.share_deletions(deletions);
  RequestMetrics metrics;
  // Keeps the done tasks' cache true to Redis (done_tasks.h); until it has
  // subscribed, that cache serves nothing.
  Subscriber events(config.redis, std::string(keys::deleted_events()), cache.done);
  events.start();
  // `threads` serve at once; the others stand in while requests wait for
  // Redis to persist a write (request_slots.h).
  RequestSlots slots(threads);
  const int all_threads = threads * kThreadsPerSlot;
  std::vector<std::thread> pool;
  pool.reserve(all_threads);
  for (int i = 0; i < all_threads; ++i) {
    pool.emplace_back(serve_thread, listen_fd, std::cref(config), std::cref(texts), std::ref(cache),
                      std::ref(metrics), std::ref(slots));
  }
  // The main thread waits for a stop signal and, meanwhile, flushes the
  // request figures (request_metrics.h) on a connection of its own, with a
  // short timeout: a stalled Redis must not hold up a stop for long.
  RedisClient redis(config.redis, kMetricsRedisTimeout);
  auto next_flush = std::chrono::steady_clock::now() + kMetricsFlushEvery;
  while (!shutdown_requested()) {
    timespec wait{0, kAcceptPollMs * 1'000'000L};
    if (sigtimedwait(&stop_signals, nullptr, &wait) > 0) request_shutdown();
    if (std::chrono::steady_clock::now() >= next_flush) {
      metrics.flush(redis);
      next_flush = std::chrono::steady_clock::now() + kMetricsFlushEvery;
    }
  }
  FCGX_ShutdownPending();
  events.stop();
  for (auto& thread : pool) thread.join();
  events.join();
  metrics.flush(redis);
  log::info("child stopped");
  return 0;
}

}  // namespace pidigits::fcgi
