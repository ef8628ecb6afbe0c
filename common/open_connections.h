// The Redis connections a process has open, by node (Sentinel mode only).
//
// When a node's host dies or is cut off, every connection to it hangs until
// its own command timeout. With several threads per process, each would wait
// out its timeout in turn, one request after another. Instead, the first
// connection that times out cuts the others to the same node short
// (shutdown()): threads blocked on them fail at once and retry on a fresh
// connection, which asks the sentinels for the primary.
#pragma once

#include <hiredis/hiredis.h>

#include <string>

namespace pidigits::open_connections {

void add(const std::string& node, redisContext* c);
// Forgets c and frees it. Under the lock cut_off() takes, so that a
// descriptor is never shut down after it was closed and reused.
void close(redisContext* c);
// Shuts down every connection to `node` but `except`; returns how many.
int cut_off(const std::string& node, const redisContext* except);

}  // namespace pidigits::open_connections
