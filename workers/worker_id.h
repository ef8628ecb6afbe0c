// Who a worker is, as stored in Redis: "<hostname>:<pid>:<token>", where the
// token is random per pi-worker master. Two containers can share a hostname
// and a pid; they do not share a token. A later process never reuses a dead
// one's id, and the master can still name a dead child (it knows the pid).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace pidigits::worker {

std::string host_name();  // gethostname(), or "localhost" if that fails
// 8 random hex digits, made once by the master.
std::string new_worker_token();
std::string worker_id(pid_t pid, std::string_view token);  // host_name():pid:token

}  // namespace pidigits::worker
