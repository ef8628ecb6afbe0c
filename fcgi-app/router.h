// Maps (method, path) to a handler. Routes, as built:
//   GET  /               index page            GET  /pi/N, /pi/N.txt  digits
//   GET  /api/tasks      task list             POST /api/tasks        create a task
//   GET  /api/tasks/N    one task              GET  /healthz          Redis check
//   GET  /api/digits     a range of decimals   GET  /api/search       digit search
//   GET  /find           search, redirecting to the page (digits_api.h)
// HEAD is answered like GET without the body. A wrong method gets 405 with
// Allow; an unknown path 404 (JSON under /api/, an HTML page elsewhere).
#pragma once

#include "app.h"
#include "request.h"
#include "response.h"

namespace pidigits::fcgi {

// Never throws: an exception from a handler becomes a logged 500 JSON error.
Response route(const HttpRequest& request, App& app) noexcept;

}  // namespace pidigits::fcgi
