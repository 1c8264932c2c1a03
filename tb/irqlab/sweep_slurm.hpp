// `irqlab sweep --slurm`: the sweep as a Slurm job array plus a merge job that depends on
// it (afterok). Every point is validated and written under DIR/points first; array task i
// runs the points listed on line i of DIR/slurm/tasks.txt (`irqlab sweep-task`), the merge
// job runs `irqlab merge`. --submit submits both with sbatch, --wait follows them with
// squeue and scontrol, --resume resubmits only the points that have no results yet.
#pragma once

#include <string>
#include <vector>

#include "sweep.hpp"

namespace irqlab::run {

struct SlurmOptions {
  unsigned points_per_task = 0;  ///< 0: about a minute of work per task (estimated)
  unsigned array_parallel = 0;   ///< at most this many tasks at once (0: no limit)
  std::string partition, time;   ///< #SBATCH --partition / --time, when given
  std::vector<std::string> sbatch_args;
  bool submit = false, wait = false, resume = false;
  unsigned poll_ms = 1000;  ///< --wait: how often squeue is asked
};

/// Writes DIR/slurm/{tasks.txt,sweep.sbatch,merge.sbatch} and, as asked, submits and
/// waits. Exit status: 2 on bad input or a failed task or merge, else (with --wait) 1 if
/// a point failed its checks and 0 if none did.
int slurm_sweep(const SweepOptions& sweep, const SlurmOptions& slurm);

/// One array task: runs the points on line `task` of DIR/slurm/tasks.txt one at a time.
/// 0 when every point ran (whatever its verdict), 2 if one could not (bad scenario).
int slurm_task(const std::string& out, unsigned task, const std::string& irqlab_exe);

/// Quotes `s` for a POSIX shell (single quotes).
std::string shell_quote(const std::string& s);

}  // namespace irqlab::run
