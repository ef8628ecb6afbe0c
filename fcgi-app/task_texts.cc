#include "task_texts.h"

#include <algorithm>

#include "pidigits/clock.h"
#include "response.h"

namespace pidigits::fcgi {

namespace {
bool active(const Task& task) {
  return status_of(task.stage) == "queued" || status_of(task.stage) == "running";
}
}  // namespace

CachedText task_text(App& app, TaskText kind, const Task& task, const RenderTask& render,
                     std::string* error) {
  if (active(task)) {
    std::string text;
    if (!render(task, &text, error)) return nullptr;
    return std::make_shared<const std::string>(std::move(text));
  }
  const std::string key = task_cache_key(static_cast<char>(kind), task);
  if (CachedText text = app.cache.fragments.find(key)) return text;
  std::string text;
  if (!render(task, &text, error)) return nullptr;
  return app.cache.fragments.put(key, std::move(text));
}

ListedTexts listed_texts(App& app, TaskText kind, const lifecycle::TaskPage& page,
                         const RenderTask& render) {
  ListedTexts out;
  std::vector<CachedText> found(page.tasks.size());
  std::vector<uint64_t> missing;  // n of each task not cached at its listed version
  std::vector<size_t> missing_at;
  for (size_t i = 0; i < page.tasks.size(); ++i) {
    const lifecycle::TaskRef& ref = page.tasks[i];
    if (!ref.active()) {
      found[i] = app.cache.fragments.find(
          task_cache_key(static_cast<char>(kind), ref.n, ref.id, ref.version));
    }
    if (!found[i]) {
      missing.push_back(ref.n);
      missing_at.push_back(i);
    }
  }
  if (!missing.empty()) {
    auto got = lifecycle::get_tasks(app.redis, missing);
    if (!got.ok()) {
      out.redis_error = got.status().message();
      return out;
    }
    const std::vector<std::optional<Task>>& loaded = *got;
    // A task may have changed since the listing: its newer version is shown
    // (clients apply versions, never go back). One that is gone stays out.
    for (size_t j = 0; j < loaded.size(); ++j) {
      if (!loaded[j]) continue;
      found[missing_at[j]] = task_text(app, kind, *loaded[j], render, &out.render_error);
      if (!found[missing_at[j]]) return out;
    }
  }
  for (CachedText& text : found) {
    if (text) out.texts.push_back(std::move(text));
  }
  return out;
}

bool render_json(const Task& task, std::string* out, std::string*) {
  *out = task_json_text(task, now_ms());
  return true;
}

CachedText task_json(App& app, const Task& task, const DoneTasks::Ticket& ticket) {
  std::string error;
  CachedText json = task_text(app, TaskText::kJson, task, render_json, &error);
  app.cache.done.put(ticket, task, json);
  return json;
}

std::string listing_query(char kind, std::string_view status, uint64_t before, uint64_t limit) {
  std::string query(1, kind);
  query.append(":").append(status);
  query.append(":").append(std::to_string(before));
  query.append(":").append(std::to_string(limit));
  return query;
}

bool all_settled(const lifecycle::TaskPage& page) {
  return std::none_of(page.tasks.begin(), page.tasks.end(),
                      [](const lifecycle::TaskRef& ref) { return ref.active(); });
}

}  // namespace pidigits::fcgi
