// Example 8-7: CPU work and I/O together. Hash passwords with bcrypt and save each hash
// to the slow database (POST /add, 100 ms) without waiting for it: the saves overlap
// the hashing, so the run takes about as long as the hashing alone. Notice the three
// lines: noio is the floor, serial adds n x 100 ms of waiting, async comes within a
// few percent of noio (`overlap workload --mode all` adds batches and threads).
#include <overlap/delay_server.hpp>
#include <overlap/http_sink.hpp>
#include <overlap/workload.hpp>

#include <charconv>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  const std::string n_text = argc > 1 ? argv[1] : "200";
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(n_text.data(), n_text.data() + n_text.size(), n);
  if (argc > 2 || ec != std::errc() || end != n_text.data() + n_text.size() || n == 0) {
    std::fprintf(stderr, "usage: %s [number of hashes]\n", argv[0]);
    return 2;
  }
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
