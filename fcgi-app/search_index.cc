#include "search_index.h"

#include <string.h>

#include <algorithm>

#include "pidigits/lifecycle.h"
#include "pidigits/log.h"

namespace pidigits::fcgi {
namespace {
// Decimals read from Redis per GETRANGE while extending the index: bounds the
// reply buffer, not the index.
constexpr uint64_t kReadPieceBytes = 1ull << 20;
// Budget of the remembered answers, in bytes of key and text (render_cache.h):
// a query of kMaxQueryDigits and a 10-digit position take 30 bytes.
constexpr size_t kAnswerBytes = kRememberedAnswers * (kMaxQueryDigits + 10);
// A block's bitmap: one bit per string of kPieceDigits digits.
constexpr uint64_t kPieces = 100'000;
constexpr size_t kBlockWords = (kPieces + 63) / 64;
// A match starting in a block ends at most this far into the next block.
constexpr uint64_t kBlockOverlap = kMaxQueryDigits - kPieceDigits;

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

DigitsIndex::DigitsIndex(std::string decimals, uint64_t block_decimals)
    : decimals_(std::move(decimals)), block_decimals_(block_decimals) {
  for (size_t k = 1; k <= kTableDigits; ++k) {
    first_[k - 1].assign(pow10(k), 0);
    unseen_[k - 1] = pow10(k);
  }
  scan(0);
  fill_blocks(0);
}

DigitsIndex::DigitsIndex(const DigitsIndex& old, std::string_view more)
    : first_(old.first_), unseen_(old.unseen_), block_decimals_(old.block_decimals_) {
  decimals_.reserve(old.decimals_.size() + more.size());
  decimals_.append(old.decimals_).append(more);
  scan(old.decimals_.size());
  // The last old block may have been partial, and the one before it sees
  // pieces starting in the new decimals through its overlap.
  const uint64_t old_blocks = old.blocks_.size() / kBlockWords;
  const uint64_t from = old_blocks >= 2 ? old_blocks - 2 : 0;
  blocks_.assign(old.blocks_.begin(), old.blocks_.begin() + from * kBlockWords);
  fill_blocks(from);
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

void DigitsIndex::fill_blocks(uint64_t from) {
  const uint64_t length = decimals_.size();
  const uint64_t count = (length + block_decimals_ - 1) / block_decimals_;
  blocks_.resize(from * kBlockWords);
  blocks_.resize(count * kBlockWords, 0);
  // Pieces starting at i belong to block i / B, and to the block before when
  // i is within kBlockOverlap of its start.
  const uint64_t start = from * block_decimals_;
  if (length < kPieceDigits || start > length - kPieceDigits) return;
  uint64_t piece = value_of(std::string_view(decimals_).substr(start, kPieceDigits - 1));
  for (uint64_t i = start; i + kPieceDigits <= length; ++i) {
    piece = (piece * 10 + static_cast<uint64_t>(decimals_[i + kPieceDigits - 1] - '0')) % kPieces;
    const uint64_t block = i / block_decimals_;
    const uint64_t bit = uint64_t{1} << (piece % 64);
    blocks_[block * kBlockWords + piece / 64] |= bit;
    if (block > from && i - block * block_decimals_ < kBlockOverlap) {
      blocks_[(block - 1) * kBlockWords + piece / 64] |= bit;
    }
  }
}

bool DigitsIndex::block_has(uint64_t block, uint32_t piece) const {
  return (blocks_[block * kBlockWords + piece / 64] >> (piece % 64)) & 1;
}

uint64_t DigitsIndex::find(std::string_view q) const {
  const size_t k = std::min(q.size(), kTableDigits);
  const uint64_t first = first_[k - 1][value_of(q.substr(0, k))];
  if (q.size() <= kTableDigits || first == 0) return first;
  std::array<uint32_t, kMaxQueryDigits> pieces{};
  const size_t piece_count = q.size() - kPieceDigits + 1;
  for (size_t i = 0; i < piece_count; ++i) {
    pieces[i] = static_cast<uint32_t>(value_of(q.substr(i, kPieceDigits)));
  }
  // q cannot start before its first kTableDigits digits first occur, nor in
  // a block missing one of its pieces.
  const uint64_t length = decimals_.size();
  const uint64_t blocks = blocks_.size() / kBlockWords;
  for (uint64_t block = (first - 1) / block_decimals_; block < blocks; ++block) {
    bool candidate = true;
    for (size_t i = 0; i < piece_count && candidate; ++i) candidate = block_has(block, pieces[i]);
    if (!candidate) continue;
    // Matches starting in this block: they end before block end + q.size().
    const uint64_t from = std::max(block * block_decimals_, first - 1);
    const uint64_t to = std::min(length, (block + 1) * block_decimals_ + q.size() - 1);
    if (to < from + q.size()) continue;
    const void* hit = memmem(decimals_.data() + from, to - from, q.data(), q.size());
    if (hit != nullptr) {
      return static_cast<uint64_t>(static_cast<const char*>(hit) - decimals_.data()) + 1;
    }
  }
  return 0;
}

size_t DigitsIndex::memory_bytes() const {
  size_t bytes = decimals_.capacity();
  for (const auto& table : first_) bytes += table.capacity() * sizeof(uint32_t);
  return bytes + blocks_.capacity() * sizeof(uint64_t);
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
