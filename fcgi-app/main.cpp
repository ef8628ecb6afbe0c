// pi-fcgi: the FastCGI application behind nginx (API and pages). Parses the
// flags, checks the environment and the templates, opens the FastCGI socket
// and runs the pre-forked children (server.h).
#include <fcgiapp.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "options.h"
#include "pidigits/config.h"
#include "pidigits/lifecycle.h"
#include "pidigits/log.h"
#include "pidigits/process.h"
#include "pidigits/redis.h"
#include "server.h"
#include "templates.h"

namespace {
constexpr int kListenBacklog = 1024;

int fail(const std::string& message, int status) {
  std::cerr << "pi-fcgi: " << message << "\n";
  return status;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace pidigits;
  log::set_program("pi-fcgi");
  auto parsed = fcgi::parse_options(argc, argv);
  if (!parsed.ok()) return fail(parsed.status().message(), 2);
  const fcgi::Options& options = *parsed;
  std::string error;
  if (options.help) {
    std::cout << fcgi::kUsage << "\n";
    return 0;
  }
  auto config = load_config();
  if (!config.ok()) return fail(config.status().message(), 2);
  auto templates = fcgi::load_templates(options.templates, &error);
  if (!templates) return fail(error, 2);

  if (FCGX_Init() != 0) return fail("cannot initialise libfcgi", 1);
  int listen_fd = FCGX_OpenSocket(options.listen.c_str(), kListenBacklog);
  if (listen_fd < 0) {
    return fail("cannot listen on " + options.listen + ": " + std::strerror(errno), 1);
  }
  // Children and threads race to accept; the losers must not block (server.h).
  fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
  // libfcgi installs its own SIGTERM handling in FCGX_Init; take it back.
  install_shutdown_handlers();

  {
    // The task life cycle must be in Redis before the first request; if Redis
    // is not up yet, the first call that needs it loads it.
    RedisClient redis(config->redis, std::chrono::seconds(5));
    if (Status s = lifecycle::install(redis, config->digits_chunk_bytes); !s.ok()) {
      log::warn("cannot load the task life cycle into Redis now (", s.message(),
                "); the first request will");
    }
  }
  log::info("listening on ", options.listen, " (", options.procs, " processes x ", options.threads,
            " threads at once), Redis at ", describe(config->redis), ", max digits ", config->max_digits);
  // Made before the children: a task one of them deletes, the others stop
  // serving from their caches at once.
  std::atomic<uint64_t>* deletions = fcgi::new_shared_counter();
  if (deletions == nullptr) log::warn("no shared memory: deletions reach other children by event");
  int status = run_prefork("pi-fcgi", options.procs, [&](int) {
    return fcgi::run_child(listen_fd, options.threads, *config, *templates, deletions);
  });
  close(listen_fd);
  log::info("stopped");
  return status;
}
