// Chudnovsky's formula
//   1/pi = 12 sum_{k>=0} (-1)^k (6k)! (A + B k) / ((3k)! (k!)^3 C^(3k+3/2))
// with A = 13591409, B = 545140134, C = 640320. Term k is term k-1 times
//   -p(k)/q(k),  p(k) = (6k-5)(2k-1)(6k-1),  q(k) = k^3 C^3/24,
// (p(0) = q(0) = 1), so for a range of terms [a, b)
//   P(a,b) = prod_{a<=k<b} p(k),   Q(a,b) = prod_{a<=k<b} q(k),
//   T(a,b) = sum_{a<=k<b} (-1)^k (A + B k) P(a,k+1) Q(k+1,b),
// and for any a < m < b (binary splitting)
//   P(a,b) = P(a,m) P(m,b),   Q(a,b) = Q(a,m) Q(m,b),
//   T(a,b) = T(a,m) Q(m,b) + P(a,m) T(m,b).
// Finally pi = C^(3/2)/12 * Q(0,N) / T(0,N) = 426880 sqrt(10005) Q / T.
#include "chudnovsky.h"

#include <bit>
#include <future>
#include <map>

namespace pidigits {
namespace {

constexpr unsigned long kA = 13591409;
constexpr unsigned long kB = 545140134;
constexpr unsigned long kC3Over24 = 10939058860032000;  // 640320^3 / 24
// log10(C^3 / 1728): each term adds this many correct digits (asymptotically
// from above, so N = digits / this + 2 is always enough).
constexpr double kDigitsPerTerm = 14.181647462725477;

// Tuning: ranges of at least this many terms report progress and check for
// cancellation (smaller ones take microseconds).
constexpr uint64_t kTickTerms = 32;

uint64_t NodeWork(uint64_t len) { return len * std::bit_width(len); }

struct Node {
  Mpz p, q, t;
};

// Term k alone: P = p(k), Q = q(k), T = (-1)^k (A + B k) p(k).
void Leaf(uint64_t k, bool need_p, Node& r) {
  if (k == 0) {
    mpz_set_ui(r.p.get(), 1);
    mpz_set_ui(r.q.get(), 1);
    mpz_set_ui(r.t.get(), kA);
    return;
  }
  mpz_ptr p = r.p.get();
  mpz_set_ui(p, 6 * k - 5);
  mpz_mul_ui(p, p, 2 * k - 1);
  mpz_mul_ui(p, p, 6 * k - 1);
  mpz_ptr q = r.q.get();
  mpz_set_ui(q, k);
  mpz_mul_ui(q, q, k);
  mpz_mul_ui(q, q, k);
  mpz_mul_ui(q, q, kC3Over24);
  mpz_ptr t = r.t.get();
  mpz_set_ui(t, kB);
  mpz_mul_ui(t, t, k);
  mpz_add_ui(t, t, kA);
  mpz_mul(t, t, p);
  if (k & 1) mpz_neg(t, t);
  if (!need_p) r.p.reset();
}

// l := merge(l, r) as in the recurrences above. P(a,b) is skipped when no
// ancestor needs it (the right spine of the tree, including the root).
void Merge(Node& l, Node& r, bool need_p, bool parallel) {
  if (parallel) {
    // Two independent halves of the products; neither writes what the other
    // reads (the async part touches l.t, l.q, r.q; this thread r.t, l.p).
    auto tq = std::async(std::launch::async, [&] {
      mpz_mul(l.t.get(), l.t.get(), r.q.get());
      mpz_mul(l.q.get(), l.q.get(), r.q.get());
    });
    mpz_mul(r.t.get(), r.t.get(), l.p.get());
    if (need_p) mpz_mul(l.p.get(), l.p.get(), r.p.get());
    tq.get();
  } else {
    mpz_mul(l.t.get(), l.t.get(), r.q.get());
    mpz_mul(r.t.get(), r.t.get(), l.p.get());
    mpz_mul(l.q.get(), l.q.get(), r.q.get());
    if (need_p) mpz_mul(l.p.get(), l.p.get(), r.p.get());
  }
  mpz_add(l.t.get(), l.t.get(), r.t.get());
  if (!need_p) l.p.reset();
}

// Computes [a, b) into r. `depth` > 0 allows 2^depth threads below here.
void Split(uint64_t a, uint64_t b, bool need_p, int depth, RunControl& ctl,
           Node& r) {
  if (b - a == 1) {
    Leaf(a, need_p, r);
    return;
  }
  uint64_t m = a + (b - a) / 2;
  Node right;
  if (depth > 0) {
    // If this thread throws, the future's destructor waits for the other
    // half, which stops soon too when the cause is cancellation.
    auto left = std::async(std::launch::async, [&] {
      Split(a, m, true, depth - 1, ctl, r);
    });
    Split(m, b, need_p, depth - 1, ctl, right);
    left.get();
  } else {
    Split(a, m, true, 0, ctl, r);
    Split(m, b, need_p, 0, ctl, right);
  }
  Merge(r, right, need_p, depth > 0);
  if (b - a >= kTickTerms) ctl.AddWork(NodeWork(b - a));
}

uint64_t WorkBelow(uint64_t len, std::map<uint64_t, uint64_t>& memo) {
  if (len < kTickTerms) return 0;
  auto it = memo.find(len);
  if (it != memo.end()) return it->second;
  uint64_t w = NodeWork(len) + WorkBelow(len / 2, memo) +
               WorkBelow(len - len / 2, memo);
  memo[len] = w;
  return w;
}

}  // namespace

uint64_t TermsForDigits(uint64_t digits) {
  return static_cast<uint64_t>(static_cast<double>(digits) / kDigitsPerTerm) +
         2;
}

uint64_t SeriesWork(uint64_t terms) {
  std::map<uint64_t, uint64_t> memo;
  return WorkBelow(terms, memo);
}

SeriesSums ComputeSeries(uint64_t terms, int threads, RunControl& ctl) {
  int depth = std::bit_width(static_cast<unsigned>(threads)) - 1;
  Node root;
  Split(0, terms, false, depth, ctl, root);
  return SeriesSums{std::move(root.q), std::move(root.t)};
}

}  // namespace pidigits
