// The stored digits of pi in Redis: "3." and the decimals of the longest pi
// computed so far, in chunks of chunk_bytes (pi:digits is chunk 0,
// pi:digits:<k> chunk k; Redis strings stop at 512 MB), described by
// pi:digits:info {length, chunk_bytes}.
//
// Bytes below `length` never change, so a reader that reads below the length
// it was given is never disturbed by a writer. A worker stages a longer result
// in pi:staging:<worker>:<k> keys (stage()), and pi_store commits them at once
// (RENAME), so no reader ever sees a half-written result.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pidigits/lifecycle.h"
#include "pidigits/redis.h"
#include "pidigits/status.h"

namespace pidigits::digits {

// Chunk size when nothing is stored yet (PI_DIGITS_CHUNK_BYTES); later writes
// use the stored one.
constexpr uint64_t kDefaultChunkBytes = kDefaultDigitsChunkBytes;
// Largest chunk: Redis strings stop at 512 MB.
constexpr uint64_t kMaxChunkBytes = 512ull << 20;

using Info = lifecycle::DigitsInfo;  // lifecycle::digits_info() reads it

// Bytes [offset, offset + count) of the stored string, cut at info.length.
Result<std::string> read(RedisClient& redis, const Info& info, uint64_t offset, uint64_t count);

// Stages `digits` ("3." + decimals) for pi_store: the chunks from the one that
// holds the first byte not yet stored, written in pieces of a few MiB (never a
// second copy of the whole result), each staging key expiring after an hour
// if nobody commits it. A result not longer than the stored digits stages
// nothing (length 0). chunk_bytes: used when nothing is stored yet.
Result<lifecycle::Staged> stage(RedisClient& redis, std::string_view worker,
                                std::string_view digits, uint64_t chunk_bytes);

}  // namespace pidigits::digits
