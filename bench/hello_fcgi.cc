// hello-fcgi: the reference for bench/http. The smallest libfcgi program of
// pi-fcgi's shape: P pre-forked processes x T threads, each thread blocking in
// FCGX_Accept_r on one shared socket, answering every request with the same
// small JSON body and the headers pi-fcgi sends. No Redis, no routing, no
// templates: what is left is the cost of nginx -> FastCGI -> back, which is
// what pi-fcgi's requests are measured against.
//
// usage: hello-fcgi --listen HOST:PORT [--procs P] [--threads T]
// Stops on SIGTERM/SIGINT (the children die with the parent).
#include <fcgiapp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {
constexpr int kListenBacklog = 1024;

// A /healthz answer, with pi-fcgi's header set.
constexpr std::string_view kBody = R"({"status":"ok","queue":0,"workers":2})";

std::string response_text() {
  return "Status: 200 OK\r\n"
         "Content-Type: application/json; charset=utf-8\r\n"
         "Content-Length: " +
         std::to_string(kBody.size()) +
         "\r\n"
         "Cache-Control: no-store\r\n"
         "X-Content-Type-Options: nosniff\r\n"
         "\r\n" +
         std::string(kBody);
}

void serve(int listen_fd, const std::string* response) {
  FCGX_Request request;
  if (FCGX_InitRequest(&request, listen_fd, 0) != 0) return;
  while (FCGX_Accept_r(&request) >= 0) {
    FCGX_PutStr(response->data(), static_cast<int>(response->size()), request.out);
    FCGX_Finish_r(&request);
  }
}

int child(int listen_fd, int threads) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  const std::string response = response_text();
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(serve, listen_fd, &response);
  for (auto& t : pool) t.join();
  return 0;
}

int usage(const std::string& message) {
  std::cerr << "hello-fcgi: " << message
            << "\nusage: hello-fcgi --listen HOST:PORT [--procs P] [--threads T]\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  std::string listen;
  int procs = 2, threads = 4;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return usage(flag + " needs a value");
    std::string value = argv[++i];
    if (flag == "--listen") {
      listen = value;
    } else if (flag == "--procs") {
      procs = std::atoi(value.c_str());
    } else if (flag == "--threads") {
      threads = std::atoi(value.c_str());
    } else {
      return usage("unknown flag " + flag);
    }
  }
  if (listen.empty()) return usage("--listen is required");
  if (procs < 1 || procs > 64 || threads < 1 || threads > 256) {
    return usage("--procs must be 1..64 and --threads 1..256");
  }
  if (FCGX_Init() != 0) return usage("cannot initialise libfcgi");
  int listen_fd = FCGX_OpenSocket(listen.c_str(), kListenBacklog);
  if (listen_fd < 0) return usage("cannot listen on " + listen + ": " + std::strerror(errno));
  // libfcgi catches SIGTERM in FCGX_Init; a benchmark helper just dies.
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);

  std::vector<pid_t> children;
  for (int i = 0; i < procs; ++i) {
    pid_t pid = fork();
    if (pid == 0) return child(listen_fd, threads);
    if (pid > 0) children.push_back(pid);
  }
  int status = 0;
  while (wait(&status) > 0) {
  }
  return 0;
}
