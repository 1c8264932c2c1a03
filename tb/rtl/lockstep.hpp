// Lockstep co-verification: the Verilated RTL and the C++ reference model take the same
// seeded random inputs every cycle and must give the same outputs every cycle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "irq_ctrl_ref.hpp"
#include "rtl_model.hpp"

namespace irqlab::irqctrl {

struct LockstepOptions {
  uint64_t seed = 1;
  uint64_t cycles = 1'000'000;
  RtlBuild build = RtlBuild::kDefaultFst;
  TraceOptions trace;
  RefFault fault = RefFault::kNone;  ///< alter the reference model on purpose
};

struct Divergence {
  uint64_t cycle = 0;
  std::vector<Mismatch> mismatches;  ///< a = RTL, b = reference model
};

struct LockstepResult {
  uint64_t seed = 0;
  uint64_t cycles = 0;  ///< cycles compared
  std::optional<Divergence> divergence;
  Coverage coverage;
  double seconds = 0;
};

LockstepResult run_lockstep(const LockstepOptions& opt);

/// The divergence report: cycle, each signal with both values, and the seed to replay.
std::string format_divergence(const LockstepResult& r);

/// Names of coverage counters that stayed zero (empty = every rule was exercised).
std::vector<std::string> uncovered(const Coverage& c);

/// Wall time and speed: printed, never written into reports (they must be reproducible).
std::string format_speed(const LockstepResult& r);

/// Human-readable summary of a run; identical for identical seed and options.
std::string format_summary(const LockstepResult& r, const LockstepOptions& opt);

}  // namespace irqlab::irqctrl
