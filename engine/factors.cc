#include "factors.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace pidigits {

OddSieve::OddSieve(uint64_t limit) : spf_(limit / 2 + 1, 0) {
  auto root = static_cast<uint64_t>(std::sqrt(static_cast<double>(limit))) + 1;
  for (uint64_t p = 3; p <= root; p += 2) {
    if (spf_[p / 2] != 0) continue;  // composite
    for (uint64_t m = p * p; m <= limit; m += 2 * p) {
      if (spf_[m / 2] == 0) spf_[m / 2] = static_cast<uint16_t>(p);
    }
  }
}

void OddSieve::factor(uint64_t x, uint32_t times, Factors& out) const {
  int twos = std::countr_zero(x);
  if (twos > 0) out.push_back({2, static_cast<uint32_t>(twos) * times});
  x >>= twos;
  while (x > 1) {
    uint64_t p = spf_[x / 2];
    if (p == 0) p = x;
    uint32_t e = 0;
    do {
      x /= p;
      ++e;
    } while (x % p == 0);
    out.push_back({static_cast<uint32_t>(p), e * times});
  }
}

void normalize(Factors& f) {
  // Most entries are small primes: count those in place and sort only the
  // rest (a range of 50 terms has ~700 entries, ~200 of primes >= 512).
  constexpr uint32_t kDirect = 512;
  uint32_t counts[kDirect] = {};
  size_t large = 0;
  for (const PrimePower& pp : f) {
    if (pp.prime < kDirect) {
      counts[pp.prime] += pp.exp;
    } else {
      f[large++] = pp;
    }
  }
  std::sort(f.begin(), f.begin() + large,
            [](const PrimePower& a, const PrimePower& b) { return a.prime < b.prime; });
  Factors out;
  out.reserve(f.size());
  for (uint32_t p = 2; p < kDirect; ++p) {
    if (counts[p] != 0) out.push_back({p, counts[p]});
  }
  for (size_t i = 0; i < large; ++i) {
    if (out.size() > 0 && out.back().prime == f[i].prime) {
      out.back().exp += f[i].exp;
    } else {
      out.push_back(f[i]);
    }
  }
  f = std::move(out);
}

Factors multiply(const Factors& a, const Factors& b) {
  Factors out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].prime < b[j].prime) {
      out.push_back(a[i++]);
    } else if (b[j].prime < a[i].prime) {
      out.push_back(b[j++]);
    } else {
      out.push_back({a[i].prime, a[i].exp + b[j].exp});
      ++i;
      ++j;
    }
  }
  out.insert(out.end(), a.begin() + i, a.end());
  out.insert(out.end(), b.begin() + j, b.end());
  return out;
}

Factors remove_common(Factors& a, Factors& b) {
  Factors common;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].prime < b[j].prime) {
      ++i;
    } else if (b[j].prime < a[i].prime) {
      ++j;
    } else {
      uint32_t e = std::min(a[i].exp, b[j].exp);
      common.push_back({a[i].prime, e});
      a[i++].exp -= e;
      b[j++].exp -= e;
    }
  }
  if (!common.empty()) {
    auto zero = [](const PrimePower& p) { return p.exp == 0; };
    a.erase(std::remove_if(a.begin(), a.end(), zero), a.end());
    b.erase(std::remove_if(b.begin(), b.end(), zero), b.end());
  }
  return common;
}

namespace {

// Product of words[lo, hi) by a balanced tree (fast multiplication needs
// operands of similar size).
void product_tree(const std::vector<uint64_t>& words, size_t lo, size_t hi, Mpz& out) {
  if (hi - lo == 1) {
    mpz_set_ui(out.get(), words[lo]);
    return;
  }
  size_t mid = lo + (hi - lo) / 2;
  Mpz right;
  product_tree(words, lo, mid, out);
  product_tree(words, mid, hi, right);
  mpz_mul(out.get(), out.get(), right.get());
}

}  // namespace

void to_mpz(const Factors& f, Mpz& out) {
  // Pack prime powers into 64-bit words first: most are small.
  std::vector<uint64_t> words;
  uint64_t word = 1;
  for (const PrimePower& pp : f) {
    for (uint32_t e = 0; e < pp.exp; ++e) {
      if (word > std::numeric_limits<uint64_t>::max() / pp.prime) {
        words.push_back(word);
        word = 1;
      }
      word *= pp.prime;
    }
  }
  words.push_back(word);
  product_tree(words, 0, words.size(), out);
}

}  // namespace pidigits
