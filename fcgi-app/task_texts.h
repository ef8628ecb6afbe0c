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

// Renders the task's JSON as the API serves it.
bool render_json(const Task& task, std::string* out, std::string* error);

// The JSON of `task`, read from Redis after `ticket` was taken; kept by the
// done tasks' cache (done_tasks.h) if it is done.
CachedText task_json(App& app, const Task& task, const DoneTasks::Ticket& ticket);

struct ListedTexts {
  std::vector<CachedText> texts;  // in list order; tasks gone since the listing are left out
  std::string redis_error;        // set when loading the tasks not yet rendered failed
  std::string render_error;       // set when rendering one of them failed
};
ListedTexts listed_texts(App& app, TaskText kind, const lifecycle::TaskPage& page,
                         const RenderTask& render);

// The Listings query of a whole answer made of a list page ('i' the index
// page, 'l' the API's list).
std::string listing_query(char kind, std::string_view status, uint64_t before, uint64_t limit);

// True if no listed task is queued or running: an answer made of the page may
// be kept (Listings).
bool all_settled(const lifecycle::TaskPage& page);

}  // namespace pidigits::fcgi
