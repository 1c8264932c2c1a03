// `irqlab bench --system`: whole runs as a user runs them (each its own process), with
// their CPU time and peak RSS from the kernel (wait4), and interrupts per CPU-second:
// the default scenario, the same moderated, a 1 s default run and GPU-P with 64 VFs.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace irqlab::run {

/// Runs the cases (`quick`: a tenth of the simulated time, for tests); one JSON object
/// per case. With `baseline_exe` (another irqlab build) each case also runs with it, right
/// before, and its figures go under "baseline": a before/after measured side by side.
/// Throws std::runtime_error when a run cannot be started or fails.
nlohmann::json system_bench(const std::string& irqlab_exe, bool quick, const std::string& baseline_exe = "");
/// The table a person reads.
std::string system_bench_table(const nlohmann::json& cases);

}  // namespace irqlab::run
