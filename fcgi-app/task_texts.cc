#include "task_texts.h"

namespace pidigits::fcgi {

CachedText task_text(App& app, TaskText kind, const Task& task, const RenderTask& render,
                     std::string* error) {
  const std::string key = task_cache_key(static_cast<char>(kind), task);
  if (CachedText text = app.cache.fragments.find(key)) return text;
  std::string text;
  if (!render(task, &text, error)) return nullptr;
  return app.cache.fragments.put(key, std::move(text));
}

ListedTexts listed_texts(App& app, TaskText kind, const TaskPage& page, const RenderTask& render) {
  ListedTexts out;
  std::vector<CachedText> found(page.tasks.size());
  std::vector<uint64_t> missing;  // n of each task not cached at its listed version
  std::vector<size_t> missing_at;
  for (size_t i = 0; i < page.tasks.size(); ++i) {
    const TaskRef& ref = page.tasks[i];
    found[i] = app.cache.fragments.find(
        task_cache_key(static_cast<char>(kind), ref.n, ref.id, ref.version));
    if (!found[i]) {
      missing.push_back(ref.n);
      missing_at.push_back(i);
    }
  }
  if (!missing.empty()) {
    std::vector<std::optional<Task>> loaded;
    if (!load_tasks(app.redis, missing, &loaded, &out.redis_error)) return out;
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

std::string listed_page_key(char kind, const TaskPage& page) {
  std::string key(1, kind);
  key.append(":").append(std::to_string(page.seq)).append(":");
  key.append(std::to_string(page.next_before)).append(":");
  for (const TaskRef& ref : page.tasks) {
    key.append(std::to_string(ref.n)).push_back('.');
    key.append(std::to_string(ref.id)).push_back('.');
    key.append(std::to_string(ref.version)).push_back(',');
  }
  return key;
}

}  // namespace pidigits::fcgi
