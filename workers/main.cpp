// pi-worker [--procs N] [--threads T]: a pre-forking master keeping N worker
// processes alive; each takes tasks from Redis and computes them (worker.h).
#include <cstdio>
#include <string>
#include <vector>

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
  std::string error;
  auto options = worker::parse_options(std::vector<std::string>(argv + 1, argv + argc), &error);
  if (!options) {
    std::fprintf(stderr, "pi-worker: %s\n", error.c_str());
    return 2;
  }
  if (options->help) {
    std::printf("%s\n", worker::usage());
    return 0;
  }
  auto config = load_config(&error);
  if (!config) {
    std::fprintf(stderr, "pi-worker: %s\n", error.c_str());
    return 2;
  }
  log::set_program("pi-worker");
  const int procs = options->procs != 0 ? options->procs : worker::default_procs();

  auto work = [&](int) {
    install_shutdown_handlers();
    worker::WorkerSettings settings;
    settings.id = worker::make_worker_id();  // after fork: our own pid
    settings.redis = config->redis;
    settings.max_digits = config->max_digits;
    settings.memory_budget = config->worker_memory;
    settings.threads = options->threads;
    return worker::run_worker(settings);
  };
  // A child that died (SIGKILL, crash) cannot put its task back itself: the
  // master knows its pid, hence its id, and requeues at once instead of
  // waiting for its heartbeat to expire (the reaper remains for lost machines).
  auto requeue_task_of = [&](int, pid_t pid) {
    RedisClient redis(config->redis, std::chrono::seconds(2));
    if (worker::reap_and_announce(redis, worker::host_name() + ":" + std::to_string(pid)) < 0) {
      log::warn("cannot requeue the task of worker pid ", pid, " now; the reaper will");
    }
  };
  return run_prefork("pi-worker", procs, work, requeue_task_of);
}
