// irq_sysrun: runs the platform with the random workload and prints what happened:
// ordering check, controller statistics (cycles stepped vs skipped), and optionally the
// full event log. Exit 1 if a fence was overtaken by its MSI (unless --bypass, which
// expects it), 2 on bad arguments or configuration.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "system_run.hpp"

int sc_main(int argc, char** argv) {
  irqlab::platform::SystemRunOptions o;
  std::string events_path;
  double sim_us = 3000;
  bool no_skip = false;
  CLI::App app{"Run the irqlab platform with a random engine workload"};
  app.add_option("--profile", o.profile, "PCIe timing profile from config/pcie_profiles.yaml");
  app.add_flag("--random-profile", o.random_profile, "derive link generation/width/MPS/MRRS from the seed");
  app.add_option("--seed", o.seed, "workload seed");
  app.add_option("--sim-us", sim_us, "simulated time in microseconds")->check(CLI::PositiveNumber);
  app.add_option("--quantum", o.quantum_cycles, "longest controller burst in GPU cycles")
      ->check(CLI::PositiveNumber);
  app.add_flag("--no-skip", no_skip, "step every GPU cycle (no idle skipping)");
  app.add_flag("--ref", o.reference_model, "the C++ reference model in the RTL's place");
  app.add_flag("--bypass", o.msi_bypass, "debug: MSIs skip the posted queue");
  app.add_option("--events", events_path, "write the event log to this file");
  app.add_option("--cpus", o.num_cpus, "host CPUs (MSI-X vector v targets CPU v % cpus)")
      ->check(CLI::Range(1u, 256u));
  app.add_option("--head-hz", o.head_hz, "refresh rate of each display head (the RTL build has 2 heads)")
      ->check(CLI::Range(1.0, 1000.0))
      ->expected(1, static_cast<int>(irqlab::regs::irq_ctrl::kNumHeadsDefault));
  std::string waves = "none";
  double waves_start_us = 0, waves_end_us = -1;
  app.add_option("--waves", waves, "waveform of the whole platform: fst, vcd or none")
      ->check(CLI::IsMember({"fst", "vcd", "none"}));
  app.add_option("--waves-file", o.waves.path, "waveform path (default out/platform.fst or .vcd)");
  app.add_option("--waves-start-us", waves_start_us, "record from this time")->check(CLI::NonNegativeNumber);
  app.add_option("--waves-end-us", waves_end_us, "record until this time");
  CLI11_PARSE(app, argc, argv);
  o.waves.format = irqlab::waves::parse_format(waves);
  if (o.waves.path.empty()) o.waves.path = "out/platform." + waves;
  o.waves.start_ps = static_cast<uint64_t>(waves_start_us * 1e6);
  if (waves_end_us >= 0) o.waves.end_ps = static_cast<uint64_t>(waves_end_us * 1e6);
  if (o.waves.format != irqlab::waves::Format::kNone) {
    const auto dir = std::filesystem::path(o.waves.path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
  }
  o.idle_skip = !no_skip;
  o.sim_ps = static_cast<uint64_t>(sim_us * 1e6);
  irqlab::platform::SystemRunResult r;
  try {
    r = irqlab::platform::run_system(o);
  } catch (const std::exception& e) {
    std::cerr << "irq_sysrun: " << e.what() << "\n";
    return 2;
  }
  std::cout << "profile " << r.profile.name << " (gen" << r.profile.gen << " x" << r.profile.width << ", MPS "
            << r.profile.mps << ", MRRS " << r.profile.mrrs << "), seed " << o.seed << "\n"
            << "submissions " << r.submissions << ", MSIs delivered " << r.order.msis_delivered
            << ", checked " << r.order.msis_checked << ", fence-after-MSI violations " << r.order.violations
            << "\n"
            << "controller: " << r.bridge.cycles_stepped << " cycles stepped, " << r.bridge.cycles_skipped
            << " skipped, " << r.bridge.bursts << " bursts, " << r.bridge.messages << " messages\n";
  if (!r.order.first_violation.empty()) std::cout << "first violation: " << r.order.first_violation << "\n";
  if (!events_path.empty()) std::ofstream(events_path) << irqlab::platform::format_events(r);
  return (r.order.violations > 0) != o.msi_bypass ? 1 : 0;
}
