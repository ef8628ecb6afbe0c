#include "done_tasks.h"

#include <nlohmann/json.hpp>

#include "pidigits/flags.h"

namespace pidigits::fcgi {
namespace {
// n of an event's task: {"type":"task","seq":S,"hash":{"n":"N",...}} or
// {"type":"deleted","seq":S,"n":N,...}; nullopt when there is none.
std::optional<uint64_t> event_n(const nlohmann::json& event) {
  const nlohmann::json* n = nullptr;
  if (auto hash = event.find("hash"); hash != event.end() && hash->is_object()) {
    if (auto it = hash->find("n"); it != hash->end()) n = &*it;
  } else if (auto it = event.find("n"); it != event.end()) {
    n = &*it;
  }
  if (n == nullptr) return std::nullopt;
  if (n->is_number_unsigned()) return n->get<uint64_t>();
  uint64_t value = 0;
  if (n->is_string() && parse_uint(n->get<std::string>(), 0, UINT64_MAX, &value)) return value;
  return std::nullopt;
}
}  // namespace

DoneTasks::Ticket DoneTasks::ticket(uint64_t n) const {
  std::lock_guard lock(mutex_);
  return Ticket{epoch_, changes_[n % kShards]};
}

DoneTasks::Json DoneTasks::find(uint64_t n) const {
  std::lock_guard lock(mutex_);
  if (!live_) return nullptr;
  auto it = entries_.find(n);
  if (it == entries_.end() || Clock::now() - it->second.stored > kMaxAge) return nullptr;
  return it->second.json;
}

void DoneTasks::put(const Ticket& ticket, const Task& task, Json json) {
  if (task.stage != Stage::kStored || json == nullptr) return;
  std::lock_guard lock(mutex_);
  if (!live_ || ticket.epoch != epoch_ || ticket.changes != changes_[task.n % kShards]) return;
  if (entries_.size() >= kMaxEntries && !entries_.contains(task.n)) entries_.clear();
  entries_[task.n] = Entry{std::move(json), Clock::now()};
}

void DoneTasks::forget(uint64_t n) {
  std::lock_guard lock(mutex_);
  changed_locked(n);
}

size_t DoneTasks::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

bool DoneTasks::live() const {
  std::lock_guard lock(mutex_);
  return live_;
}

void DoneTasks::subscribed(bool) {
  std::lock_guard lock(mutex_);
  reset_locked(true);
}

void DoneTasks::lost() {
  std::lock_guard lock(mutex_);
  reset_locked(false);
}

void DoneTasks::event(std::string_view message) {
  nlohmann::json event = nlohmann::json::parse(message, nullptr, false);
  std::lock_guard lock(mutex_);
  if (!event.is_object()) return reset_locked(live_);  // cannot tell what changed
  auto seq = event.find("seq");
  if (seq == event.end() || !seq->is_number_integer()) return;  // not a task's event
  const int64_t s = seq->get<int64_t>();
  std::optional<uint64_t> n = event_n(event);
  if ((last_seq_ >= 0 && s != last_seq_ + 1) || !n) {
    reset_locked(live_);  // an event was missed, or which task changed is unknown
  } else {
    changed_locked(*n);
  }
  last_seq_ = s;
}

void DoneTasks::reset_locked(bool live) {
  live_ = live;
  ++epoch_;
  last_seq_ = -1;
  entries_.clear();
}

void DoneTasks::changed_locked(uint64_t n) {
  ++changes_[n % kShards];
  entries_.erase(n);
}

}  // namespace pidigits::fcgi
