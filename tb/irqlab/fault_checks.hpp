// The fault-* checks: one per fault knob the scenario turned on, each naming what the
// fault did (docs/faults.md), and the faults section of latency.json's summary.
#pragma once

#include "report.hpp"
#include "run_model.hpp"

namespace irqlab::run {

/// Every fault-* check (a run has those of the knobs it turned on; the completeness test
/// pairs each with the CTest that trips it).
inline constexpr const char* kFaultCheckNames[] = {"fault-spurious-msi",       "fault-stuck-source",
                                                   "fault-dropped-msi",        "fault-link-replay",
                                                   "fault-completion-timeout", "fault-message-backpressure"};

void add_fault_checks(const RunResult& r, Report& rep);

}  // namespace irqlab::run
