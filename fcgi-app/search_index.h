// Finding a string of decimal digits among the stored decimals of pi
// (GET /api/search, GET /find), in a few milliseconds at 1e8 decimals.
//
// DigitsIndex is an immutable index over decimals 1..L held in memory:
//   - the decimals themselves, one byte each (L bytes);
//   - for every k = 1..kTableDigits, the position of the first occurrence of
//     each of the 10^k strings of k digits (uint32, 0 = absent):
//     10 + 100 + ... + 10^6 entries, 4.4 MB;
//   - per block of kBlockDecimals decimals, one bit for each of the 10^5
//     strings of kPieceDigits digits: does it start in the block (or in the
//     first kMaxQueryDigits - kPieceDigits decimals of the next one)? 12.5 KB
//     per block, 0.19 bytes per decimal.
// A query of up to kTableDigits digits is one table lookup. A longer one
// cannot occur before its first kTableDigits digits do, and can start only
// in a block that holds all its pieces of kPieceDigits digits: for a random
// piece a block holds it with probability ~0.48, so a 10-digit query (6
// pieces) scans ~1% of the blocks and a 20-digit one almost none. Only those
// blocks are scanned (memmem).
//
// SearchIndex is what a pi-fcgi process keeps: the index of the stored prefix
// (up to PI_SEARCH_MAX_DIGITS decimals), extended when a longer pi is stored
// (only the new decimals are read from Redis; the tables are extended, the
// blocks from the last old one on are recomputed), and the last
// kRememberedAnswers answers. Shared by the process's request threads. While
// it extends, the old index stays in use, so for that moment the process holds
// both.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "digits_query.h"  // kMaxQueryDigits
#include "pidigits/digits.h"
#include "pidigits/redis.h"
#include "pidigits/status.h"
#include "render_cache.h"

namespace pidigits::fcgi {

// Strings up to this many digits have a table of first occurrences. Tuning:
// 7 would cost 40 MB more per process for little gain (longer queries start
// their scan at the first occurrence of their first 6 digits).
inline constexpr size_t kTableDigits = 6;
// Answers remembered per process (the index's answers for repeated queries).
inline constexpr size_t kRememberedAnswers = 10'000;
// The block filter of longer queries: pieces of kPieceDigits digits, blocks
// of kBlockDecimals decimals. Tuning: smaller blocks filter better and cost
// memory in proportion (12.5 KB per block).
inline constexpr size_t kPieceDigits = 5;
inline constexpr uint64_t kBlockDecimals = 1 << 16;

class DigitsIndex {
 public:
  // An index over `decimals` (decimal 1 first; no "3."), only '0'-'9'.
  // REQUIRES: fewer than 2^32 decimals; block_decimals >= kMaxQueryDigits
  // (tests use small blocks to cross many block boundaries).
  explicit DigitsIndex(std::string decimals, uint64_t block_decimals = kBlockDecimals);
  // An index over old's decimals followed by `more`: old's tables are
  // copied and only positions that reach into `more` are scanned.
  DigitsIndex(const DigitsIndex& old, std::string_view more);
  DigitsIndex(const DigitsIndex&) = delete;
  DigitsIndex& operator=(const DigitsIndex&) = delete;

  // Decimals indexed (L).
  uint64_t length() const { return decimals_.size(); }
  // The 1-based position of the first decimal of the first occurrence of q
  // among decimals 1..L, or 0 if q does not occur there.
  // REQUIRES: 1 <= q.size() <= kMaxQueryDigits, q only '0'-'9'.
  uint64_t find(std::string_view q) const;
  // Bytes held (decimals and tables).
  size_t memory_bytes() const;

 private:
  // Records first occurrences of the windows that end after decimal `known`
  // (the windows ending at or before it are in the tables already).
  void scan(uint64_t known);
  // Computes the bitmaps of blocks `from` onwards (the others are kept).
  void fill_blocks(uint64_t from);
  bool block_has(uint64_t block, uint32_t piece) const;

  std::string decimals_;
  // first_[k - 1][s]: 1-based position of the first occurrence of the k-digit
  // string whose value is s, 0 if none.
  std::array<std::vector<uint32_t>, kTableDigits> first_;
  // Strings of each length not seen yet: the scan stops when all are found.
  std::array<uint64_t, kTableDigits> unseen_{};
  uint64_t block_decimals_;
  // kBlockWords words per block: bit s is set when the kPieceDigits-digit
  // string of value s starts in the block or in the first
  // kMaxQueryDigits - kPieceDigits decimals after it.
  std::vector<uint64_t> blocks_;
};

struct SearchAnswer {
  uint64_t position = 0;  // 0: not found
  uint64_t searched = 0;  // decimals searched (L)
};

class SearchIndex {
 public:
  SearchIndex() = default;
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // The first occurrence of q among the stored decimals 1..min(stored,
  // max_digits); reads pi:digits:info (one round trip) and, when the stored
  // prefix changed, the new decimals. REQUIRES: q as for DigitsIndex::find.
  // Thread-safe: one thread extends the index while the others keep
  // answering from the previous one (or wait, when there is none yet).
  Result<SearchAnswer> search(RedisClient& redis, uint64_t max_digits, std::string_view q);

  // Bytes held by the current index (0 before the first search).
  size_t memory_bytes() const;

 private:
  // An index and the answers found in it: replaced together.
  struct Generation {
    std::shared_ptr<const DigitsIndex> index;
    std::shared_ptr<RenderCache> answers;  // q -> position as decimal text
  };
  Generation current() const;
  // Brings the index to `want` decimals of the stored digits `info`.
  Result<Generation> rebuild(RedisClient& redis, const digits::Info& info, uint64_t want);

  mutable std::mutex mutex_;  // guards generation_
  Generation generation_;
  std::mutex build_mutex_;  // held by the one thread reading and indexing new decimals
};

}  // namespace pidigits::fcgi
