#include "pages.h"

#include "pidigits/clock.h"
#include "pidigits/digits.h"
#include "pidigits/lifecycle.h"
#include "pidigits/log.h"
#include "validation.h"
#include "views.h"

namespace pidigits::fcgi {
namespace {
// "Redis unavailable: ..." stays as is; a server error gets that prefix.
std::string redis_message(const std::string& why) {
  return why.starts_with("Redis unavailable") ? why : "Redis unavailable: " + why;
}

Response render_page(App& app, int status, Page page, const nlohmann::json& view) {
  kainjow::mustache::data data = to_data(view);
  std::string html, error;
  if (app.templates.render(page, data, &html, &error)) return html_response(status, html);
  log::error("500: cannot render a page: ", error);
  Response response;
  response.status = 500;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "The page could not be rendered; the server log has details.\n";
  return response;
}

}  // namespace

Response error_page(App& app, int status, std::string_view title, std::string_view message,
                    uint64_t offer_n) {
  return render_page(app, status, Page::kError, error_view(status, title, message, offer_n));
}

Response redis_unavailable_page(App& app, std::string_view what, const std::string& why) {
  log::error("503: ", what, ": ", why);
  return error_page(app, 503, "Service unavailable",
                    redis_message(why) + ". Try again in a few seconds.");
}

Response redis_unavailable_json(std::string_view what, const std::string& why) {
  log::error("503: ", what, ": ", why);
  return json_error(503, redis_message(why));
}

// GET /?before=ID&limit=L -> 200 page | 400 page | 503 page
Response index_page(const HttpRequest& request, App& app) {
  ListQuery query;
  std::string error;
  if (!parse_list_query(request.query, &query, &error)) {
    return error_page(app, 400, "Bad request", error);
  }
  auto page = lifecycle::list_tasks(app.redis, query.status, query.before, query.limit);
  if (!page.ok()) return redis_unavailable_page(app, "task list", page.status().message());
  return render_page(app, 200, Page::kIndex,
                     index_view(*page, app.config.max_digits, app.templates.row_text()));
}

// GET /pi/N?from=K -> 200 page (digits, or the task's status) | 400 | 404 | 503 page
Response pi_page(const HttpRequest& request, App& app, std::string_view n_text) {
  uint64_t n = 0, from = 0;
  std::string error;
  if (!parse_n_text(n_text, app.config.max_digits, &n, &error) ||
      !parse_from_query(request.query, n, &from, &error)) {
    return error_page(app, 400, "Bad request", error);
  }
  auto stored = lifecycle::digits_info(app.redis);
  if (!stored.ok()) return redis_unavailable_page(app, "digits length", stored.status().message());
  auto loaded = lifecycle::get_task(app.redis, n);
  if (!loaded.ok()) return redis_unavailable_page(app, "task", loaded.status().message());
  const std::optional<Task>& task = *loaded;

  if (stored->decimals() < n) {
    if (task)
      return render_page(app, 200, Page::kPi, pi_pending_view(n, *task, app.config.max_digits));
    return error_page(app, 404, "Not computed yet",
                      "Pi to " + display_count(n) + " places has not been computed yet.", n);
  }
  PiWindow window = pi_window(n, from);
  // "3." precedes the decimals: decimal k is at offset k + 1.
  auto text = digits::read(app.redis, *stored, window.from + 1, window.to - window.from + 1);
  if (!text.ok()) return redis_unavailable_page(app, "digits", text.status().message());
  return render_page(app, 200, Page::kPi, pi_view(n, window, *text, task, app.config.max_digits));
}

// GET /pi/N.txt -> 200 text/plain "3." + N decimals (streamed) | 400 | 404 | 503 JSON
Response pi_text(const HttpRequest&, App& app, std::string_view n_text) {
  uint64_t n = 0;
  std::string error;
  if (!parse_n_text(n_text, app.config.max_digits, &n, &error)) return json_error(400, error);
  auto stored = lifecycle::digits_info(app.redis);
  if (!stored.ok()) return redis_unavailable_json("digits length", stored.status().message());
  if (stored->decimals() < n) {
    return json_error(404, "pi to " + std::to_string(n) +
                               " places is not computed yet; create the task with POST "
                               "/api/tasks {\"n\": " +
                               std::to_string(n) + "}");
  }
  Response response;
  response.content_type = "text/plain; charset=utf-8";
  response.stream_length = n + 2;
  RedisClient* redis = &app.redis;
  response.stream = [redis, n, info = *stored](const BodySink& sink) {
    for (uint64_t offset = 0; offset < n + 2; offset += kTextChunkBytes) {
      auto bytes = digits::read(*redis, info, offset, std::min(n + 2 - offset, kTextChunkBytes));
      if (!bytes.ok()) {
        // The headers are out: all that is left is to cut the response short.
        log::error("500: pi ", n, ".txt cut short at byte ", offset, ": ",
                   bytes.status().message());
        return false;
      }
      if (!sink(*bytes)) return false;
    }
    return true;
  };
  return response;
}

}  // namespace pidigits::fcgi
