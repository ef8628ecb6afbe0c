#include "search_index.h"

#include <string.h>

#include <algorithm>

#include "pidigits/lifecycle.h"
#include "pidigits/log.h"

namespace pidigits::fcgi {
namespace {
// Decimals read from Redis per GETRANGE while extending the index: bounds the
// reply buffer, not the index.
constexpr uint64_t kReadPieceBytes = 16ull << 20;
// Budget of the remembered answers, in bytes of key and text (render_cache.h):
// a query of kMaxQueryDigits and a 10-digit position take 30 bytes.
constexpr size_t kAnswerBytes = kRememberedAnswers * (kMaxQueryDigits + 10);

uint64_t pow10(size_t k) {
  uint64_t p = 1;
  while (k-- > 0) p *= 10;
  return p;
}

uint64_t value_of(std::string_view digits) {
  uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}
}  // namespace

DigitsIndex::DigitsIndex(std::string decimals) : decimals_(std::move(decimals)) {
  for (size_t k = 1; k <= kTableDigits; ++k) {
    first_[k - 1].assign(pow10(k), 0);
    unseen_[k - 1] = pow10(k);
  }
  scan(0);
}

DigitsIndex::DigitsIndex(const DigitsIndex& old, std::string_view more)
    : first_(old.first_), unseen_(old.unseen_) {
  decimals_.reserve(old.decimals_.size() + more.size());
  decimals_.append(old.decimals_).append(more);
  scan(old.decimals_.size());
}

void DigitsIndex::scan(uint64_t known) {
  uint64_t unseen = 0;
  for (uint64_t u : unseen_) unseen += u;
  const uint64_t length = decimals_.size();
  // A window of k digits starting at (0-based) i holds decimals i+1..i+k; the
  // ones ending at or before `known` were scanned with the shorter prefix.
  uint64_t i = known >= kTableDigits - 1 ? known - (kTableDigits - 1) : 0;
  for (; i < length && unseen > 0; ++i) {
    uint64_t value = 0;
    for (size_t k = 1; k <= kTableDigits && i + k <= length; ++k) {
      value = value * 10 + static_cast<uint64_t>(decimals_[i + k - 1] - '0');
      if (i + k <= known) continue;
      uint32_t& slot = first_[k - 1][value];
      if (slot == 0) {
        slot = static_cast<uint32_t>(i + 1);
        --unseen_[k - 1];
        --unseen;
      }
    }
  }
}

uint64_t DigitsIndex::find(std::string_view q) const {
  const size_t k = std::min(q.size(), kTableDigits);
  const uint64_t first = first_[k - 1][value_of(q.substr(0, k))];
  if (q.size() <= kTableDigits || first == 0) return first;
  // q cannot start before its first kTableDigits digits first occur.
  const char* begin = decimals_.data();
  const char* from = begin + (first - 1);
  const size_t left = decimals_.size() - (first - 1);
  const void* hit = memmem(from, left, q.data(), q.size());
  return hit != nullptr ? static_cast<uint64_t>(static_cast<const char*>(hit) - begin) + 1 : 0;
}

size_t DigitsIndex::memory_bytes() const {
  size_t bytes = decimals_.capacity();
  for (const auto& table : first_) bytes += table.capacity() * sizeof(uint32_t);
  return bytes;
}

std::shared_ptr<SearchIndex> new_search_index() { return std::make_shared<SearchIndex>(); }

SearchIndex::Generation SearchIndex::current() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

size_t SearchIndex::memory_bytes() const {
  Generation g = current();
  return g.index ? g.index->memory_bytes() + g.answers->bytes() : 0;
}

Result<SearchIndex::Generation> SearchIndex::rebuild(RedisClient& redis, const digits::Info& info,
                                                     uint64_t want) {
  // REQUIRES: build_mutex_ held. Another thread may have done it meanwhile.
  Generation old = current();
  if (old.index && old.index->length() == want) return old;
  // Only a longer prefix extends the index; a shorter one (the digits were
  // deleted) is indexed anew.
  const uint64_t have = old.index && old.index->length() < want ? old.index->length() : 0;
  std::string more;
  more.reserve(want - have);
  for (uint64_t at = have; at < want;) {
    const uint64_t count = std::min(kReadPieceBytes, want - at);
    // "3." precedes the decimals: decimal d is at offset d + 1.
    auto piece = digits::read(redis, info, at + 2, count);
    if (!piece.ok()) return piece.status();
    if (piece->size() != count) {
      return Status::internal("the stored digits ended at decimal " +
                              std::to_string(at + piece->size()) + ", pi:digits:info says " +
                              std::to_string(info.decimals()));
    }
    more.append(*piece);
    at += count;
  }
  Generation next;
  next.index = have > 0 ? std::make_shared<const DigitsIndex>(*old.index, more)
                        : std::make_shared<const DigitsIndex>(std::move(more));
  next.answers = std::make_shared<RenderCache>(kAnswerBytes);
  log::info("search index: ", want, " decimals, ", next.index->memory_bytes() >> 20, " MiB");
  std::lock_guard lock(mutex_);
  generation_ = next;
  return next;
}

Result<SearchAnswer> SearchIndex::search(RedisClient& redis, uint64_t max_digits,
                                         std::string_view q) {
  auto info = lifecycle::digits_info(redis);
  if (!info.ok()) return info.status();
  const uint64_t want = std::min(info->decimals(), max_digits);
  Generation g = current();
  if (!g.index || g.index->length() != want) {
    std::unique_lock build(build_mutex_, std::defer_lock);
    // With an index to answer from, a thread does not wait for another's
    // rebuild: it answers from the index it has (and says what it searched).
    if (g.index ? build.try_lock() : (build.lock(), true)) {
      auto rebuilt = rebuild(redis, *info, want);
      if (!rebuilt.ok()) return rebuilt.status();
      g = *rebuilt;
    }
  }
  SearchAnswer answer{0, g.index->length()};
  const std::string key(q);
  if (CachedText known = g.answers->find(key)) {
    answer.position = std::stoull(*known);
    return answer;
  }
  answer.position = g.index->find(q);
  g.answers->put(key, std::to_string(answer.position));
  return answer;
}

}  // namespace pidigits::fcgi
