// Reports of one `irqlab run`: per-interrupt latency with its stages, summary statistics,
// the verdict (every check with passed/failed), and the files written to the output
// directory. docs/latency.md explains how to read them.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "output_files.hpp"

#include "run_model.hpp"

namespace irqlab::run {

struct Check {
  std::string name;
  bool passed;
  std::string detail;
  bool skipped = false;  ///< not evaluated: the run hung before it could be
};

struct Report {
  std::vector<Check> checks;
  bool passed = true;
  uint64_t counted = 0;    ///< source interrupts the latency figures are about
  uint64_t censored = 0;   ///< of those, never reached a DPC by the end of the run
  uint64_t excluded = 0;   ///< raised too close to StopDevice to be due (not counted)
  nlohmann::json summary;  ///< summary.interrupt_to_dpc_cycles and the breakdowns
  /// Interrupts raised after this are excluded (too close to StopDevice); UINT64_MAX: none.
  uint64_t due_ps = UINT64_MAX;
  /// Source interrupts traced to a DPC (RunResult::latencies holds them and the excluded).
  uint64_t traced() const { return counted - censored; }
  bool counts(const Latency& l) const { return l.t_ps[0] <= due_ps; }
};

/// Nearest-rank statistics of `v` plus `censored` values that never ended (they rank above
/// every finished one: a percentile that falls on them is null, never a finished value).
nlohmann::json stats(std::vector<double> v, uint64_t censored = 0);

Report analyse(const RunResult& r);
/// What a topology adds to every run's outputs (GPU-P: the migration report).
struct OutputExtras {
  std::string summary_head;  ///< summary.txt's first lines, before the run's own
  /// Writes further files and adds to verdict.json (called before the verdict is written).
  std::function<void(OutputFiles& files, nlohmann::json& verdict)> write;
};

/// Writes every output file into `dir`; returns the text of summary.txt.
std::string write_outputs(const RunResult& r, const Report& rep, const std::string& dir,
                          const OutputExtras& extras = {});

/// A latency.json without its per-interrupt records ("interrupts" skipped while parsing, so
/// a long run's file does not grow the reader); discarded when unreadable.
nlohmann::json read_latency_without_records(const std::string& path);

inline constexpr const char* kStageNames[] = {"source_to_msi", "msi_to_lapic",    "lapic_to_isr",
                                              "isr_body",      "isr_exit_to_dpc", "dpc_body"};

}  // namespace irqlab::run
