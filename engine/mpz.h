// RAII owner of one GMP integer, so that every exit path (including the
// Cancelled exception thrown between GMP calls) frees the limbs.
#ifndef PIDIGITS_ENGINE_MPZ_H_
#define PIDIGITS_ENGINE_MPZ_H_

#include <gmp.h>

#include <utility>

namespace pidigits {

class Mpz {
 public:
  Mpz() { mpz_init(v_); }
  explicit Mpz(unsigned long value) { mpz_init_set_ui(v_, value); }
  ~Mpz() { mpz_clear(v_); }

  // Moves swap the limbs: the moved-from object stays a valid integer.
  Mpz(Mpz&& other) noexcept : Mpz() { mpz_swap(v_, other.v_); }
  Mpz& operator=(Mpz&& other) noexcept {
    mpz_swap(v_, other.v_);
    return *this;
  }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;

  mpz_ptr get() { return v_; }
  mpz_srcptr get() const { return v_; }

  // Releases the limbs now (keeps a valid, zero integer).
  void reset() {
    mpz_clear(v_);
    mpz_init(v_);
  }

 private:
  mpz_t v_;
};

}  // namespace pidigits

#endif  // PIDIGITS_ENGINE_MPZ_H_
