#include "pidigits/lifecycle.h"

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "pidigits/config.h"
#include "pidigits/log.h"

namespace pidigits::lifecycle {
namespace {

// ---- replies ------------------------------------------------------------------

std::string text_of(const redisReply* e) {
  if (e == nullptr) return {};
  switch (e->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      return std::string(e->str, e->len);
    case REDIS_REPLY_INTEGER:
      return std::to_string(e->integer);
    default:
      return {};
  }
}

int64_t integer_of(const redisReply* e) {
  if (e != nullptr && e->type == REDIS_REPLY_INTEGER) return e->integer;
  uint64_t value = 0;
  return parse_uint(text_of(e), 0, INT64_MAX, &value) ? static_cast<int64_t>(value) : 0;
}

// Element i of an array reply, or nullptr.
const redisReply* at(const redisReply* array, size_t i) {
  if (array == nullptr || array->type != REDIS_REPLY_ARRAY || i >= array->elements) return nullptr;
  return array->element[i];
}

size_t size_of(const redisReply* array) {
  return array != nullptr && array->type == REDIS_REPLY_ARRAY ? array->elements : 0;
}

Status unexpected(std::string_view function) {
  return Status::internal("unexpected reply from " + std::string(function) +
                          " (is the pidigits Redis library of another version?)");
}

// The chunk size install() was given, for a reload by fcall().
std::atomic<uint64_t> g_chunk_bytes{kDefaultDigitsChunkBytes};

// The version pi_version answers, read from the embedded source.
std::string embedded_version() {
  constexpr std::string_view kMarker = "pi_version() return '";
  std::string_view source = library_source();
  size_t at = source.find(kMarker);
  if (at == std::string_view::npos) return {};
  at += kMarker.size();
  return std::string(source.substr(at, source.find('\'', at) - at));
}

// FUNCTION LOAD REPLACE, then pi_upgrade (cheap when there is nothing to do).
Status load_library(RedisClient& redis) {
  Reply reply = redis.command({"FUNCTION", "LOAD", "REPLACE", library_source()});
  if (!reply.ok() && reply.status().code() == Status::Code::kResourceExhausted) {
    // Full: a library of this version (and its upgrade) is as good as a new load.
    Reply loaded = redis.command({"FCALL_RO", "pi_version", "0"});
    if (loaded.string().value_or("") == embedded_version()) return Status();
  }
  if (!reply.ok()) return reply.status();
  reply = redis.command({"FCALL", "pi_upgrade", "0", std::to_string(g_chunk_bytes.load())});
  if (!reply.ok()) return reply.status();
  if (int64_t changed = reply.integer().value_or(0); changed > 0) {
    log::info("brought ", changed, " tasks or digit stores written by an older pidigits up to date");
  }
  return Status();
}

// FCALL (or FCALL_RO) function 0 args...; loads the library first when Redis
// says it does not have it, and calls again.
Reply fcall_argv(RedisClient& redis, const std::vector<std::string>& argv) {
  Reply reply = redis.command(argv);
  if (!reply.ok() && reply.get() != nullptr && reply.error().starts_with("ERR Function not found")) {
    log::warn("the pidigits library is missing from Redis; loading it");
    if (load_library(redis).ok()) reply = redis.command(argv);
  }
  return reply;
}

std::vector<std::string> fcall_head(std::string_view function, bool read_only) {
  return {read_only ? "FCALL_RO" : "FCALL", std::string(function), "0"};
}

Reply fcall(RedisClient& redis, std::string_view function,
            std::initializer_list<std::string_view> args, bool read_only = false) {
  std::vector<std::string> argv = fcall_head(function, read_only);
  for (std::string_view a : args) argv.emplace_back(a);
  return fcall_argv(redis, argv);
}

std::string num(int64_t v) { return std::to_string(v); }
std::string num(uint64_t v) { return std::to_string(v); }
std::string num(int v) { return std::to_string(v); }

// {outcome, <task>, ...}: the task element, parsed into answer->task.
bool read_task(const redisReply* reply, size_t index, Task* task) {
  auto parsed = task_from_reply(at(reply, index));
  if (!parsed) return false;
  *task = std::move(*parsed);
  return true;
}

// The refusals pi_register and pi_retry share; false if `outcome` is none of them.
bool read_refusal(const std::string& outcome, const redisReply* reply, Answer* answer) {
  uint64_t limit = static_cast<uint64_t>(integer_of(at(reply, 1)));
  if (outcome == "too_big") {
    answer->outcome = Outcome::kTooBig;
  } else if (outcome == "queue_full") {
    answer->outcome = Outcome::kQueueFull;
    answer->limit = limit;
  } else if (outcome == "client_full") {
    answer->outcome = Outcome::kClientFull;
    answer->limit = limit;
  } else if (outcome == "day_full") {
    answer->outcome = Outcome::kDayFull;
    answer->limit = limit;
    answer->retry_after_s = integer_of(at(reply, 2));
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::optional<Task> task_from_reply(const redisReply* reply) {
  const redisReply* hash = at(reply, 0);
  if (hash == nullptr || hash->type != REDIS_REPLY_ARRAY) return std::nullopt;
  std::vector<std::string> fields;
  fields.reserve(hash->elements);
  for (size_t i = 0; i < hash->elements; ++i) fields.push_back(text_of(hash->element[i]));
  auto task = Task::from_hash(fields);
  if (!task) return std::nullopt;
  if (const redisReply* position = at(reply, 1); position && position->type != REDIS_REPLY_NIL) {
    task->queue_position = integer_of(position);
    task->ahead_ms = integer_of(at(reply, 2));
  }
  return task;
}

Status install(RedisClient& redis, uint64_t chunk_bytes) {
  g_chunk_bytes.store(chunk_bytes);
  return load_library(redis);
}

// ---- pi-fcgi ------------------------------------------------------------------

namespace {
// The reply of pi_register or pi_retry: {outcome, <task>} or a refusal.
// Outcomes that wrote are confirmed by PI_REDIS_MIN_REPLICAS replicas first:
// no 201/200 for a task a failover could lose.
Result<Answer> read_answer(RedisClient& redis, const Reply& reply, std::string_view function) {
  if (!reply.ok()) return reply.status();
  const std::string outcome = text_of(at(reply.get(), 0));
  Answer answer;
  if (read_refusal(outcome, reply.get(), &answer)) return answer;
  static constexpr std::pair<std::string_view, Outcome> kOutcomes[] = {
      {"created", Outcome::kCreated}, {"cached", Outcome::kCached},
      {"existing", Outcome::kExisting}, {"queued", Outcome::kQueued},
      {"not_found", Outcome::kNotFound}, {"conflict", Outcome::kConflict}};
  auto known = std::find_if(std::begin(kOutcomes), std::end(kOutcomes),
                            [&](const auto& o) { return o.first == outcome; });
  if (known == std::end(kOutcomes)) return unexpected(function);
  answer.outcome = known->second;
  if (answer.outcome == Outcome::kNotFound) return answer;
  if (answer.outcome == Outcome::kConflict) {
    answer.status = text_of(at(reply.get(), 1));
    return answer;
  }
  if (!read_task(reply.get(), 1, &answer.task)) return unexpected(function);
  if (answer.outcome != Outcome::kExisting) {
    if (Status s = redis.wait_for_replicas(); !s.ok()) return s;
  }
  return answer;
}
}  // namespace

Result<Answer> register_task(RedisClient& redis, uint64_t n, std::string_view owner,
                             const Admission& a) {
  return read_answer(redis,
                     fcall(redis, "pi_register",
                           {num(n), owner, a.client, a.fits_memory ? "1" : "0", num(a.max_queue),
                            num(a.max_active), num(a.max_per_day), num(a.estimate_ms)}),
                     "pi_register");
}

Result<Answer> retry_task(RedisClient& redis, uint64_t n, const Admission& a) {
  return read_answer(redis,
                     fcall(redis, "pi_retry",
                           {num(n), a.client, a.fits_memory ? "1" : "0", num(a.max_queue),
                            num(a.max_active), num(a.max_per_day), num(a.estimate_ms)}),
                     "pi_retry");
}

Result<Cancellation> cancel_task(RedisClient& redis, uint64_t n, std::string_view owner,
                                 bool admin) {
  Reply reply = fcall(redis, "pi_cancel", {num(n), owner, admin ? "1" : "0"});
  if (!reply.ok()) return reply.status();
  const std::string outcome = text_of(at(reply.get(), 0));
  Cancellation c;
  if (outcome == "cancelled") {
    c.outcome = CancelOutcome::kCancelled;
    if (!read_task(reply.get(), 1, &c.task)) return unexpected("pi_cancel");
  } else if (outcome == "not_found") {
    c.outcome = CancelOutcome::kNotFound;
  } else if (outcome == "forbidden") {
    c.outcome = CancelOutcome::kForbidden;
  } else if (outcome == "conflict") {
    c.outcome = CancelOutcome::kConflict;
    c.status = text_of(at(reply.get(), 1));
  } else {
    return unexpected("pi_cancel");
  }
  return c;
}

Result<bool> delete_task(RedisClient& redis, uint64_t n) {
  Reply reply = fcall(redis, "pi_delete", {num(n)});
  if (!reply.ok()) return reply.status();
  const std::string outcome = reply.string().value_or("");
  if (outcome != "deleted" && outcome != "not_found") return unexpected("pi_delete");
  return outcome == "deleted";
}

// ---- reads ----------------------------------------------------------------------

Result<std::optional<Task>> get_task(RedisClient& redis, uint64_t n) {
  Reply reply = fcall(redis, "pi_get", {num(n)}, true);
  if (!reply.ok()) return reply.status();
  if (reply.is_nil()) return std::optional<Task>();
  auto task = task_from_reply(reply.get());
  if (!task) return unexpected("pi_get");
  return std::optional<Task>(std::move(task));
}

bool TaskRef::active() const {
  const std::string_view status = status_of(stage);
  return status == "queued" || status == "running";
}

Result<TaskPage> list_tasks(RedisClient& redis, std::string_view status, uint64_t before,
                            uint64_t limit, int64_t known_seq) {
  Reply reply = fcall(redis, "pi_list", {status, num(before), num(limit), num(known_seq)}, true);
  if (!reply.ok()) return reply.status();
  const redisReply* r = reply.get();
  if (known_seq > 0 && size_of(r) == 1 && integer_of(at(r, 0)) == known_seq) {
    TaskPage page;
    page.seq = known_seq;
    page.unchanged = true;
    return page;
  }
  const redisReply* rows = at(r, 2);
  if (size_of(r) != 3 || rows == nullptr || rows->type != REDIS_REPLY_ARRAY ||
      rows->elements % 4 != 0) {
    return unexpected("pi_list");
  }
  TaskPage page;
  page.seq = integer_of(at(r, 0));
  const redisReply* counts = at(r, 1);
  for (size_t i = 0; i + 1 < size_of(counts); i += 2) {
    page.counts[text_of(at(counts, i))] = integer_of(at(counts, i + 1));
  }
  const size_t listed = rows->elements / 4;  // limit + 1 when there are more
  for (size_t i = 0; i < rows->elements && page.tasks.size() < limit; i += 4) {
    TaskRef ref;
    const std::optional<Stage> stage = parse_stage(text_of(at(rows, i + 3)));
    // A hash deleted by hand leaves its index entry (and no fields): skip it.
    if (!parse_uint(text_of(at(rows, i)), 1, UINT64_MAX, &ref.n) ||
        !parse_uint(text_of(at(rows, i + 1)), 0, UINT64_MAX, &ref.id) ||
        !parse_uint(text_of(at(rows, i + 2)), 0, UINT64_MAX, &ref.version) || !stage) {
      continue;
    }
    ref.stage = *stage;
    page.tasks.push_back(ref);
  }
  if (listed > limit && !page.tasks.empty()) page.next_before = page.tasks.back().id;
  return page;
}

Result<std::vector<std::optional<Task>>> get_tasks(RedisClient& redis,
                                                   const std::vector<uint64_t>& ns) {
  std::vector<std::optional<Task>> tasks;
  if (ns.empty()) return tasks;
  std::vector<std::string> argv = fcall_head("pi_get_many", true);
  for (uint64_t n : ns) argv.push_back(num(n));
  Reply reply = fcall_argv(redis, argv);
  if (!reply.ok()) return reply.status();
  if (size_of(reply.get()) != ns.size()) return unexpected("pi_get_many");
  for (size_t i = 0; i < ns.size(); ++i) tasks.push_back(task_from_reply(at(reply.get(), i)));
  return tasks;
}

Result<DigitsInfo> digits_info(RedisClient& redis) {
  Reply reply = fcall(redis, "pi_digits_info", {}, true);
  if (!reply.ok()) return reply.status();
  DigitsInfo info;
  if (size_of(reply.get()) != 2) return unexpected("pi_digits_info");
  info.length = static_cast<uint64_t>(integer_of(at(reply.get(), 0)));
  info.chunk_bytes = static_cast<uint64_t>(integer_of(at(reply.get(), 1)));
  if (info.length > 0 && info.chunk_bytes == 0) return unexpected("pi_digits_info");
  return info;
}

Result<Health> health(RedisClient& redis) {
  Reply reply = fcall(redis, "pi_health", {}, true);
  if (!reply.ok()) return reply.status();
  if (size_of(reply.get()) < 3) return unexpected("pi_health");
  Health h;
  h.queue = integer_of(at(reply.get(), 0));
  h.workers = integer_of(at(reply.get(), 1));
  h.digits = std::max<int64_t>(0, integer_of(at(reply.get(), 2)) - 2);
  return h;
}

// ---- pi-worker ------------------------------------------------------------------

Result<Take> take_task(RedisClient& redis, std::string_view worker, uint64_t n, int max_attempts,
                       int64_t estimate_ms) {
  Reply reply = fcall(redis, "pi_take", {num(n), worker, num(max_attempts), num(estimate_ms)});
  if (!reply.ok()) return reply.status();
  const redisReply* r = reply.get();
  const std::string outcome = text_of(at(r, 0));
  Take take;
  if (outcome == "taken") {
    take.outcome = TakeOutcome::kTaken;
    take.attempts = static_cast<int>(integer_of(at(r, 1)));
    take.cached = text_of(at(r, 2)) == "1";
  } else if (outcome == "not_listed") {
    take.outcome = TakeOutcome::kNotListed;
  } else if (outcome == "missing") {
    take.outcome = TakeOutcome::kMissing;
  } else if (outcome == "finished") {
    take.outcome = TakeOutcome::kFinished;
    take.detail = text_of(at(r, 1));
  } else if (outcome == "busy") {
    take.outcome = TakeOutcome::kBusy;
    take.detail = text_of(at(r, 1));
  } else if (outcome == "gave_up") {
    take.outcome = TakeOutcome::kGaveUp;
    take.attempts = static_cast<int>(integer_of(at(r, 1)));
    take.detail = text_of(at(r, 2));
  } else {
    return unexpected("pi_take");
  }
  return take;
}

namespace {
// 'ok' -> true, 'lost' -> false.
Result<bool> ok_or_lost(const Reply& reply, std::string_view function) {
  if (!reply.ok()) return reply.status();
  const std::string outcome = reply.string().value_or("");
  if (outcome != "ok" && outcome != "lost") return unexpected(function);
  return outcome == "ok";
}
}  // namespace

Result<bool> report_progress(RedisClient& redis, std::string_view worker, uint64_t n,
                             double progress, std::string_view phase) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", progress);
  return ok_or_lost(fcall(redis, "pi_progress", {num(n), worker, text, phase}), "pi_progress");
}

Result<bool> mark_calculated(RedisClient& redis, std::string_view worker, uint64_t n,
                             std::string_view source, const Usage& usage) {
  const std::string cpu = usage.cpu_ms >= 0 ? num(usage.cpu_ms) : "";
  const std::string rss = usage.peak_rss_bytes >= 0 ? num(usage.peak_rss_bytes) : "";
  return ok_or_lost(fcall(redis, "pi_calculated", {num(n), worker, source, cpu, rss}),
                    "pi_calculated");
}

Result<Store> store_result(RedisClient& redis, std::string_view worker, uint64_t n,
                           const Staged& staged) {
  Reply reply = fcall(redis, "pi_store",
                      {num(n), worker, num(staged.length), num(staged.chunk_bytes),
                       num(staged.first_chunk)});
  if (!reply.ok()) return reply.status();
  const std::string outcome = text_of(at(reply.get(), 0));
  Store store;
  if (outcome == "stored") {
    const std::string digit = text_of(at(reply.get(), 1));
    if (digit.size() != 1 || digit[0] < '0' || digit[0] > '9') return unexpected("pi_store");
    store.outcome = StoreOutcome::kStored;
    store.digit = digit[0] - '0';
    // PI_REDIS_MIN_REPLICAS: a result is stored once replicas hold it. When
    // they do not, the worker retries pi_store, which is idempotent for a task
    // already stored (it answers 'lost', and the digits stay).
    if (Status s = redis.wait_for_replicas(); !s.ok()) return s;
  } else if (outcome == "lost") {
    store.outcome = StoreOutcome::kLost;
  } else if (outcome == "short") {
    store.outcome = StoreOutcome::kShort;
  } else {
    return unexpected("pi_store");
  }
  return store;
}

Status stage_piece(RedisClient& redis, std::string_view worker, uint64_t k,
                   std::string_view piece, bool first) {
  // An abandoned staging (its worker died) goes away on its own after an hour.
  Reply reply = fcall(redis, "pi_stage", {worker, num(k), piece, first ? "1" : "0", "3600000"});
  return reply.ok() ? Status() : reply.status();
}

Result<bool> fail_task(RedisClient& redis, std::string_view worker, uint64_t n,
                       std::string_view message) {
  return ok_or_lost(fcall(redis, "pi_fail", {num(n), worker, message}), "pi_fail");
}

Result<Release> release_task(RedisClient& redis, std::string_view worker, uint64_t n, bool stopped,
                             int max_attempts, std::string_view crash_message) {
  Reply reply = fcall(redis, "pi_release",
                      {num(n), worker, stopped ? "1" : "0", num(max_attempts), crash_message});
  if (!reply.ok()) return reply.status();
  const std::string outcome = reply.string().value_or("");
  if (outcome == "requeued") return Release::kRequeued;
  if (outcome == "gave_up") return Release::kGaveUp;
  if (outcome == "dropped") return Release::kDropped;
  if (outcome == "lost") return Release::kLost;
  return unexpected("pi_release");
}

namespace {
Result<std::vector<Requeued>> reap(RedisClient& redis, std::string_view worker, bool only,
                                   int64_t not_after_ms) {
  Reply reply = fcall(redis, "pi_reap", {worker, only ? "only" : "", num(not_after_ms)});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> flat = reply.strings();
  std::vector<Requeued> moved;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) {
    Requeued r{flat[i], 0};
    if (parse_uint(flat[i + 1], 1, UINT64_MAX, &r.n)) moved.push_back(std::move(r));
  }
  return moved;
}
}  // namespace

Result<std::vector<Requeued>> reap_dead_workers(RedisClient& redis, std::string_view also_reap,
                                                int64_t not_after_ms) {
  return reap(redis, also_reap, false, not_after_ms);
}

Result<std::vector<Requeued>> reap_worker(RedisClient& redis, std::string_view worker) {
  return reap(redis, worker, true, 0);
}

Result<int64_t> send_heartbeat(RedisClient& redis, std::string_view worker,
                               std::string_view json, int64_t ttl_ms) {
  Reply reply = fcall(redis, "pi_heartbeat", {worker, json, num(ttl_ms)});
  if (!reply.ok()) return reply.status();
  return reply.integer().value_or(0);
}

Status unregister_worker(RedisClient& redis, std::string_view worker) {
  Reply reply = fcall(redis, "pi_unregister", {worker});
  return reply.ok() ? Status() : reply.status();
}

}  // namespace pidigits::lifecycle
