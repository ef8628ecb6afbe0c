#include "multiply.h"

#include <future>

namespace pidigits {
namespace {

// Tuning: below this many bits the second thread costs more than it saves.
constexpr uint64_t kMinSplitBits = 1'000'000;

}  // namespace

void multiply_threads(const Mpz& a, const Mpz& b, int threads, Mpz& out) {
  const Mpz& longer = mpz_size(a.get()) >= mpz_size(b.get()) ? a : b;
  const Mpz& other = &longer == &a ? b : a;
  const uint64_t bits = mpz_sizeinbase(longer.get(), 2);
  if (threads < 2 || bits < kMinSplitBits) {
    mpz_mul(out.get(), a.get(), b.get());
    return;
  }
  // longer = high 2^half + low, with high and low of longer's sign.
  const uint64_t half = bits / 2;
  Mpz high, low;
  mpz_tdiv_q_2exp(high.get(), longer.get(), half);
  mpz_tdiv_r_2exp(low.get(), longer.get(), half);
  auto high_done =
      std::async(std::launch::async, [&] { mpz_mul(high.get(), high.get(), other.get()); });
  mpz_mul(low.get(), low.get(), other.get());
  high_done.get();
  mpz_mul_2exp(high.get(), high.get(), half);
  mpz_add(out.get(), high.get(), low.get());
}

}  // namespace pidigits
