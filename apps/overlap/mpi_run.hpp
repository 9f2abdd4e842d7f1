#pragma once
// `mpirun -np K overlap crawl --mpi ...`: one crawl as K ranks. Each rank runs its shard
// (rank of size), all begin at a common time rank 0 chooses after a barrier, and rank 0
// gathers the ranks' results, merges them (merge_crawl_results) and prints and writes
// the one result. Built only when CMake found MPI; otherwise --mpi says how to get it.
#include "shard.hpp"

#include "overlap/crawl.hpp"

#include <functional>
#include <string>
#include <vector>

namespace overlap::cli {

class mpi_run {
public:
  /// Joins the MPI job when `wanted` (MPI_Init); throws usage_error, one line, when
  /// this overlap was built without MPI. Ranks but 0 print nothing on stdout.
  explicit mpi_run(bool wanted);
  ~mpi_run(); // MPI_Finalize when joined
  mpi_run(const mpi_run&) = delete;
  mpi_run& operator=(const mpi_run&) = delete;

  bool active() const noexcept { return size_ > 0; }
  int rank() const noexcept { return rank_; }

  /// This rank's shard (rank of size) and the common start: `asked`'s --start-at, or
  /// now + 200 ms on rank 0, broadcast after a barrier. Throws usage_error for --shard.
  shard_plan plan(shard_plan asked) const;

  /// This rank's run could not be made (a host that does not resolve, say): it still
  /// takes part in the gather, and the merged result says which rank failed and why.
  void rank_failed(std::string why) { failure_ = std::move(why); }

  /// Gathers every rank's runs at rank 0 (with their timelines when `with_timeline`,
  /// which every rank must pass alike), which merges them, prints the result as
  /// `overlap crawl` does with the ranks listed, and gives it to `write`. Returns the
  /// exit status: on rank 0, 1 when a rank failed or requests failed; 0 on the others.
  int finish(const std::vector<crawl_result>& runs, bool with_timeline,
             const std::function<void(const std::vector<crawl_result>&)>& write) const;

private:
  int rank_ = 0;
  int size_ = 0; // 0: not an MPI run
  std::string failure_;
};

} // namespace overlap::cli
