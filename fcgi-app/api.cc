#include "api.h"

#include "memory_check.h"
#include "pages.h"
#include "pidigits/clock.h"
#include "pidigits/keys.h"
#include "pidigits/task_store.h"
#include "register.h"
#include "task_list.h"
#include "task_texts.h"
#include "validation.h"
#include "views.h"

namespace pidigits::fcgi {
namespace {
// Seconds a client should wait after a 429.
constexpr int kRetryAfterSeconds = 5;

// An error for POST /api/tasks: an HTML page for a browser posting the form
// without JavaScript, JSON otherwise.
Response post_error(const HttpRequest& request, App& app, int status, const std::string& message,
                    uint64_t n = 0) {
  if (!request.wants_html()) return json_error(status, message);
  return error_page(app, status, std::string(status_text(status)), message, n);
}

// Validate-or-reply: sets *n, or *reply to the 400/413/415 answer.
bool read_n_or_reply(const HttpRequest& request, App& app, uint64_t* n, Response* reply) {
  if (request.body_too_large) {
    *reply = post_error(
        request, app, 413,
        "the body is larger than " + std::to_string(kMaxBodyBytes) + " bytes; send {\"n\": N}");
    return false;
  }
  BodyError error;
  if (parse_task_body(request.content_type, request.body, app.config.max_digits, n, &error)) {
    return true;
  }
  *reply = post_error(request, app, error.status, error.message);
  return false;
}

std::string mebibytes(uint64_t bytes) { return display_count((bytes + (1 << 20) - 1) >> 20); }

// The task's JSON text, made once per version (task_texts.h).
bool render_json(const Task& task, std::string* out, std::string*) {
  *out = dump_json(to_json(task));
  return true;
}
}  // namespace

// POST /api/tasks {"n": N} | n=N -> 201 task | 200 task | 303 / (browser form)
//   | 400 | 413 | 415 | 422 | 429 | 503
Response post_task(const HttpRequest& request, App& app) {
  uint64_t n = 0;
  Response reply;
  if (!read_n_or_reply(request, app, &n, &reply)) return reply;

  bool fits = fits_memory(n, app.config.worker_memory);
  Registration r = register_task(app.redis, n, app.config.max_queue, fits, now_ms());
  switch (r.outcome) {
    case Outcome::kFailed:
      return request.wants_html() ? redis_unavailable_page(app, "registration", r.error)
                                  : redis_unavailable_json("registration", r.error);
    case Outcome::kTooBig:
      return post_error(request, app, 422,
                        "n=" + std::to_string(n) + " needs about " + mebibytes(memory_needed(n)) +
                            " MiB of memory, more than a worker may use (" +
                            mebibytes(app.config.worker_memory) + " MiB); choose a smaller n");
    case Outcome::kQueueFull: {
      Response full = post_error(request, app, 429,
                                 "the queue is full (" + std::to_string(app.config.max_queue) +
                                     " tasks waiting); try again in a few seconds");
      full.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
      return full;
    }
    case Outcome::kCreated:
    case Outcome::kCached:
    case Outcome::kExisting:
      break;
  }
  announce_registration(app.redis, r);
  if (request.wants_html()) return redirect(303, "/");
  Response response = json_response(r.outcome == Outcome::kExisting ? 200 : 201, to_json(r.task));
  response.headers.emplace_back("Location", "/api/tasks/" + std::to_string(n));
  return response;
}

// GET /api/tasks?limit=L&before=ID -> 200 {"tasks", "seq", "next_before"} | 400 | 503
Response get_tasks(const HttpRequest& request, App& app) {
  ListQuery query;
  std::string error;
  if (!parse_list_query(request.query, &query, &error)) return json_error(400, error);
  TaskPage page;
  if (!list_tasks(app.redis, query.limit, query.before, &page, &error)) {
    return redis_unavailable_json("task list", error);
  }
  // The answer shows seq, the next page and the listed task versions only.
  const std::string key = listed_page_key('l', page);
  if (CachedText body = app.cache.pages.find(key)) return json_text_response(200, *body);
  ListedTexts tasks = listed_texts(app, TaskText::kJson, page, render_json);
  if (!tasks.redis_error.empty()) return redis_unavailable_json("task list", tasks.redis_error);
  // {"next_before":ID|null,"seq":S,"tasks":[...]}
  std::string body = "{\"next_before\":";
  body.append(page.next_before != 0 ? std::to_string(page.next_before) : "null");
  body.append(",\"seq\":").append(std::to_string(page.seq)).append(",\"tasks\":[");
  for (size_t i = 0; i < tasks.texts.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(*tasks.texts[i]);
  }
  body.append("]}");
  return json_text_response(200, *app.cache.pages.put(key, std::move(body)));
}

// GET /api/tasks/N -> 200 task | 400 | 404 | 503
Response get_task(const HttpRequest&, App& app, std::string_view n_text) {
  uint64_t n = 0;
  std::string error;
  if (!parse_n_text(n_text, app.config.max_digits, &n, &error)) return json_error(400, error);
  std::optional<Task> task = load_task(app.redis, n, &error);
  if (!error.empty()) return redis_unavailable_json("task", error);
  if (!task) {
    return json_error(404,
                      "no task for n=" + std::to_string(n) + "; create it with POST /api/tasks");
  }
  return json_text_response(200, *task_text(app, TaskText::kJson, *task, render_json, &error));
}

// KEYS: pi:queue, pi:workers. One round trip answers both counts (and that Redis is up).
constexpr std::string_view kHealthScript = R"lua(
return {redis.call('LLEN', KEYS[1]), redis.call('SCARD', KEYS[2])}
)lua";

// GET /healthz -> 200 {"status":"ok","queue":Q,"workers":W} | 503
Response healthz(const HttpRequest&, App& app) {
  Reply counts =
      app.redis.eval(kHealthScript, {std::string(keys::queue()), std::string(keys::workers())}, {});
  std::vector<std::string> values = counts.strings();
  if (!counts.ok() || values.size() != 2) {
    return redis_unavailable_json(
        "health check", counts.ok() ? "unexpected reply to the health check" : counts.error());
  }
  return json_response(
      200,
      {{"status", "ok"}, {"queue", std::stoll(values[0])}, {"workers", std::stoll(values[1])}});
}

}  // namespace pidigits::fcgi
