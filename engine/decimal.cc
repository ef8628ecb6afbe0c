#include "decimal.h"

#include <cstring>
#include <future>
#include <memory>
#include <vector>

namespace pidigits {
namespace {

// Tuning: pieces of at most 2 * kMinLeafDigits digits go to mpz_get_str
// (itself subquadratic); large enough that the per-piece overhead vanishes,
// small enough (~1 ms) for prompt cancellation.
constexpr uint64_t kMinLeafDigits = 16384;

void leaf(const Mpz& x, uint64_t digits, char* out) {
  auto buf = std::make_unique<char[]>(mpz_sizeinbase(x.get(), 10) + 2);
  mpz_get_str(buf.get(), 10, x.get());
  size_t len = std::strlen(buf.get());
  if (len >= digits) {
    std::memcpy(out, buf.get() + (len - digits), digits);
  } else {
    std::memset(out, '0', digits - len);
    std::memcpy(out + (digits - len), buf.get(), len);
  }
}

}  // namespace

// The split points are leaf * 2^j, so the only divisors are the powers
// 10^(leaf * 2^j), each computed once by squaring; leaf is chosen so that
// the top split is near the middle.
DecimalConverter::DecimalConverter(uint64_t digits) : digits_(digits) {
  plan_.leaf = digits;
  int levels = 0;
  while (plan_.leaf >= 2 * kMinLeafDigits) {
    ++levels;
    plan_.leaf = (digits + (uint64_t{1} << levels) - 1) >> levels;
  }
  for (int j = 0; j < levels; ++j) plan_.exps.push_back(plan_.leaf << j);
  work_ = work_of(digits);
}

// Largest j with exps[j] < digits, or -1 for a leaf.
int DecimalConverter::split_level(uint64_t digits) const {
  if (digits <= plan_.leaf) return -1;
  int j = static_cast<int>(plan_.exps.size()) - 1;
  while (j >= 0 && plan_.exps[j] >= digits) --j;
  return j;
}

uint64_t DecimalConverter::work_of(uint64_t digits) const {
  int j = split_level(digits);
  if (j < 0) return digits;
  uint64_t low = plan_.exps[j];
  return digits + work_of(digits - low) + work_of(low);
}

void DecimalConverter::compute_powers(const RunControl& ctl) {
  powers_.resize(plan_.exps.size());
  for (size_t j = 0; j < powers_.size(); ++j) {
    if (j == 0) {
      mpz_ui_pow_ui(powers_[0].get(), 10, plan_.leaf);
    } else {
      mpz_mul(powers_[j].get(), powers_[j - 1].get(), powers_[j - 1].get());
    }
    ctl.check_cancel();
  }
}

void DecimalConverter::convert(Mpz x, int threads, RunControl& ctl, char* out) const {
  convert_part(std::move(x), digits_, threads, ctl, out);
}

void DecimalConverter::convert_part(Mpz x, uint64_t digits, int threads, RunControl& ctl,
                                   char* out) const {
  int j = split_level(digits);
  if (j < 0) {
    leaf(x, digits, out);
    ctl.add_work(digits);
    return;
  }
  uint64_t low = plan_.exps[j];
  Mpz hi, lo;
  mpz_tdiv_qr(hi.get(), lo.get(), x.get(), powers_[j].get());
  x.reset();
  ctl.add_work(digits);
  char* low_out = out + (digits - low);
  if (threads > 1) {
    auto high_part = std::async(std::launch::async, [&] {
      convert_part(std::move(hi), digits - low, threads / 2, ctl, out);
    });
    convert_part(std::move(lo), low, threads - threads / 2, ctl, low_out);
    high_part.get();
  } else {
    convert_part(std::move(hi), digits - low, 1, ctl, out);
    convert_part(std::move(lo), low, 1, ctl, low_out);
  }
}

}  // namespace pidigits
