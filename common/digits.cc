#include "pidigits/digits.h"

#include <algorithm>

#include "pidigits/keys.h"

namespace pidigits::digits {
namespace {

// Bytes per APPEND while staging: small next to the result, large enough that
// round trips do not matter (1e9 digits: ~240 commands).
constexpr uint64_t kPieceBytes = 4ull << 20;

}  // namespace

Result<std::string> read(RedisClient& redis, const Info& info, uint64_t offset, uint64_t count) {
  std::string out;
  if (offset >= info.length || count == 0) return out;
  const uint64_t end = std::min(info.length, offset + count);
  out.reserve(end - offset);
  for (uint64_t at = offset; at < end;) {
    const uint64_t k = at / info.chunk_bytes;
    const uint64_t chunk_end = std::min(end, (k + 1) * info.chunk_bytes);
    const uint64_t from = at - k * info.chunk_bytes;
    Reply reply = redis.command({"GETRANGE", keys::digits_chunk(k), std::to_string(from),
                                 std::to_string(chunk_end - 1 - k * info.chunk_bytes)});
    if (!reply.ok()) return reply.status();
    const redisReply* r = reply.get();
    if (r->type != REDIS_REPLY_STRING || r->len != chunk_end - at) {
      return Status::internal("the stored digits are shorter than pi:digits:info says (chunk " +
                              std::to_string(k) + ")");
    }
    out.append(r->str, r->len);
    at = chunk_end;
  }
  return out;
}

Result<lifecycle::Staged> stage(RedisClient& redis, std::string_view worker,
                                std::string_view digits, uint64_t chunk_bytes) {
  Result<Info> stored = lifecycle::digits_info(redis);
  if (!stored.ok()) return stored.status();
  if (digits.size() <= stored->length) return lifecycle::Staged{};
  const uint64_t chunk = stored->chunk_bytes != 0 ? stored->chunk_bytes : chunk_bytes;
  lifecycle::Staged staged{digits.size(), chunk, stored->length / chunk};
  const uint64_t last = (digits.size() - 1) / chunk;
  for (uint64_t k = staged.first_chunk; k <= last; ++k) {
    const uint64_t end = std::min<uint64_t>(digits.size(), (k + 1) * chunk);
    for (uint64_t at = k * chunk; at < end; at += kPieceBytes) {
      std::string_view piece = digits.substr(at, std::min(kPieceBytes, end - at));
      Status s = lifecycle::stage_piece(redis, worker, k, piece, at == k * chunk);
      if (!s.ok()) return s;
    }
  }
  return staged;
}

}  // namespace pidigits::digits
