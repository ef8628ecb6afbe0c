#include "pages.h"

#include <functional>

#include "form.h"
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

// A 200 page rendered and handed to `keep`, which stores it in a cache and
// returns the kept text.
Response kept_page(App& app, Page page, const nlohmann::json& view,
                   const std::function<CachedText(std::string)>& keep) {
  std::string html, error;
  if (!render_text(app, page, view, &html, &error)) return render_failed(error);
  return html_response(200, *keep(std::move(html)));
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

namespace {
// Rows of `page` (rendered once per task version, task_texts.h) into *html;
// false with *reply set to the error page.
bool render_rows(App& app, const lifecycle::TaskPage& page, std::string* html, Response* reply) {
  const int64_t now = now_ms();
  ListedTexts rows = listed_texts(
      app, TaskText::kRow, page, [&app, now](const Task& task, std::string* out, std::string* why) {
        return render_text(app, Page::kRow, row_view(to_json(task, now)), out, why);
      });
  if (!rows.redis_error.empty()) {
    *reply = redis_unavailable_page(app, "task list", rows.redis_error);
    return false;
  }
  if (!rows.render_error.empty()) {
    *reply = render_failed(rows.render_error);
    return false;
  }
  for (const CachedText& row : rows.texts) html->append(*row);
  return true;
}

// The queued and running tasks older than the first page's last row (issue
// 13: a running task must not get buried under newer ones): running first,
// each newest first.
Result<lifecycle::TaskPage> older_active(App& app, const lifecycle::TaskPage& page) {
  lifecycle::TaskPage active;
  if (page.next_before == 0) return active;  // the page lists every task
  for (const char* status : {"running", "queued"}) {
    auto it = page.counts.find(status);
    if (it == page.counts.end() || it->second <= 0) continue;
    auto listed = lifecycle::list_tasks(app.redis, status, page.next_before, kDefaultListLimit);
    if (!listed.ok()) return listed.status();
    for (const lifecycle::TaskRef& ref : listed->tasks) active.tasks.push_back(ref);
  }
  return active;
}

// GET /?n=N (the go-to box without JavaScript) -> 303 /pi/N | 400 page
std::optional<Response> goto_task(const HttpRequest& request, App& app) {
  bool duplicate = false;
  auto typed = single_field(parse_form(request.query), "n", &duplicate);
  if (!typed) return std::nullopt;
  uint64_t n = 0;
  std::string error = "n is given more than once";
  if (duplicate || !parse_typed_n(*typed, app.config.max_digits, &n, &error)) {
    return error_page(app, 400, "Bad request", error);
  }
  return redirect(303, "/pi/" + std::to_string(n));
}
}  // namespace

// GET /?status=S&before=ID&limit=L -> 200 page | 400 page | 503 page
// GET /?n=N -> 303 /pi/N
Response index_page(const HttpRequest& request, App& app) {
  if (auto jump = goto_task(request, app)) return *jump;
  ListQuery query;
  std::string error;
  if (!parse_list_query(request.query, &query, &error)) {
    return error_page(app, 400, "Bad request", error);
  }
  // The page shows seq, the listed tasks and the links to other pages, nothing
  // else that can change: while seq stays, it is the same page. One with
  // queued or running tasks is made anew each time.
  const std::string cache_query = listing_query('i', query.status, query.before, query.limit);
  const Listings::Known known = app.cache.listings.find(cache_query);
  auto page = lifecycle::list_tasks(app.redis, query.status, query.before, query.limit, known.seq);
  if (!page.ok()) return redis_unavailable_page(app, "task list", page.status().message());
  if (page->unchanged) return html_response(200, *known.text);
  const bool first_page = query.before == 0 && query.status.empty();
  lifecycle::TaskPage active;
  if (first_page) {
    auto older = older_active(app, *page);
    if (!older.ok()) return redis_unavailable_page(app, "task list", older.status().message());
    active = std::move(*older);
  }
  const bool keep = active.tasks.empty() && all_settled(*page);
  std::string rows_html, active_html;
  Response reply;
  if (!render_rows(app, *page, &rows_html, &reply)) return reply;
  if (!render_rows(app, active, &active_html, &reply)) return reply;
  IndexListing listing;
  listing.seq = page->seq;
  listing.status = query.status;
  listing.before = query.before;
  listing.limit = query.limit != kDefaultListLimit ? query.limit : 0;
  listing.next_before = page->next_before;
  listing.has_tasks = !rows_html.empty();
  listing.has_active = !active_html.empty();
  listing.counts = page->counts;
  nlohmann::json view = index_view(listing, app.config.max_digits, app.templates.row_text());
  view["rows_html"] = std::move(rows_html);
  view["active_html"] = std::move(active_html);
  if (!keep) return render_page(app, 200, Page::kIndex, view);
  return kept_page(app, Page::kIndex, view, [&](std::string html) {
    return app.cache.listings.put(cache_query, page->seq, std::move(html));
  });
}

namespace {
// The n-th decimal for "Decimal N of pi is D": the task's, or read from the
// stored digits (and kept: it never changes) for an n without a done task.
// false with *error when Redis cannot be read.
bool answer_digit(App& app, uint64_t n, const std::optional<Task>& task, int* digit,
                  std::string* error) {
  if (task && task->digit) {
    *digit = *task->digit;
    return true;
  }
  const std::string key = "digit:" + std::to_string(n);
  if (CachedText kept = app.cache.fragments.find(key)) {
    *digit = (*kept)[0] - '0';
    return true;
  }
  auto stored = lifecycle::digits_info(app.redis);
  if (!stored.ok()) {
    *error = stored.status().message();
    return false;
  }
  if (stored->decimals() < n) return true;  // not known (the caller checked, but it may be gone)
  auto text = digits::read(app.redis, *stored, n + 1, 1);  // "3." first: decimal n at n + 1
  if (!text.ok()) {
    *error = text.status().message();
    return false;
  }
  if (text->size() != 1 || (*text)[0] < '0' || (*text)[0] > '9') return true;
  *digit = (*text)[0] - '0';
  app.cache.fragments.put(key, std::string(*text));
  return true;
}
}  // namespace

// GET /pi/N?from=K -> 200 page (digits, or the task's status) | 400 | 404 | 503 page
Response pi_page(const HttpRequest& request, App& app, std::string_view n_text) {
  uint64_t n = 0, from = 0;
  std::string error;
  if (!parse_n_text(n_text, app.config.max_digits, &n, &error) ||
      !parse_from_query(request.query, n, &from, &error)) {
    return error_page(app, 400, "Bad request", error);
  }
  // A done task is known without Redis (done_tasks.h); another is read.
  std::optional<Task> task;
  if (std::shared_ptr<const Task> done = app.cache.done.find_task(n)) {
    task = *done;
  } else {
    const DoneTasks::Ticket ticket = app.cache.done.ticket(n);
    auto loaded = lifecycle::get_task(app.redis, n);
    if (!loaded.ok()) return redis_unavailable_page(app, "task", loaded.status().message());
    task = std::move(*loaded);
    if (task && task->stage == Stage::kStored) task_json(app, *task, ticket);
  }

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
        return render_page(app, 200, Page::kPi, pi_pending_view(n, *task, app.config.max_digits));
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
  int digit = -1;
  if (!answer_digit(app, n, task, &digit, &error)) {
    return redis_unavailable_page(app, "digit", error);
  }
  nlohmann::json view = pi_view(n, window, task, app.config.max_digits, digit);
  view["digits_html"] = *digits_html;
  return kept_page(app, Page::kPi, view, [&](std::string html) {
    return app.cache.pages.put(page_key, std::move(html));
  });
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
