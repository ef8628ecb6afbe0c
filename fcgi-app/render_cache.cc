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

namespace {
std::string listing_text_key(const std::string& query, int64_t seq) {
  return query + "@" + std::to_string(seq);
}
}  // namespace

Listings::Known Listings::find(const std::string& query) {
  int64_t seq = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = latest_.find(query);
    if (it == latest_.end() || std::chrono::steady_clock::now() - it->second.made > kMaxAge) {
      return {};
    }
    seq = it->second.seq;
  }
  CachedText text = texts_.find(listing_text_key(query, seq));
  if (!text) return {};
  return {seq, std::move(text)};
}

CachedText Listings::put(const std::string& query, int64_t seq, std::string text) {
  CachedText kept = texts_.put(listing_text_key(query, seq), std::move(text));
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (latest_.size() >= kMaxQueries && !latest_.contains(query)) {
    // Many different queries (pages far back, odd limits): start again.
    latest_.clear();
  }
  Latest& latest = latest_[query];
  // Two threads may render the same query at different seqs: keep the newer
  // (an older one would only cost a listing more).
  if (seq >= latest.seq || now - latest.made > kMaxAge) latest = {seq, now};
  return kept;
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
