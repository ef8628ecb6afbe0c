#include "task_texts.h"

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

std::string listed_page_key(char kind, const lifecycle::TaskPage& page, std::string_view extra) {
  for (const lifecycle::TaskRef& ref : page.tasks) {
    if (ref.active()) return {};
  }
  std::string key(1, kind);
  key.append(":").append(extra);
  key.append(":").append(std::to_string(page.seq)).append(":");
  key.append(std::to_string(page.next_before)).append(":");
  for (const lifecycle::TaskRef& ref : page.tasks) {
    key.append(std::to_string(ref.n)).push_back('.');
    key.append(std::to_string(ref.id)).push_back('.');
    key.append(std::to_string(ref.version)).push_back(',');
  }
  return key;
}

}  // namespace pidigits::fcgi
