// `irqlab sweep`: run a scenario over a grid of parameter values, each point an independent
// `irqlab run` process (--jobs of them at once), optionally only this machine's share of
// the grid (--shard I/N, for a Slurm array or a CI matrix); `irqlab merge` combines the
// points of any number of sweep directories into one table (CSV and Markdown) and plot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace irqlab::run {

struct SweepParam {
  std::string key;                  ///< dotted scenario key, e.g. driver.moderation_cycles
  std::vector<std::string> values;  ///< YAML scalars
};

/// The YAML of a scenario file or built-in name; throws ScenarioError if unreadable.
std::string sweep_scenario_text(const std::string& arg);

/// "KEY=V1,V2,..." -> SweepParam; throws ScenarioError on a malformed argument.
SweepParam parse_sweep_param(const std::string& arg);

struct SweepOptions {
  std::string scenario;  ///< file or built-in name
  std::vector<SweepParam> params;
  std::string out;
  unsigned jobs = 1;
  unsigned shard = 0, shards = 1;
  std::string irqlab_exe;  ///< this program, to run the points
};

/// Runs this shard's points (exit 2 on a bad point scenario, 1 if a point failed its
/// checks, else 0) and merges what is in `out`.
int run_sweep(const SweepOptions& opt);

/// Validates the points (this shard's, or all) and writes each one's scenario.yaml and
/// params.json under `out`/points; returns their directories. Throws ScenarioError.
std::vector<std::string> materialize_points(const SweepOptions& opt, bool every_shard);
/// Runs `irqlab run` on each point directory, `jobs` at once; the worst exit status.
int run_point_dirs(const std::vector<std::string>& dirs, unsigned jobs, const std::string& exe);

/// Combines the points found in `inputs` (sweep output directories) into `out`:
/// sweep.csv, sweep.md and sweep.svg. Returns the number of points.
size_t merge_sweeps(const std::vector<std::string>& inputs, const std::string& out);

}  // namespace irqlab::run
