// Finding the Redis primary through Sentinel (PI_REDIS_SENTINELS; README
// "Scaling out").
//
// A client asks the sentinels, one after another, for the address of the
// primary (`SENTINEL get-master-addr-by-name <master>`), connects there and
// checks with ROLE that the node is a primary indeed: during a failover the
// sentinels may still name the old one, and a demoted primary keeps accepting
// connections as a replica. Clients do this at every (re)connection, so after
// a failover they follow the new primary as soon as their connection to the
// old one fails or answers READONLY (RedisClient drops it then).
#pragma once

#include <hiredis/hiredis.h>

#include <cstddef>
#include <optional>
#include <string>

#include "pidigits/config.h"

namespace pidigits {

// Where to connect: `address` itself for a fixed server; with sentinels, a
// copy of it whose host and port are the primary they name. Sentinels are
// tried in turn from *preferred, which is set to the one that answered (so a
// dead sentinel costs one timeout per outage, not per connection).
// nullopt and *error (what each sentinel said) when none named a primary.
std::optional<RedisAddress> locate_redis(const RedisAddress& address, size_t* preferred,
                                         std::string* error);

// AUTH with `password` on a fresh context; true when accepted. A sentinel
// without a password of its own refuses AUTH: `optional` accepts that.
bool authenticate(redisContext* c, const std::string& password, bool optional, std::string* error);

// ROLE on a connected, authenticated context: true for a primary; false with
// *error for a replica (or a failed command).
bool check_primary(redisContext* c, std::string* error);

}  // namespace pidigits
