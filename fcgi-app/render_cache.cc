#include "render_cache.h"

namespace pidigits::fcgi {

CachedText RenderCache::find(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second;
}

CachedText RenderCache::put(const std::string& key, std::string text) {
  auto value = std::make_shared<const std::string>(std::move(text));
  const size_t size = key.size() + value->size();
  if (size > max_bytes_) return value;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    auto entry = it->second;
    bytes_ -= entry->first.size() + entry->second->size();
    index_.erase(it);  // its key views the entry's key: erase it before the entry
    order_.erase(entry);
  }
  order_.emplace_front(key, value);
  index_.emplace(order_.front().first, order_.begin());
  bytes_ += size;
  evict_locked();
  return value;
}

void RenderCache::evict_locked() {
  while (bytes_ > max_bytes_ && !order_.empty()) {
    const Entry& last = order_.back();
    bytes_ -= last.first.size() + last.second->size();
    index_.erase(last.first);
    order_.pop_back();
  }
}

size_t RenderCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

size_t RenderCache::entries() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

CachedText HealthCache::find() const {
  std::lock_guard lock(mutex_);
  if (std::chrono::steady_clock::now() - stored_ > kMaxAge) return nullptr;
  return body_;
}

void HealthCache::put(CachedText body) {
  std::lock_guard lock(mutex_);
  body_ = std::move(body);
  stored_ = std::chrono::steady_clock::now();
}

std::string task_cache_key(char kind, uint64_t n, uint64_t id, uint64_t version) {
  std::string key(1, kind);
  key.append(":").append(std::to_string(n)).append(":").append(std::to_string(id));
  key.append(":").append(std::to_string(version));
  return key;
}

std::string task_cache_key(char kind, const Task& task) {
  return task_cache_key(kind, task.n, task.id, task.version);
}

std::string digits_cache_key(uint64_t n, uint64_t from) {
  return "d:" + std::to_string(n) + ":" + std::to_string(from);
}

}  // namespace pidigits::fcgi
