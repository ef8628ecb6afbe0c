#include "api.h"

#include <sys/random.h>

#include <cstring>

#include "memory_check.h"
#include "pages.h"
#include "pidigits/clock.h"
#include "pidigits/display.h"
#include "pidigits/fault.h"
#include "pidigits/lifecycle.h"
#include "pidigits/log.h"
#include "pidigits/process.h"
#include "task_texts.h"
#include "validation.h"
#include "views.h"

namespace pidigits::fcgi {
namespace {
// Seconds a client should wait after a 429 for a full queue or its own limit.
constexpr int kRetryAfterSeconds = 5;
// The anonymous owner cookie: set by the POST that creates a task; lets that
// browser cancel its tasks. A year, like any "remember this browser" cookie.
constexpr std::string_view kOwnerCookie = "pi_owner";
constexpr std::string_view kOwnerCookieAttributes =
    "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax";
constexpr size_t kOwnerTokenBytes = 16;

// An error for a POST: an HTML page for a browser posting a form without
// JavaScript, JSON otherwise.
Response post_error(const HttpRequest& request, App& app, int status, const std::string& message,
                    uint64_t n = 0) {
  if (!request.wants_html()) return json_error(status, message);
  return error_page(app, status, std::string(status_text(status)), message, n);
}

// The answer to a failed life-cycle call: 503 Redis unavailable, 507 Redis
// full (nothing was written), 500 otherwise.
Response status_error(const HttpRequest& request, App& app, std::string_view what,
                      const Status& status) {
  switch (status.code()) {
    case Status::Code::kUnavailable:
      return request.wants_html() ? redis_unavailable_page(app, what, status.message())
                                  : redis_unavailable_json(what, status.message());
    case Status::Code::kResourceExhausted:
      return post_error(request, app, 507,
                        "the service has no room for more tasks right now (its store is full); "
                        "reading tasks and digits still works");
    default:
      return post_error(request, app, 500,
                        "internal error (" + std::string(what) + "); the server log has details");
  }
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

// Validate-or-reply for the N of /api/tasks/N/...
bool read_path_n_or_reply(std::string_view n_text, App& app, uint64_t* n, Response* reply) {
  std::string error;
  if (parse_n_text(n_text, app.config.max_digits, n, &error)) return true;
  *reply = json_error(400, error);
  return false;
}

// Random bytes from a per-thread pool that getrandom() refills 16 tokens at a
// time (a request for at most 256 bytes is never cut short by a signal). The
// pool belongs to one process: a forked child starts with an empty one, so
// parent and child never hand out the same bytes. Bytes handed out are wiped.
bool random_bytes(unsigned char* out, size_t count) {
  thread_local unsigned char pool[16 * kOwnerTokenBytes];
  thread_local size_t used = sizeof pool;
  thread_local pid_t filled_by = 0;
  if (filled_by != own_pid()) used = sizeof pool;
  if (count > sizeof pool) return false;
  if (used + count > sizeof pool) {
    if (getrandom(pool, sizeof pool, 0) != static_cast<ssize_t>(sizeof pool)) return false;
    used = 0;
    filled_by = own_pid();
  }
  std::memcpy(out, pool + used, count);
  explicit_bzero(pool + used, count);
  used += count;
  return true;
}

std::string new_owner_token() {
  unsigned char bytes[kOwnerTokenBytes];
  if (!random_bytes(bytes, sizeof bytes)) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  return token;
}

// The owner token the request carries, if it looks like one of ours.
std::string owner_token(const HttpRequest& request) {
  std::string token = request.cookie_value(kOwnerCookie);
  if (token.size() != 2 * kOwnerTokenBytes) return {};
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
  }
  return token;
}

// Authorization: Bearer <PI_ADMIN_TOKEN>, compared in constant time.
bool is_operator(const HttpRequest& request, const Config& config) {
  constexpr std::string_view kBearer = "Bearer ";
  if (config.admin_token.empty() || !request.authorization.starts_with(kBearer)) return false;
  std::string_view given = std::string_view(request.authorization).substr(kBearer.size());
  const std::string& want = config.admin_token;
  unsigned char diff = given.size() == want.size() ? 0 : 1;
  for (size_t i = 0; i < want.size(); ++i) {
    diff |= static_cast<unsigned char>(want[i] ^ (i < given.size() ? given[i] : 0));
  }
  return diff == 0;
}

lifecycle::Admission admission_for(const HttpRequest& request, const App& app, uint64_t n) {
  lifecycle::Admission a;
  a.client = request.client.empty() ? "unknown" : request.client;
  a.fits_memory = fits_memory(n, app.config.worker_memory);
  a.max_queue = app.config.max_queue;
  a.max_active = app.config.max_queued_per_client;
  a.max_per_day = app.config.max_tasks_per_client_day;
  a.estimate_ms = compute_ms(n);
  return a;
}

std::string wait_text(int64_t seconds) {
  if (seconds < 120) return std::to_string(seconds) + " s";
  if (seconds < 7200) return std::to_string((seconds + 59) / 60) + " min";
  return std::to_string(seconds / 3600) + " h " + std::to_string((seconds % 3600 + 59) / 60) +
         " min";
}

// The 422/429 answers of an admission refused (register, retry); nullopt if
// the answer is not a refusal.
std::optional<Response> refusal(const HttpRequest& request, App& app, uint64_t n,
                                const lifecycle::Answer& answer) {
  using lifecycle::Outcome;
  std::string message;
  int64_t retry_after = kRetryAfterSeconds;
  switch (answer.outcome) {
    case Outcome::kTooBig:
      return post_error(
          request, app, 422,
          "n=" + std::to_string(n) + " needs about " + display_mebibytes(memory_needed(n)) +
              " MiB of memory, more than a worker may use (" +
              display_mebibytes(app.config.worker_memory) + " MiB); choose a smaller n");
    case Outcome::kQueueFull:
      message = "the queue is full (" + std::to_string(answer.limit) +
                " tasks waiting); try again in a few seconds";
      break;
    case Outcome::kClientFull:
      message = "you already have " + std::to_string(answer.limit) +
                " tasks queued or running, the most one client may have "
                "(PI_MAX_QUEUED_PER_CLIENT); wait until one of them finishes";
      break;
    case Outcome::kDayFull:
      retry_after = std::max<int64_t>(1, answer.retry_after_s);
      message = "you have created " + std::to_string(answer.limit) +
                " tasks today, the most one client may create in a day "
                "(PI_MAX_TASKS_PER_CLIENT_DAY); try again in " +
                wait_text(retry_after) + " (after midnight UTC)";
      break;
    default:
      return std::nullopt;
  }
  Response response = post_error(request, app, 429, message);
  response.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return response;
}

Response task_response(int status, const Task& task) {
  Response response = json_text_response(status, task_json_text(task, now_ms()));
  response.headers.emplace_back("Location", "/api/tasks/" + std::to_string(task.n));
  return response;
}

// The answer to a POST of an n that has a task: 200 + the task, or back to
// the table for a browser's form.
Response existing_task(const HttpRequest& request, uint64_t n, const std::string& json) {
  if (request.wants_html()) return redirect(303, "/#task-" + std::to_string(n));
  Response response = json_text_response(200, json);
  response.headers.emplace_back("Location", "/api/tasks/" + std::to_string(n));
  return response;
}
}  // namespace

// POST /api/tasks {"n": N} | n=N -> 201 task | 200 task | 303 / (browser form)
//   | 400 | 413 | 415 | 422 | 429 | 503 | 507
Response post_task(const HttpRequest& request, App& app) {
  uint64_t n = 0;
  Response reply;
  if (!read_n_or_reply(request, app, &n, &reply)) return reply;

  // A done task exists for good (until an operator deletes it): no admission,
  // no write, the same answer as the life cycle's 'existing'.
  if (DoneTasks::Json done = app.cache.done.find(n)) return existing_task(request, n, *done);

  std::string owner = owner_token(request);
  const bool new_owner = owner.empty();
  if (new_owner) owner = new_owner_token();
  const DoneTasks::Ticket ticket = app.cache.done.ticket(n);
  app.waiting_for_write();
  auto answer = lifecycle::register_task(app.redis, n, owner, admission_for(request, app, n));
  fault_point("after-register");
  if (!answer.ok()) return status_error(request, app, "registration", answer.status());
  if (auto refused = refusal(request, app, n, *answer)) return *refused;

  const bool created = answer->outcome != lifecycle::Outcome::kExisting;
  if (!created) return existing_task(request, n, *task_json(app, answer->task, ticket));
  log::info(
      "task ", n, " registered (id ", answer->task.id, ")",
      answer->outcome == lifecycle::Outcome::kCached ? ", answered from the stored digits" : "");
  Response response = request.wants_html() ? redirect(303, "/#task-" + std::to_string(n))
                                           : task_response(201, answer->task);
  if (new_owner) {
    response.headers.emplace_back("Set-Cookie", std::string(kOwnerCookie) + "=" + owner +
                                                    std::string(kOwnerCookieAttributes));
  }
  return response;
}

// POST /api/tasks/N/cancel -> 200 task | 303 / (browser form) | 400 | 403 | 404 | 409 | 503
Response cancel_task(const HttpRequest& request, App& app, std::string_view n_text) {
  uint64_t n = 0;
  Response reply;
  if (!read_path_n_or_reply(n_text, app, &n, &reply)) return reply;
  app.waiting_for_write();
  auto c =
      lifecycle::cancel_task(app.redis, n, owner_token(request), is_operator(request, app.config));
  if (!c.ok()) return status_error(request, app, "cancel", c.status());
  switch (c->outcome) {
    case lifecycle::CancelOutcome::kNotFound:
      return post_error(request, app, 404, "no task for n=" + std::to_string(n));
    case lifecycle::CancelOutcome::kForbidden:
      return post_error(request, app, 403,
                        "only the browser that created task " + std::to_string(n) +
                            " (or an operator with PI_ADMIN_TOKEN) may cancel it");
    case lifecycle::CancelOutcome::kConflict:
      return post_error(request, app, 409,
                        "task " + std::to_string(n) + " is " + c->status +
                            "; only queued or running tasks can be cancelled");
    case lifecycle::CancelOutcome::kCancelled:
      log::info("task ", n, " cancelled");
      break;
  }
  if (request.wants_html()) return redirect(303, "/#task-" + std::to_string(n));
  return task_response(200, c->task);
}

// POST /api/tasks/N/retry -> 200 task | 303 / (browser form) | 400 | 404 | 409 | 422 | 429
//   | 503 | 507
Response retry_task(const HttpRequest& request, App& app, std::string_view n_text) {
  uint64_t n = 0;
  Response reply;
  if (!read_path_n_or_reply(n_text, app, &n, &reply)) return reply;
  app.waiting_for_write();
  auto answer = lifecycle::retry_task(app.redis, n, admission_for(request, app, n));
  if (!answer.ok()) return status_error(request, app, "retry", answer.status());
  if (auto refused = refusal(request, app, n, *answer)) return *refused;
  if (answer->outcome == lifecycle::Outcome::kNotFound) {
    return post_error(request, app, 404,
                      "no task for n=" + std::to_string(n) + "; create it with POST /api/tasks");
  }
  if (answer->outcome == lifecycle::Outcome::kConflict) {
    return post_error(request, app, 409,
                      "task " + std::to_string(n) + " is " + answer->status +
                          "; only tasks in error or cancelled can be retried");
  }
  log::info("task ", n, " retried");
  if (request.wants_html()) return redirect(303, "/#task-" + std::to_string(n));
  return task_response(200, answer->task);
}

// DELETE /api/tasks/N (operator) -> 204 | 400 | 403 | 404 | 503
Response delete_task(const HttpRequest& request, App& app, std::string_view n_text) {
  uint64_t n = 0;
  Response reply;
  if (!read_path_n_or_reply(n_text, app, &n, &reply)) return reply;
  if (!is_operator(request, app.config)) {
    return json_error(403, app.config.admin_token.empty()
                               ? "deleting tasks is disabled (PI_ADMIN_TOKEN is not set)"
                               : "deleting a task needs Authorization: Bearer <PI_ADMIN_TOKEN>");
  }
  app.waiting_for_write();
  auto deleted = lifecycle::delete_task(app.redis, n);
  if (!deleted.ok()) return status_error(request, app, "delete", deleted.status());
  if (!*deleted) return json_error(404, "no task for n=" + std::to_string(n));
  // Other processes hear of it from the event; this one answers the very
  // next request of its caller, who may not wait for that.
  app.cache.done.forget(n);
  log::info("task ", n, " deleted by an operator");
  Response response;
  response.status = 204;
  return response;
}

// GET /api/tasks?status=S&limit=L&before=ID
//   -> 200 {"tasks", "counts", "seq", "next_before"} | 400 | 503
Response get_tasks(const HttpRequest& request, App& app) {
  ListQuery query;
  std::string error;
  if (!parse_list_query(request.query, &query, &error)) return json_error(400, error);
  // The answer shows seq (which moves with every change, counts included),
  // the next page and the listed tasks: while seq stays, so does the answer.
  const std::string listing = listing_query('l', query.status, query.before, query.limit);
  const Listings::Known known = app.cache.listings.find(listing);
  auto page = lifecycle::list_tasks(app.redis, query.status, query.before, query.limit, known.seq);
  if (!page.ok()) return status_error(request, app, "task list", page.status());
  if (page->unchanged) return json_text_response(200, *known.text);
  ListedTexts tasks = listed_texts(app, TaskText::kJson, *page, render_json);
  if (!tasks.redis_error.empty()) return redis_unavailable_json("task list", tasks.redis_error);
  // {"counts":{...},"next_before":ID|null,"seq":S,"tasks":[...]}
  std::string body = "{\"counts\":";
  body.append(dump_json(page->counts)).append(",\"next_before\":");
  body.append(page->next_before != 0 ? std::to_string(page->next_before) : "null");
  body.append(",\"seq\":").append(std::to_string(page->seq)).append(",\"tasks\":[");
  for (size_t i = 0; i < tasks.texts.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(*tasks.texts[i]);
  }
  body.append("]}");
  if (!all_settled(*page)) return json_text_response(200, body);
  return json_text_response(200, *app.cache.listings.put(listing, page->seq, std::move(body)));
}

// GET /api/tasks/N -> 200 task | 400 | 404 | 503
Response get_task(const HttpRequest& request, App& app, std::string_view n_text) {
  uint64_t n = 0;
  Response reply;
  if (!read_path_n_or_reply(n_text, app, &n, &reply)) return reply;
  if (DoneTasks::Json done = app.cache.done.find(n)) return json_text_response(200, *done);
  const DoneTasks::Ticket ticket = app.cache.done.ticket(n);
  auto task = lifecycle::get_task(app.redis, n);
  if (!task.ok()) return status_error(request, app, "task", task.status());
  if (!*task) {
    return json_error(404,
                      "no task for n=" + std::to_string(n) + "; create it with POST /api/tasks");
  }
  return json_text_response(200, *task_json(app, **task, ticket));
}

// GET /healthz -> 200 {"status":"ok","queue":Q,"workers":W,"digits":D} | 503
Response healthz(const HttpRequest& request, App& app) {
  // The cached answer stands only while this process's subscription to Redis
  // holds: that connection hears Redis go at once, so no process goes on
  // answering 200 for up to kMaxAge after another one answered 503.
  if (app.cache.done.live()) {
    if (CachedText body = app.cache.health.find()) return json_text_response(200, *body);
  }
  auto h = lifecycle::health(app.redis);
  if (!h.ok()) return status_error(request, app, "health check", h.status());
  auto body = std::make_shared<const std::string>(dump_json(
      {{"status", "ok"}, {"queue", h->queue}, {"workers", h->workers}, {"digits", h->digits}}));
  app.cache.health.put(body);
  return json_text_response(200, *body);
}

}  // namespace pidigits::fcgi
