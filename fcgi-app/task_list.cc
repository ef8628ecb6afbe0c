#include "task_list.h"

#include "pidigits/config.h"
#include "pidigits/keys.h"

namespace pidigits::fcgi {
namespace {
// KEYS: pi:events:seq, pi:tasks
// ARGV: max score ("+inf" or "(ID"), how many (limit + 1, to know whether
// there are more), the task key prefix ("pi:task:")
// Returns {seq, n, id, version, n, id, version, ...}, newest first; id and
// version are false (nil) for an index entry whose task is gone.
constexpr std::string_view kListScript = R"lua(
local out = {tonumber(redis.call('GET', KEYS[1]) or '0')}
local ns = redis.call('ZREVRANGEBYSCORE', KEYS[2], ARGV[1], '-inf', 'LIMIT', 0, tonumber(ARGV[2]))
for _, n in ipairs(ns) do
  local fields = redis.call('HMGET', ARGV[3] .. n, 'id', 'version')
  table.insert(out, n)
  table.insert(out, fields[1])
  table.insert(out, fields[2])
end
return out
)lua";

// KEYS: pi:task:<n>, ... Returns {{field, value, ...}, ...} in the same order.
constexpr std::string_view kLoadScript = R"lua(
local out = {}
for i, key in ipairs(KEYS) do out[i] = redis.call('HGETALL', key) end
return out
)lua";

// keys.h spells the task key; the script builds it from the same prefix.
std::string task_key_prefix() {
  std::string key = keys::task(0);
  key.pop_back();
  return key;
}

bool as_uint(const redisReply* r, uint64_t* out) {
  return r->type == REDIS_REPLY_STRING &&
         parse_uint(std::string_view(r->str, r->len), 0, UINT64_MAX, out);
}

std::vector<std::string> flat_strings(const redisReply* array) {
  std::vector<std::string> out;
  if (array->type != REDIS_REPLY_ARRAY) return out;
  out.reserve(array->elements);
  for (size_t i = 0; i < array->elements; ++i) {
    const redisReply* e = array->element[i];
    if (e->type == REDIS_REPLY_STRING) out.emplace_back(e->str, e->len);
  }
  return out;
}
}  // namespace

bool list_tasks(RedisClient& redis, uint64_t limit, uint64_t before, TaskPage* page,
                std::string* error) {
  // "(ID": exclusive. Built with append: GCC 12 warns falsely (-Wrestrict) on "(" + string.
  std::string max = "+inf";
  if (before != 0) max.assign("(").append(std::to_string(before));
  Reply reply =
      redis.eval(kListScript, {std::string(keys::event_seq()), std::string(keys::task_index())},
                 {max, std::to_string(limit + 1), task_key_prefix()});
  if (!reply.ok()) {
    *error = reply.error();
    return false;
  }
  const redisReply* r = reply.get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 || (r->elements - 1) % 3 != 0 ||
      r->element[0]->type != REDIS_REPLY_INTEGER) {
    *error = "task list script returned an unexpected reply";
    return false;
  }
  *page = TaskPage{};
  page->seq = r->element[0]->integer;
  const size_t listed = (r->elements - 1) / 3;  // includes the one beyond the page, if any
  for (size_t i = 1; i + 2 < r->elements && page->tasks.size() < limit; i += 3) {
    TaskRef ref;
    // A task deleted by hand leaves its index entry (and no id): skip it.
    if (as_uint(r->element[i], &ref.n) && as_uint(r->element[i + 1], &ref.id) &&
        as_uint(r->element[i + 2], &ref.version)) {
      page->tasks.push_back(ref);
    }
  }
  if (listed > limit && !page->tasks.empty()) page->next_before = page->tasks.back().id;
  return true;
}

bool load_tasks(RedisClient& redis, const std::vector<uint64_t>& ns,
                std::vector<std::optional<Task>>* tasks, std::string* error) {
  tasks->clear();
  if (ns.empty()) return true;
  std::vector<std::string> task_keys;
  task_keys.reserve(ns.size());
  for (uint64_t n : ns) task_keys.push_back(keys::task(n));
  Reply reply = redis.eval(kLoadScript, task_keys, {});
  if (!reply.ok()) {
    *error = reply.error();
    return false;
  }
  const redisReply* r = reply.get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements != ns.size()) {
    *error = "task load script returned an unexpected reply";
    return false;
  }
  for (size_t i = 0; i < r->elements; ++i)
    tasks->push_back(Task::from_hash(flat_strings(r->element[i])));
  return true;
}

}  // namespace pidigits::fcgi
