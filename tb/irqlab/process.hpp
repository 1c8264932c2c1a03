// Starting another program without a shell: sweep points, gnuplot, and calibrate's check
// of a fitted profile all go through here, so arguments reach the program as they are.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace irqlab::run {

struct SpawnOptions {
  std::string stdout_path;             ///< where its stdout goes ("" = inherited)
  bool stderr_to_stdout = false;       ///< its stderr follows stdout (else inherited)
  bool search_path = false;            ///< argv[0] looked up on PATH
  std::vector<std::string> extra_env;  ///< NAME=VALUE added to the environment
};

/// Starts `argv`; its pid, or -1 when it could not be started.
pid_t spawn_process(const std::vector<std::string>& argv, const SpawnOptions& o);

/// Waits for `pid`: its exit status, or -1 for a signal or a failed wait.
int wait_process(pid_t pid);

}  // namespace irqlab::run
