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

// The split points are leaf * 2^j, so the only divisors are the powers
// 10^(leaf * 2^j), each computed once by squaring.
struct Plan {
  uint64_t leaf;                // digits per leaf, in [kMinLeafDigits, 2x)
  std::vector<uint64_t> exps;   // exps[j] = leaf * 2^j
};

Plan MakePlan(uint64_t digits) {
  Plan plan{digits, {}};
  int levels = 0;
  while (plan.leaf >= 2 * kMinLeafDigits) {
    ++levels;
    plan.leaf = (digits + (uint64_t{1} << levels) - 1) >> levels;
  }
  for (int j = 0; j < levels; ++j) plan.exps.push_back(plan.leaf << j);
  return plan;
}

// Largest j with exps[j] < digits, or -1 for a leaf.
int SplitLevel(const Plan& plan, uint64_t digits) {
  int j = static_cast<int>(plan.exps.size()) - 1;
  while (j >= 0 && plan.exps[j] >= digits) --j;
  return digits <= plan.leaf ? -1 : j;
}

uint64_t NodeWork(const Plan& plan, uint64_t digits) {
  int j = SplitLevel(plan, digits);
  if (j < 0) return digits;
  uint64_t low = plan.exps[j];
  return digits + NodeWork(plan, digits - low) + NodeWork(plan, low);
}

void Leaf(const Mpz& x, uint64_t digits, char* out) {
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

void Convert(Mpz x, uint64_t digits, int threads, const Plan& plan,
             const std::vector<Mpz>& powers, RunControl& ctl, char* out) {
  int j = SplitLevel(plan, digits);
  if (j < 0) {
    Leaf(x, digits, out);
    ctl.AddWork(digits);
    return;
  }
  uint64_t low = plan.exps[j];
  Mpz hi, lo;
  mpz_tdiv_qr(hi.get(), lo.get(), x.get(), powers[j].get());
  x.reset();
  ctl.AddWork(digits);
  if (threads > 1) {
    auto high_part = std::async(std::launch::async, [&] {
      Convert(std::move(hi), digits - low, threads / 2, plan, powers, ctl,
              out);
    });
    Convert(std::move(lo), low, threads - threads / 2, plan, powers, ctl,
            out + (digits - low));
    high_part.get();
  } else {
    Convert(std::move(hi), digits - low, 1, plan, powers, ctl, out);
    Convert(std::move(lo), low, 1, plan, powers, ctl, out + (digits - low));
  }
}

}  // namespace

uint64_t DecimalWork(uint64_t digits) {
  return NodeWork(MakePlan(digits), digits);
}

void ToDecimal(Mpz x, uint64_t digits, int threads, RunControl& ctl,
               char* out) {
  Plan plan = MakePlan(digits);
  std::vector<Mpz> powers(plan.exps.size());
  for (size_t j = 0; j < powers.size(); ++j) {
    if (j == 0) {
      mpz_ui_pow_ui(powers[0].get(), 10, plan.leaf);
    } else {
      mpz_mul(powers[j].get(), powers[j - 1].get(), powers[j - 1].get());
    }
    ctl.CheckCancel();
  }
  Convert(std::move(x), digits, threads, plan, powers, ctl, out);
}

}  // namespace pidigits
