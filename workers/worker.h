// One worker: the loop a pi-worker child process runs until SIGTERM.
//
// Start: reap its own id (a process that reused the pid of a dead worker
// inherits nothing), heartbeat (SET pi:worker:<id> + SADD pi:workers), start
// the heartbeat thread. Loop: BLMOVE pi:queue -> pi:processing:<id> with a 1 s
// server timeout (so a stop is noticed within about a second), then hand the n
// to a TaskRunner. Stop: the runner returns an unfinished task to the queue;
// then SREM pi:workers id and DEL the heartbeat.
#pragma once

#include "task_runner.h"

namespace pidigits::worker {

// REQUIRES: install_shutdown_handlers() was called (shutdown_requested() is
// how the loop learns to stop). Returns the process exit status (0).
int run_worker(const WorkerSettings& settings);

}  // namespace pidigits::worker
