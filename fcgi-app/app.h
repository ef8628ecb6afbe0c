// What a request handler works with: the settings, and this thread's Redis
// connection and compiled templates (one of each per request thread).
#pragma once

#include "pidigits/config.h"
#include "pidigits/redis.h"
#include "templates.h"

namespace pidigits::fcgi {

struct App {
  const Config& config;
  RedisClient& redis;
  Templates& templates;
};

}  // namespace pidigits::fcgi
