// What a request handler works with: the settings, this thread's Redis
// connection and compiled templates (one of each per request thread), and
// the process's caches of rendered text (shared by its threads).
#pragma once

#include "pidigits/config.h"
#include "pidigits/redis.h"
#include "render_cache.h"
#include "templates.h"

namespace pidigits::fcgi {

struct App {
  const Config& config;
  RedisClient& redis;
  Templates& templates;
  RenderCaches& cache;
};

}  // namespace pidigits::fcgi
