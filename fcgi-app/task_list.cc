#include "task_list.h"

#include "pidigits/keys.h"

namespace pidigits::fcgi {
namespace {
// KEYS: pi:events:seq, pi:tasks
// ARGV: max score ("+inf" or "(ID"), how many (limit + 1, to know whether
// there are more), the task key prefix ("pi:task:")
// Returns {seq, {field, value, ...}, ...}, newest first.
constexpr std::string_view kListScript = R"lua(
local out = {tonumber(redis.call('GET', KEYS[1]) or '0')}
local ns = redis.call('ZREVRANGEBYSCORE', KEYS[2], ARGV[1], '-inf', 'LIMIT', 0, tonumber(ARGV[2]))
for _, n in ipairs(ns) do
  table.insert(out, redis.call('HGETALL', ARGV[3] .. n))
end
return out
)lua";

// keys.h spells the task key; the script builds it from the same prefix.
std::string task_key_prefix() {
  std::string key = keys::task(0);
  key.pop_back();
  return key;
}

std::vector<std::string> flat_strings(const redisReply* array) {
  std::vector<std::string> out;
  if (array->type != REDIS_REPLY_ARRAY) return out;
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
  if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
      r->element[0]->type != REDIS_REPLY_INTEGER) {
    *error = "task list script returned an unexpected reply";
    return false;
  }
  *page = TaskPage{};
  page->seq = r->element[0]->integer;
  size_t listed = r->elements - 1;  // includes the one beyond the page, if any
  for (size_t i = 1; i < r->elements && page->tasks.size() < limit; ++i) {
    // A task deleted by hand leaves its index entry: skip it.
    if (auto task = Task::from_hash(flat_strings(r->element[i]))) page->tasks.push_back(*task);
  }
  if (listed > limit && !page->tasks.empty()) page->next_before = page->tasks.back().id;
  return true;
}

}  // namespace pidigits::fcgi
