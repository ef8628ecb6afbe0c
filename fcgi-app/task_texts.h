// A task as one of pi-fcgi's answers shows it -- its JSON in the API, its row
// on the index page -- rendered once per task version, then served from the
// process's cache (render_cache.h). A list page renders only the tasks it has
// not seen at their listed version, loading them in one more round trip.
// Queued and running tasks are rendered every time: their queue position and
// time estimate change without a new version.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app.h"
#include "pidigits/task.h"
#include "render_cache.h"
#include "pidigits/lifecycle.h"

namespace pidigits::fcgi {

// What is cached for a task: the kind is part of the cache key.
enum class TaskText : char { kJson = 'j', kRow = 'r' };

// Renders one task into *out; false with *error set when a template fails.
using RenderTask = std::function<bool(const Task& task, std::string* out, std::string* error)>;

// The task's text; nullptr with *error set when rendering failed.
CachedText task_text(App& app, TaskText kind, const Task& task, const RenderTask& render,
                     std::string* error);

struct ListedTexts {
  std::vector<CachedText> texts;  // in list order; tasks gone since the listing are left out
  std::string redis_error;        // set when loading the tasks not yet rendered failed
  std::string render_error;       // set when rendering one of them failed
};
ListedTexts listed_texts(App& app, TaskText kind, const lifecycle::TaskPage& page,
                         const RenderTask& render);

// The key of a whole answer made of a list page ('i' the index page, 'l' the
// API's list): kind, seq, next page and every listed version, all it shows;
// "" when the answer must not be cached (it lists a queued or running task).
// `extra` is anything else the answer shows (the status filter, for one).
std::string listed_page_key(char kind, const lifecycle::TaskPage& page, std::string_view extra);

}  // namespace pidigits::fcgi
