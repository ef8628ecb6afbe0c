// pi-worker [--procs N] [--threads T]: a pre-forking master keeping N worker
// processes alive; each takes tasks from Redis and computes them (worker.h).
#include <unistd.h>

#include <cstdio>
#include <string>

#include "heartbeat.h"
#include "options.h"
#include "pidigits/config.h"
#include "pidigits/log.h"
#include "pidigits/process.h"
#include "pidigits/redis.h"
#include "worker.h"
#include "worker_id.h"

int main(int argc, char** argv) {
  using namespace pidigits;
  auto options = worker::parse_options(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "pi-worker: %s\n", options.status().message().c_str());
    return 2;
  }
  if (options->help) {
    std::printf("%s\n", worker::kUsage);
    return 0;
  }
  auto config = load_config();
  if (!config.ok()) {
    std::fprintf(stderr, "pi-worker: %s\n", config.status().message().c_str());
    return 2;
  }
  log::set_program("pi-worker");
  const int procs = options->procs != 0 ? options->procs : config->workers;
  const std::string token = worker::new_worker_token();

  auto work = [&](int) {
    install_shutdown_handlers();
    worker::WorkerSettings settings;
    settings.id = worker::worker_id(getpid(), token);  // after fork: our own pid
    settings.redis = config->redis;
    settings.max_digits = config->max_digits;
    settings.memory_budget = config->worker_memory;
    settings.threads = options->threads;
    settings.chunk_bytes = config->digits_chunk_bytes;
    return worker::run_worker(settings);
  };
  // A child that died (SIGKILL, crash) cannot put its task back itself: the
  // master knows its pid, hence its id, and requeues at once instead of
  // waiting for its heartbeat to expire (the reaper remains for lost machines).
  auto requeue_task_of = [&](int, pid_t pid) {
    RedisClient redis(config->redis, std::chrono::seconds(2));
    if (worker::reap_worker(redis, worker::worker_id(pid, token)) < 0) {
      log::warn("cannot requeue the task of worker pid ", pid, " now; the reaper will");
    }
  };
  return run_prefork("pi-worker", procs, work, requeue_task_of);
}
