// The JSON API: creating, reading, cancelling, retrying and deleting tasks,
// and the health check. Each handler is one call of the task life cycle
// (pidigits/lifecycle.h). Every error body is {"error": "<sentence a person
// can act on>"}; every Redis failure is a 503 (507 when Redis is full), never
// a hang (the Redis client times out after 5 s).
#pragma once

#include <string_view>

#include "app.h"
#include "request.h"
#include "response.h"

namespace pidigits::fcgi {

Response post_task(const HttpRequest& request, App& app);
Response get_tasks(const HttpRequest& request, App& app);
Response get_task(const HttpRequest& request, App& app, std::string_view n_text);
Response cancel_task(const HttpRequest& request, App& app, std::string_view n_text);
Response retry_task(const HttpRequest& request, App& app, std::string_view n_text);
Response delete_task(const HttpRequest& request, App& app, std::string_view n_text);
Response healthz(const HttpRequest& request, App& app);

}  // namespace pidigits::fcgi
