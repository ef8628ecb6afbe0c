// Process plumbing shared by the service programs: a shutdown flag set from
// SIGTERM/SIGINT, and a pre-forking master that keeps N children alive
// (the php-fpm / nginx pattern), so a killed child is back within a second.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string_view>

namespace pidigits {

// getpid() without the system call (glibc keeps no cache of it): the pid read
// once, and read again after a fork (a pthread_atfork handler forgets it).
pid_t own_pid();

// Installs SIGTERM/SIGINT handlers that set the flag (and SIGPIPE ignored).
void install_shutdown_handlers();
bool shutdown_requested();
// Sets the flag as the handlers do (tests, or a fatal condition in a thread).
void request_shutdown();

// Forks `children` processes running child_main(index) and returns only when
// the master is asked to stop. A child that exits while the master runs is
// replaced: at once, or after a delay growing to 1 s if children keep dying
// within a second of starting. On SIGTERM/SIGINT the master sends SIGTERM to
// every child, waits up to grace_ms, then SIGKILLs what is left. Children get
// SIGTERM if the master dies (PR_SET_PDEATHSIG). child_main's return value is
// the child's exit status; it must install its own signal handling.
// on_child_died(index, pid), when given, runs in the master after a child
// died unasked (not during a requested stop) and before it is replaced: the
// place to clean up after it at once (pi-worker requeues its task).
// Returns the master's exit status (0 after a requested stop).
int run_prefork(std::string_view name, int children, const std::function<int(int)>& child_main,
                const std::function<void(int, pid_t)>& on_child_died = {}, int grace_ms = 3000);

}  // namespace pidigits
