// irq_lockstep: runs the RTL against the reference model for N cycles of seeded random
// stimulus. Exit 0 when every output matched every cycle (and, with
// --require-coverage, every rule was exercised); 1 on divergence; 2 on bad arguments.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "lockstep.hpp"

int main(int argc, char** argv) {
  using namespace irqlab::irqctrl;
  LockstepOptions opt;
  std::string summary_path, fault_name = "none";
  bool require_coverage = false, table_2048 = false;

  CLI::App app{"irq_ctrl lockstep co-verification: Verilated RTL vs C++ reference model"};
  app.add_option("--seed", opt.seed, "stimulus seed (printed; replays a run)");
  app.add_option("--cycles", opt.cycles, "cycles to compare")->check(CLI::PositiveNumber);
  app.add_option("--trace", opt.trace.path, "write the RTL waveform (FST, or VCD if it ends in .vcd)");
  app.add_option("--trace-start", opt.trace.start_cycle, "first cycle to record");
  app.add_option("--trace-cycles", opt.trace.cycles, "cycles to record")->check(CLI::PositiveNumber);
  app.add_option("--summary", summary_path, "also write the summary to this file");
  app.add_flag("--table-2048", table_2048, "use the NUM_VECTORS=2048 build");
  app.add_flag("--require-coverage", require_coverage, "fail if any coverage counter stays 0");
  const std::map<std::string, RefFault> faults{{"none", RefFault::kNone},
                                               {"moderation-off-by-one", RefFault::kModerationOffByOne},
                                               {"clear-beats-event", RefFault::kClearBeatsEvent},
                                               {"no-replay-on-unmask", RefFault::kNoReplayOnUnmask}};
  app.add_option("--ref-fault", fault_name, "alter the reference model on purpose")
      ->check(CLI::IsMember(faults));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  opt.fault = faults.at(fault_name);
  if (table_2048) {
    if (!opt.trace.path.empty() && build_for_trace_path(opt.trace.path) == RtlBuild::kDefaultVcd) {
      std::cerr << "irq_lockstep: --table-2048 traces FST only\n";
      return 2;
    }
    opt.build = RtlBuild::kTable2048;
  } else if (!opt.trace.path.empty()) {
    opt.build = build_for_trace_path(opt.trace.path);
  }
  for (const std::string& p : {opt.trace.path, summary_path}) {
    if (p.empty()) continue;
    const auto dir = std::filesystem::path(p).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
  }

  std::cout << "irq_lockstep: seed " << opt.seed << ", " << opt.cycles << " cycles" << std::endl;
  const LockstepResult r = run_lockstep(opt);
  const std::string summary = format_summary(r, opt);
  std::cout << summary << format_speed(r);
  if (!summary_path.empty()) {
    std::ofstream f(summary_path);
    f << summary;
    if (!f) {
      std::cerr << "irq_lockstep: cannot write " << summary_path << "\n";
      return 2;
    }
  }
  if (r.divergence) return 1;
  if (require_coverage) {
    const auto missing = uncovered(r.coverage);
    if (!missing.empty()) {
      std::cerr << "irq_lockstep: stimulus never exercised:";
      for (const auto& m : missing) std::cerr << " " << m;
      std::cerr << "\n";
      return 1;
    }
  }
  return 0;
}
