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
//
// Scaling P, Q and T of one range by the same factor changes neither the
// recurrences' ratios nor pi, so each merge divides g = gcd(P(a,m), Q(m,b))
// out of both (g also divides T(a,b)); the factorizations kept beside the
// integers give g without mpz_gcd. Q(0,N) and T(0,N) end 40% (1e6 digits) to
// 46% (1e7) shorter, and the series takes ~28% less time at 1e7.
#include "chudnovsky.h"

#include <algorithm>
#include <bit>
#include <future>
#include <map>

#include "factors.h"

namespace pidigits {
namespace {

constexpr unsigned long kA = 13591409;
constexpr unsigned long kB = 545140134;
constexpr unsigned long kC3Over24 = 10939058860032000;  // 640320^3 / 24
// kC3Over24 = 2^15 3^2 5^3 23^3 29^3.
constexpr PrimePower kC3Over24Factors[] = {{2, 15}, {3, 2}, {5, 3}, {23, 3}, {29, 3}};
static_assert(kC3Over24 == (1ul << 15) * 9 * 125 * 12167 * 24389);
constexpr unsigned kC3Over24Twos = 15;
constexpr unsigned long kC3Over24Odd = kC3Over24 >> kC3Over24Twos;
// Below this, odd * kC3Over24Odd fits in a limb.
constexpr uint64_t kMaxOddTimesC = ~uint64_t{0} / kC3Over24Odd;
// log10(C^3 / 1728): each term adds this many correct digits (asymptotically
// from above, so N = digits / this + 2 is always enough).
constexpr double kDigitsPerTerm = 14.181647462725477;

// Tuning: the top levels of the tree (the root is level 0) skip the gcd
// removal. The root's Q and T are truncated to the division's precision
// anyway, and the levels below feed only a few merges, so there the exact
// divisions cost more than the shorter products save (series at 1e6 digits
// ~9% faster without it at levels 0-2, at 1e7 and 1e8 ~3%; levels 0-1 and
// 0-3 were measured too).
constexpr int kLevelsWithoutGcd = 3;
// Tuning: ranges of at most this many terms are summed term by term
// (leaf()); must stay below kTickTerms, whose nodes report progress.
constexpr uint64_t kLeafTerms = 16;
// Tuning: ranges of at least this many terms report progress and check for
// cancellation (smaller ones take microseconds).
constexpr uint64_t kTickTerms = 32;
// Tuning: ranges of at least this many terms divide out common factors;
// below, keeping factorizations costs more than the smaller numbers save.
constexpr uint64_t kGcdTerms = 64;
// Tuning: where a range shared by two threads is cut. The right half's terms
// are longer, so an even cut leaves its thread ~12% more CPU time; at 0.525
// the halves take the same to within ~2% at 1e6 and 1e7 (thread CPU time).
constexpr double kThreadCut = 0.525;
static_assert(kLeafTerms < kTickTerms);

uint64_t node_work(uint64_t len) { return len * std::bit_width(len); }

// Where split() cuts a range of len terms with 2^depth threads.
uint64_t cut(uint64_t len, int depth) {
  if (depth > 0) return static_cast<uint64_t>(static_cast<double>(len) * kThreadCut);
  return len / 2;
}

// Q is kept as q * 2^q_twos with q odd: about 18 of Q's ~100 bits per term
// are factors 2 (2^15 in C^3/24, and k^3), and P (a product of odd numbers)
// never shares them, so they ride along as a count instead of as limbs.
struct Node {
  Mpz p, q, t;
  uint64_t q_twos = 0;
  Factors pf, qf;  // of p and of the odd q, when an ancestor's merge needs them
};

// What a node's parent needs from it. The root needs neither P nor the
// factorizations; a left child's P and a right child's Q meet in a gcd.
struct Needs {
  bool p;   // P and its factorization
  bool qf;  // Q's factorization
};

// Terms [a, b) one after another, left to right:
//   P(a,k+1) = P(a,k) p(k),   Q(a,k+1) = Q(a,k) q(k),
//   T(a,k+1) = T(a,k) q(k) + (-1)^k (A + B k) P(a,k+1),
// from P = Q = 1, T = 0. Each step multiplies by numbers of one limb in place,
// which for short ranges costs less than splitting them further (merges of
// few-limb numbers are mostly call overhead and reallocation).
void leaf(uint64_t a, uint64_t b, bool need_p, Node& r) {
  const uint64_t width = std::bit_width(b);
  mpz_ptr p = r.p.get();
  mpz_ptr q = r.q.get();
  mpz_ptr t = r.t.get();
  // Room for the whole range up front (log2 of p(k) < 3 width + 7, of the
  // odd q(k) < 3 width + 39, T also carries Q's factors 2: ~18 bits a term),
  // so no step reallocates.
  mpz_realloc2(p, (b - a) * (3 * width + 7) + 64);
  mpz_realloc2(q, (b - a) * (3 * width + 39) + 64);
  mpz_realloc2(t, (b - a) * (6 * width + 64) + 128);
  mpz_set_ui(p, 1);
  mpz_set_ui(q, 1);
  r.q_twos = 0;
  for (uint64_t k = a; k < b; ++k) {
    if (k == 0) {  // p(0) = q(0) = 1
      mpz_set_ui(t, kA);
      continue;
    }
    // (6k-5)(6k-1) < 2^64 for k < 7e8 (1e10 digits).
    mpz_mul_ui(p, p, (6 * k - 5) * (6 * k - 1));
    mpz_mul_ui(p, p, 2 * k - 1);
    const int twos = std::countr_zero(k);
    const uint64_t odd = k >> twos;
    // q(k)'s odd part, odd^3 kC3Over24Odd, in factors of one limb.
    auto times_q = [&](mpz_ptr x) {
      mpz_mul_ui(x, x, odd * odd);
      if (odd <= kMaxOddTimesC) {
        mpz_mul_ui(x, x, odd * kC3Over24Odd);
      } else {
        mpz_mul_ui(x, x, odd);
        mpz_mul_ui(x, x, kC3Over24Odd);
      }
    };
    times_q(t);
    mpz_mul_2exp(t, t, 3 * twos + kC3Over24Twos);
    if (k & 1) {
      mpz_submul_ui(t, p, kA + kB * k);
    } else {
      mpz_addmul_ui(t, p, kA + kB * k);
    }
    times_q(q);
    r.q_twos += 3 * twos + kC3Over24Twos;
  }
  if (!need_p) r.p.reset();
}

// The factorizations of P(a,b) and Q(a,b) that `needs` asks for, straight
// from the sieve (cheaper than merging lists level by level).
void factor_range(uint64_t a, uint64_t b, Needs needs, const OddSieve& sieve, Node& r) {
  if (needs.p) {
    for (uint64_t k = std::max<uint64_t>(a, 1); k < b; ++k) {
      sieve.factor(6 * k - 5, 1, r.pf);
      sieve.factor(2 * k - 1, 1, r.pf);
      sieve.factor(6 * k - 1, 1, r.pf);
    }
    normalize(r.pf);
  }
  if (needs.qf) {
    uint64_t first = std::max<uint64_t>(a, 1);
    for (uint64_t k = first; k < b; ++k) sieve.factor(k, 3, r.qf);
    for (PrimePower pp : kC3Over24Factors) {
      if (b > first) {
        r.qf.push_back({pp.prime, pp.exp * static_cast<uint32_t>(b - first)});
      }
    }
    normalize(r.qf);
    if (!r.qf.empty() && r.qf.front().prime == 2) r.qf.erase(r.qf.begin());  // in q_twos
  }
}

// l := merge(l, r) as in the recurrences above, after dividing the common
// factor of l.p and r.q out if `gcd` (then both carry factorizations), and
// with the merged factorizations if `lists` (the parent's gcd needs them).
// P(a,b) is skipped when no ancestor needs it (the right spine of the tree,
// including the root).
void merge(Node& l, Node& r, Needs needs, bool gcd, bool lists, bool parallel) {
  if (gcd) {
    Factors common = remove_common(l.pf, r.qf);
    if (!common.empty()) {
      Mpz g;
      to_mpz(common, g);
      auto divide_p = [&] { mpz_divexact(l.p.get(), l.p.get(), g.get()); };
      std::future<void> p_done;
      if (parallel) p_done = std::async(std::launch::async, divide_p);
      mpz_divexact(r.q.get(), r.q.get(), g.get());
      if (parallel) {
        p_done.get();
      } else {
        divide_p();
      }
    }
  }
  const bool need_p = needs.p;
  // T(a,m) Q(m,b) = T(a,m) q(m,b) 2^q_twos(m,b).
  auto t_times_q = [&] {
    mpz_mul(l.t.get(), l.t.get(), r.q.get());
    mpz_mul_2exp(l.t.get(), l.t.get(), r.q_twos);
  };
  if (parallel && need_p) {
    // Two groups of similar cost (P is about 60% as long as T); no group
    // writes what the other reads.
    auto tq = std::async(std::launch::async, [&] {
      t_times_q();
      mpz_mul(l.q.get(), l.q.get(), r.q.get());
    });
    mpz_mul(r.t.get(), r.t.get(), l.p.get());
    mpz_mul(l.p.get(), l.p.get(), r.p.get());
    tq.get();
  } else if (parallel) {
    // Three products, the longest beside the other two: at the root
    // T(a,m) Q(m,b) took 0.0089 s against 0.0039 + 0.0045 s at 1e6 digits,
    // 0.188 against 0.073 + 0.073 s at 1e7 (cutting the third product in
    // halves after the first two left one thread idle longer).
    auto tq = std::async(std::launch::async, t_times_q);
    mpz_mul(r.t.get(), r.t.get(), l.p.get());
    mpz_mul(l.q.get(), l.q.get(), r.q.get());
    tq.get();
  } else {
    t_times_q();
    mpz_mul(r.t.get(), r.t.get(), l.p.get());
    mpz_mul(l.q.get(), l.q.get(), r.q.get());
    if (need_p) mpz_mul(l.p.get(), l.p.get(), r.p.get());
  }
  l.q_twos += r.q_twos;
  mpz_add(l.t.get(), l.t.get(), r.t.get());
  if (!need_p) l.p.reset();
  if (gcd && lists) {
    l.pf = need_p ? multiply(l.pf, r.pf) : Factors();
    l.qf = needs.qf ? multiply(l.qf, r.qf) : Factors();
  }
}

// Computes [a, b), at `level` of the tree, into r, with the factorizations
// `needs` asks for if `lists`. `depth` > 0 allows 2^depth threads below here.
void split(uint64_t a, uint64_t b, int level, Needs needs, bool lists, int depth,
           const OddSieve& sieve, RunControl& ctl, Node& r) {
  const bool gcd = b - a >= kGcdTerms && level >= kLevelsWithoutGcd;
  if (b - a <= kLeafTerms) {
    leaf(a, b, needs.p, r);
  } else {
    const Needs left_needs{true, needs.qf};
    const Needs right_needs{needs.p, true};
    const uint64_t m = a + cut(b - a, depth);
    Node right;
    if (depth > 0) {
      // If this thread throws, the future's destructor waits for the other
      // half, which stops soon too when the cause is cancellation.
      auto left = std::async(std::launch::async, [&] {
        split(a, m, level + 1, left_needs, gcd, depth - 1, sieve, ctl, r);
      });
      split(m, b, level + 1, right_needs, gcd, depth - 1, sieve, ctl, right);
      left.get();
    } else {
      split(a, m, level + 1, left_needs, gcd, 0, sieve, ctl, r);
      split(m, b, level + 1, right_needs, gcd, 0, sieve, ctl, right);
    }
    merge(r, right, needs, gcd, lists, depth > 0);
  }
  if (lists && !gcd) factor_range(a, b, needs, sieve, r);
  if (b - a >= kTickTerms) ctl.add_work(node_work(b - a));
}

uint64_t work_below(uint64_t len, int depth, std::map<uint64_t, uint64_t>& memo) {
  if (len < kTickTerms) return 0;
  if (depth == 0) {
    auto it = memo.find(len);
    if (it != memo.end()) return it->second;
  }
  const uint64_t m = cut(len, depth);
  const int below = std::max(depth - 1, 0);
  uint64_t w = node_work(len) + work_below(m, below, memo) + work_below(len - m, below, memo);
  if (depth == 0) memo[len] = w;
  return w;
}

// Levels of the tree whose halves run on separate threads.
int thread_depth(int threads) { return std::bit_width(static_cast<unsigned>(threads)) - 1; }

}  // namespace

uint64_t terms_for_digits(uint64_t digits) {
  return static_cast<uint64_t>(static_cast<double>(digits) / kDigitsPerTerm) + 2;
}

uint64_t series_work(uint64_t terms, int threads) {
  std::map<uint64_t, uint64_t> memo;
  return work_below(terms, thread_depth(threads), memo);
}

SeriesSums compute_series(uint64_t terms, int threads, RunControl& ctl) {
  const int depth = thread_depth(threads);
  // Leaves factor 6k-5, 2k-1, 6k-1 and k for k < terms.
  OddSieve sieve(6 * terms);
  ctl.check_cancel();
  Node root;
  split(0, terms, 0, Needs{false, false}, false, depth, sieve, ctl, root);
  mpz_mul_2exp(root.q.get(), root.q.get(), root.q_twos);
  return SeriesSums{std::move(root.q), std::move(root.t)};
}

}  // namespace pidigits
