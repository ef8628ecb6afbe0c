// One pre-forked pi-fcgi child: request threads sharing the listening FastCGI
// socket, each with its own FCGX_Request, RedisClient and templates: 3 x T
// threads, T of which serve at once while the others stand in for those that
// wait for Redis to persist a write (request_slots.h).
//
// Stopping: SIGTERM/SIGINT are blocked in every thread and taken by the
// child's main thread with sigtimedwait, so a signal never interrupts a
// request half-way. Request threads do not sit in a blocking FCGX_Accept_r:
// they accept on the (non-blocking) listening socket and, when no connection
// is waiting, wait for one (epoll, one thread woken per connection) with a
// short timeout and check the shutdown flag between waits, so a child stops
// within about kAcceptPollMs plus the request in flight. (shutdown() on the listening
// socket would wake them too, but it would also close the socket for the
// other children and the master, which share it.)
#pragma once

#include <atomic>
#include <cstdint>

#include "pidigits/config.h"
#include "templates.h"

namespace pidigits::fcgi {

inline constexpr int kAcceptPollMs = 100;

// REQUIRES: FCGX_Init() was called; listen_fd is O_NONBLOCK (several
// processes and threads race to accept; the losers must get EAGAIN, not block).
// deletions: the count of tasks deleted by any child, in memory the children
// share (new_shared_counter); nullptr when there is none (done_tasks.h).
// Returns the child's exit status once asked to stop.
int run_child(int listen_fd, int threads, const Config& config, const TemplateTexts& texts,
              std::atomic<uint64_t>* deletions);

// A counter in memory that processes forked after this call share; nullptr if
// the memory cannot be had.
std::atomic<uint64_t>* new_shared_counter();

}  // namespace pidigits::fcgi
