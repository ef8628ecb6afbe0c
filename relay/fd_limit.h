// The open-file limit (RLIMIT_NOFILE) of the relay and of relay_bench: every
// WebSocket client is a descriptor, and a shell's `ulimit -n 1024` must not
// decide how many clients the relay can hold.
#pragma once

#include <cstdint>

namespace pidigits::relay {

// Raises this process's soft limit on open files toward `wanted`: up to the
// hard limit, and past it when the process may (root, CAP_SYS_RESOURCE).
// Never lowers it. Returns the soft limit in effect afterwards.
uint64_t raise_fd_limit(uint64_t wanted);

}  // namespace pidigits::relay
