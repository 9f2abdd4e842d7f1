// overlap crawl --mpi: the ranks' shards, their common start, and the gather at rank 0.
#include "mpi_run.hpp"

#include "command.hpp"
#include "usage.hpp"

#include "overlap/crawl_shards.hpp"
#include "overlap/result_files.hpp"
#include "overlap/wall_clock.hpp"

#include <cstdio>
#include <stdexcept>

#ifdef OVERLAP_WITH_MPI
#include <mpi.h>
#endif

namespace overlap::cli {

#ifdef OVERLAP_WITH_MPI

namespace {

/// Ranks start this long after rank 0 chose the time: enough to hear of it.
constexpr double start_margin_seconds = 0.2;

/// What a rank sends when it has no result: this mark, then why.
constexpr char failure_mark = '!';

/// Every rank's text at rank 0 (MPI_Gather of the lengths, MPI_Gatherv of the bytes);
/// empty elsewhere.
std::vector<std::string> gather_texts(const std::string& mine, int rank, int size) {
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(rank == 0 ? static_cast<std::size_t>(size) : 0);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<int> offsets(lengths.size());
  std::string all;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    offsets[r] = static_cast<int>(all.size());
    all.resize(all.size() + static_cast<std::size_t>(lengths[r]));
  }
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
  std::vector<std::string> texts;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    texts.push_back(all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r])));
  }
  return texts;
}

/// A failed rank's place in the merge: the run's settings, nothing counted.
crawl_result empty_part(const crawl_result& like, std::size_t rank) {
  crawl_result part;
  part.strategy = like.strategy;
  part.delay = like.delay;
  if (like.open_model) {
    part.open_model = open_model_result{.rate = like.open_model->rate};
  }
  part.shard = like.shard;
  part.shard->shard.index = rank;
  part.started_at = like.started_at;
  return part;
}

} // namespace

mpi_run::mpi_run(bool wanted) {
  if (!wanted) {
    return;
  }
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (rank_ != 0 && std::freopen("/dev/null", "w", stdout) == nullptr) {
    std::fprintf(stderr, "overlap crawl: rank %d: cannot quiet standard output\n", rank_);
  }
}

mpi_run::~mpi_run() {
  if (active()) {
    MPI_Finalize();
  }
}

shard_plan mpi_run::plan(shard_plan asked) const {
  if (asked.shard) {
    throw usage_error("--shard and --mpi: under MPI each rank is the shard rank/size");
  }
  asked.shard = shard_spec{static_cast<std::size_t>(rank_), static_cast<std::size_t>(size_)};
  double start = 0;
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank_ == 0) {
    start = asked.start_at ? to_epoch_seconds(*asked.start_at) : epoch_seconds_now() + start_margin_seconds;
  }
  MPI_Bcast(&start, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  asked.start_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(start)));
  return asked;
}

int mpi_run::finish(const std::vector<crawl_result>& runs, bool with_timeline,
                    const std::function<void(const std::vector<crawl_result>&)>& write) const {
  const bool made = failure_.empty() && runs.size() == 1;
  std::string mine;
  std::string my_timeline; // a failed rank sends none
  if (!made) {
    mine = failure_mark + (failure_.empty() ? std::string("no run was made") : failure_);
  } else {
    const auto header = run_header::capture("crawl");
    mine = result_file_text({header, crawl_results{runs}});
    if (with_timeline) {
      my_timeline = result_file_text({header, timelines{{timeline_of(runs.front())}}});
    }
  }
  const auto texts = gather_texts(mine, rank_, size_);
  const auto timeline_texts = with_timeline ? gather_texts(my_timeline, rank_, size_) : std::vector<std::string>{};
  if (rank_ != 0) {
    return 0;
  }
  std::vector<crawl_result> parts(texts.size());
  std::vector<std::string> failures(texts.size());
  const crawl_result* like = nullptr;
  for (std::size_t r = 0; r < texts.size(); ++r) {
    if (!texts[r].empty() && texts[r].front() == failure_mark) {
      failures[r] = texts[r].substr(1);
      continue;
    }
    const auto file = read_result_file(texts[r], "rank " + std::to_string(r));
    parts[r] = std::get<crawl_results>(file.body).runs.at(0);
    if (r < timeline_texts.size() && !timeline_texts[r].empty()) {
      auto timeline = read_result_file(timeline_texts[r], "rank " + std::to_string(r) + "'s timeline");
      parts[r].timeline = std::move(std::get<timelines>(timeline.body).runs.at(0).spans);
    }
    like = like != nullptr ? like : &parts[r];
  }
  int status = 0;
  for (std::size_t r = 0; r < failures.size(); ++r) {
    if (!failures[r].empty()) {
      std::fprintf(stderr, "overlap crawl: rank %zu failed: %s\n", r, failures[r].c_str());
      status = 1;
    }
  }
  if (like == nullptr) {
    return 1; // no rank made a run: nothing to merge
  }
  for (std::size_t r = 0; r < parts.size(); ++r) {
    if (!failures[r].empty()) {
      parts[r] = empty_part(*like, r);
    }
  }
  auto merged = merge_crawl_results(std::move(parts));
  for (auto& outcome : merged.shards) {
    outcome.error = failures[outcome.index];
  }
  std::printf("\nmerged, %d ranks:\n", size_);
  print_crawl_run(merged);
  print_shard_outcomes(merged, "rank");
  write({merged});
  return merged.failed > 0 ? 1 : status;
}

#else // built without MPI

mpi_run::mpi_run(bool wanted) {
  if (wanted) {
    throw usage_error("--mpi: this overlap was built without MPI; install libopenmpi-dev and openmpi-bin "
                      "(scripts/deps.sh), rebuild, and run it under mpirun -np K");
  }
}

mpi_run::~mpi_run() = default;

shard_plan mpi_run::plan(shard_plan asked) const { return asked; }

int mpi_run::finish(const std::vector<crawl_result>&, bool,
                    const std::function<void(const std::vector<crawl_result>&)>&) const {
  return 0;
}

#endif

} // namespace overlap::cli
