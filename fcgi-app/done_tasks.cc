#include "done_tasks.h"

#include "pidigits/flags.h"

namespace pidigits::fcgi {

DoneTasks::Ticket DoneTasks::ticket(uint64_t n) {
  std::lock_guard lock(mutex_);
  check_deletions_locked();
  return Ticket{epoch_, changes_[n % kShards]};
}

const DoneTasks::Entry* DoneTasks::lookup_locked(uint64_t n) {
  check_deletions_locked();
  if (!live_) return nullptr;
  auto it = entries_.find(n);
  if (it == entries_.end() || Clock::now() - it->second.stored > kMaxAge) return nullptr;
  return &it->second;
}

DoneTasks::Json DoneTasks::find(uint64_t n) {
  std::lock_guard lock(mutex_);
  const Entry* entry = lookup_locked(n);
  return entry != nullptr ? entry->json : nullptr;
}

std::shared_ptr<const Task> DoneTasks::find_task(uint64_t n) {
  std::lock_guard lock(mutex_);
  const Entry* entry = lookup_locked(n);
  return entry != nullptr ? entry->task : nullptr;
}

void DoneTasks::put(const Ticket& ticket, const Task& task, Json json) {
  if (task.stage != Stage::kStored || json == nullptr) return;
  std::lock_guard lock(mutex_);
  check_deletions_locked();
  if (!live_ || ticket.epoch != epoch_ || ticket.changes != changes_[task.n % kShards]) return;
  if (entries_.size() >= kMaxEntries && !entries_.contains(task.n)) entries_.clear();
  entries_[task.n] = Entry{std::move(json), std::make_shared<const Task>(task), Clock::now()};
}

void DoneTasks::forget(uint64_t n) {
  std::lock_guard lock(mutex_);
  changed_locked(n);
  if (deletions_ == nullptr) return;
  // This process needs to forget only n, unless others deleted meanwhile.
  const uint64_t before = deletions_->fetch_add(1);
  if (before != deletions_seen_) reset_locked(live_);
  deletions_seen_ = before + 1;
}

bool DoneTasks::live() const { return live_.load(); }

void DoneTasks::subscribed(bool) {
  std::lock_guard lock(mutex_);
  reset_locked(true);
}

void DoneTasks::lost() {
  std::lock_guard lock(mutex_);
  reset_locked(false);
}

void DoneTasks::event(std::string_view message) {
  uint64_t n = 0;
  std::lock_guard lock(mutex_);
  if (parse_uint(message, 0, UINT64_MAX, &n)) {
    changed_locked(n);
  } else {
    reset_locked(live_);  // cannot tell which task changed
  }
}

void DoneTasks::reset_locked(bool live) {
  live_ = live;
  ++epoch_;
  entries_.clear();
}

void DoneTasks::check_deletions_locked() {
  if (deletions_ == nullptr) return;
  uint64_t now = deletions_->load();
  if (now == deletions_seen_) return;
  deletions_seen_ = now;
  reset_locked(live_);
}

void DoneTasks::changed_locked(uint64_t n) {
  ++changes_[n % kShards];
  entries_.erase(n);
}

}  // namespace pidigits::fcgi
