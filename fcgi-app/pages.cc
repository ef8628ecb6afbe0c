#include "pages.h"

#include "pidigits/clock.h"
#include "pidigits/digits.h"
#include "pidigits/lifecycle.h"
#include "pidigits/log.h"
#include "task_texts.h"
#include "validation.h"
#include "views.h"

namespace pidigits::fcgi {
namespace {
// Digits for a given N never change: any cache may keep them for a year.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

// "Redis unavailable: ..." stays as is; a server error gets that prefix.
std::string redis_message(const std::string& why) {
  return why.starts_with("Redis unavailable") ? why : "Redis unavailable: " + why;
}

Response render_failed(const std::string& error) {
  log::error("500: cannot render a page: ", error);
  Response response;
  response.status = 500;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "The page could not be rendered; the server log has details.\n";
  return response;
}

bool render_text(App& app, Page page, const nlohmann::json& view, std::string* html,
                 std::string* error) {
  kainjow::mustache::data data = to_data(view);
  return app.templates.render(page, data, html, error);
}

Response render_page(App& app, int status, Page page, const nlohmann::json& view) {
  std::string html, error;
  if (!render_text(app, page, view, &html, &error)) return render_failed(error);
  return html_response(status, std::move(html));
}

// A 200 page rendered and kept under `key` (the key names all the page shows;
// "" keeps nothing).
Response cached_page(App& app, const std::string& key, Page page, const nlohmann::json& view) {
  std::string html, error;
  if (!render_text(app, page, view, &html, &error)) return render_failed(error);
  if (key.empty()) return html_response(200, std::move(html));
  return html_response(200, *app.cache.pages.put(key, std::move(html)));
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
  // The page shows seq, the listed versions of the tasks and the link to older
  // ones, nothing else that can change: while none of them does, it is the same page.
  const std::string page_key = listed_page_key('i', *page, query.status);
  if (!page_key.empty()) {
    if (CachedText html = app.cache.pages.find(page_key)) return html_response(200, *html);
  }

  // Each row rendered once per task version (task_texts.h).
  const int64_t now = now_ms();
  ListedTexts rows = listed_texts(
      app, TaskText::kRow, *page, [&app, now](const Task& task, std::string* html, std::string* why) {
        return render_text(app, Page::kRow, row_view(to_json(task, now)), html, why);
      });
  if (!rows.redis_error.empty()) return redis_unavailable_page(app, "task list", rows.redis_error);
  if (!rows.render_error.empty()) return render_failed(rows.render_error);
  std::string rows_html;
  for (const CachedText& row : rows.texts) rows_html.append(*row);
  nlohmann::json view = index_view(page->seq, page->next_before, !rows.texts.empty(),
                                   app.config.max_digits, app.templates.row_text());
  view["rows_html"] = std::move(rows_html);
  return cached_page(app, page_key, Page::kIndex, view);
}

// GET /pi/N?from=K -> 200 page (digits, or the task's status) | 400 | 404 | 503 page
Response pi_page(const HttpRequest& request, App& app, std::string_view n_text) {
  uint64_t n = 0, from = 0;
  std::string error;
  if (!parse_n_text(n_text, app.config.max_digits, &n, &error) ||
      !parse_from_query(request.query, n, &from, &error)) {
    return error_page(app, 400, "Bad request", error);
  }
  auto loaded = lifecycle::get_task(app.redis, n);
  if (!loaded.ok()) return redis_unavailable_page(app, "task", loaded.status().message());
  const std::optional<Task>& task = *loaded;

  // A window seen once is served from the cache: the digits of pi never
  // change, and the stored digits only ever grow, so they are still there. The
  // page around it changes only with the task's version.
  const PiWindow window = pi_window(n, from);
  const std::string page_key = digits_cache_key(n, window.from) + ":" +
                               (task ? task_cache_key('p', *task) : std::string("none"));
  if (CachedText html = app.cache.pages.find(page_key)) return html_response(200, *html);
  const std::string key = digits_cache_key(n, window.from);
  CachedText digits_html = app.cache.fragments.find(key);
  if (!digits_html) {
    auto stored = lifecycle::digits_info(app.redis);
    if (!stored.ok()) {
      return redis_unavailable_page(app, "digits length", stored.status().message());
    }
    if (stored->decimals() < n) {
      if (task) {
        return render_page(app, 200, Page::kPi,
                           pi_pending_view(n, *task, app.config.max_digits));
      }
      return error_page(app, 404, "Not computed yet",
                        "Pi to " + display_count(n) + " places has not been computed yet.", n);
    }
    // "3." precedes the decimals: decimal k is at offset k + 1.
    auto text = digits::read(app.redis, *stored, window.from + 1, window.to - window.from + 1);
    if (!text.ok()) return redis_unavailable_page(app, "digits", text.status().message());
    std::string html;
    if (!render_text(app, Page::kDigits, digits_view(n, window, *text), &html, &error)) {
      return render_failed(error);
    }
    digits_html = app.cache.fragments.put(key, std::move(html));
  }
  nlohmann::json view = pi_view(n, window, task, app.config.max_digits);
  view["digits_html"] = *digits_html;
  return cached_page(app, page_key, Page::kPi, view);
}

// GET /pi/N.txt [Range: bytes=A-B] [If-None-Match: "pi-N"]
//   -> 200 text/plain "3." + N decimals (streamed) | 206 the range | 304 | 416
//    | 400 | 404 | 503 JSON
// The body for a given N never changes, so it is cacheable for good (nginx
// keeps a copy: nginx.conf.in) and its ETag is "pi-N".
Response pi_text(const HttpRequest& request, App& app, std::string_view n_text) {
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
  const uint64_t length = n + 2;  // "3." and n decimals
  const std::string etag = "\"pi-" + std::to_string(n) + "\"";
  Response response;
  response.content_type = "text/plain; charset=utf-8";
  response.cache_control = kImmutable;
  response.headers.emplace_back("ETag", etag);
  response.headers.emplace_back("Accept-Ranges", "bytes");
  if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
    response.status = 304;
    return response;
  }
  ByteRange range{0, length - 1};
  // If-Range names the representation the client has: a range of another is no use to it.
  if (request.if_range.empty() || request.if_range == etag) {
    switch (parse_range(request.range, length, &range)) {
      case RangeRequest::kWhole:
        range = ByteRange{0, length - 1};
        break;
      case RangeRequest::kRange:
        response.status = 206;
        response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) +
                                                           "-" + std::to_string(range.last) + "/" +
                                                           std::to_string(length));
        break;
      case RangeRequest::kUnsatisfiable: {
        Response refused = json_error(416, "the range starts beyond the " + std::to_string(length) +
                                               " bytes of /pi/" + std::to_string(n) + ".txt");
        refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(length));
        return refused;
      }
    }
  }
  response.stream_length = range.last - range.first + 1;
  RedisClient* redis = &app.redis;
  response.stream = [redis, n, range, info = *stored](const BodySink& sink) {
    for (uint64_t offset = range.first; offset <= range.last; offset += kTextChunkBytes) {
      const uint64_t count = std::min(range.last - offset + 1, kTextChunkBytes);
      auto bytes = digits::read(*redis, info, offset, count);
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
