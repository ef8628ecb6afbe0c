// Who this worker is, as stored in Redis: "<hostname>:<pid>". Unique among
// live workers (one pid per host at a time); a later process may reuse a dead
// one's id, which is why a worker reaps its own id when it starts.
#pragma once

#include <string>

namespace pidigits::worker {

std::string host_name();       // gethostname(), or "localhost" if that fails
std::string make_worker_id();  // host_name() + ":" + getpid()

}  // namespace pidigits::worker
