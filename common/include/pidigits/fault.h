// Fault injection for the tests that kill a process between two steps of a
// task's life (tests/integration/faults.test.mjs): with PI_FAULT=<point> in
// its environment, a process exits at once (status 86, no clean-up) when it
// reaches <point> on a task's first attempt, so that the retry can succeed.
// Without PI_FAULT this is one comparison.
//
// Points: pi-worker "after-take", "after-computed", "after-calculated",
// "before-store", "after-store"; pi-fcgi "after-register".
#pragma once

#include <string_view>

namespace pidigits {

void fault_point(std::string_view point, int attempt = 1);

}  // namespace pidigits
