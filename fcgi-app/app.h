// What a request handler works with: the settings, this thread's Redis
// connection and compiled templates (one of each per request thread), the
// process's caches of rendered text (shared by its threads), and the thread's
// request slot (request_slots.h; none in tests).
#pragma once

#include "pidigits/config.h"
#include "pidigits/redis.h"
#include "render_cache.h"
#include "request_slots.h"
#include "templates.h"

namespace pidigits::fcgi {

struct App {
  const Config& config;
  RedisClient& redis;
  Templates& templates;
  RenderCaches& cache;
  RequestSlot* slot = nullptr;

  // Called before a Redis write whose answer waits for an fsync (or replicas).
  void waiting_for_write() {
    if (slot != nullptr) slot->give_up();
  }
};

}  // namespace pidigits::fcgi
