// Example 8-7: CPU work and I/O together. Hash passwords with bcrypt and save each hash
// to the slow database (POST /add, 100 ms) without waiting for it: the saves overlap
// the hashing, so the run takes about as long as the hashing alone.
#include <overlap/delay_server.hpp>
#include <overlap/workload.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 200;
  overlap::delay_server database({.port = 0});
  database.start();

  overlap::workload_options options{.n = n, .concurrency = 100};
  const auto make_sink = overlap::http_sink_factory(database.base_url() + "/add", options.concurrency);
  for (auto mode : {overlap::workload_mode::noio, overlap::workload_mode::serial, overlap::workload_mode::async}) {
    options.mode = mode;
    const auto run = overlap::run_workload(options, make_sink);
    std::printf("%-7s %zu hashes at cost %d: %.3f s, %llu saved\n", std::string(overlap::to_string(mode)).c_str(),
                run.n, run.difficulty, run.seconds, static_cast<unsigned long long>(run.saved));
  }
}
