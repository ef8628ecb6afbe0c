#include "request_slots.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace pidigits::fcgi {
namespace {
using std::chrono::milliseconds;

TEST(RequestSlotsTest, AThreadKeepsItsSlotFromOneRequestToTheNext) {
  RequestSlots slots(1);
  RequestSlot first(slots);
  RequestSlot second(slots);
  ASSERT_TRUE(first.hold(milliseconds(0)));
  EXPECT_TRUE(first.hold(milliseconds(0)));  // still held: no second slot taken
  EXPECT_FALSE(second.hold(milliseconds(20)));
}

TEST(RequestSlotsTest, GivingUpASlotLetsAThreadInReserveServe) {
  RequestSlots slots(2);
  RequestSlot a(slots), b(slots), reserve(slots);
  ASSERT_TRUE(a.hold(milliseconds(0)));
  ASSERT_TRUE(b.hold(milliseconds(0)));
  std::atomic<bool> served = false;
  std::thread waiting([&] { served = reserve.hold(milliseconds(5000)); });
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_FALSE(served);
  a.give_up();  // a waits for a Redis write now
  waiting.join();
  EXPECT_TRUE(served);
  // a's write is done: it needs a slot again, and there is none until one is given up.
  EXPECT_FALSE(a.hold(milliseconds(20)));
  b.give_up();
  EXPECT_TRUE(a.hold(milliseconds(0)));
}

TEST(RequestSlotsTest, ASlotIsGivenBackWhenItsThreadEnds) {
  RequestSlots slots(1);
  {
    RequestSlot ending(slots);
    ASSERT_TRUE(ending.hold(milliseconds(0)));
  }
  RequestSlot next(slots);
  EXPECT_TRUE(next.hold(milliseconds(0)));
}
}  // namespace
}  // namespace pidigits::fcgi
