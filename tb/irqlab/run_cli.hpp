// `irqlab run`: load the scenario (a file or a built-in, with --set overrides and --seed),
// claim the output directory (refused when not empty, unless --force clears it), run,
// and write the reports with run.json (what produced them) beside them.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario.hpp"

namespace irqlab::run {

struct RunCli {
  CLI::App* cmd = nullptr;
  std::string scenario = "default";
  std::string out;
  std::string waves = "none";
  std::string impl = "rtl";
  std::string seed_text;
  std::vector<std::string> sets;
  bool force = false;
  bool sweep_point = false;        ///< the sweep prepared the directory (scenario.yaml, params.json, run.log)
  bool events_in_memory = false;   ///< (tests) keep events in memory instead of streaming them
  bool no_idle_skip = false;       ///< (tests) step every GPU cycle: skipping must change nothing
  bool broken_skip = false;        ///< (tests) skip past moderation deadlines: must be caught
  bool broken_hold_trace = false;  ///< (tests) memory growing per event: must be caught
  CLI::Option* seed_opt = nullptr;

  void add(CLI::App& app);
  /// The exit status (0 passed, 1 a check failed, 2 bad input, 4 outputs not written).
  int execute(const std::vector<std::string>& argv);

 private:
  Scenario load(std::string& origin) const;
  int claim_out() const;
};

/// Digits only, the whole text, no sign and no overflow: "-1" or "18446744073709551616"
/// are errors, not 2^64-1 (--seed, --shard).
std::optional<uint64_t> whole_number(const std::string& s);

/// `irqlab --version`: the version and the git revision it was built from.
std::string version_text();

}  // namespace irqlab::run
