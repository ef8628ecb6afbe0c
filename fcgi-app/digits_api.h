// Digits as data: a range of the stored decimals (GET /api/digits), the first
// occurrence of a string of digits (GET /api/search, answered by the
// process's SearchIndex), and the same search for a browser without
// JavaScript (GET /find, a redirect to the page showing the match). Their
// queries are parsed by digits_query.h.
#pragma once

#include "app.h"
#include "digits_query.h"
#include "request.h"
#include "response.h"

namespace pidigits::fcgi {

Response get_digits(const HttpRequest& request, App& app);
Response search_digits(const HttpRequest& request, App& app);
Response find_page(const HttpRequest& request, App& app);

}  // namespace pidigits::fcgi
