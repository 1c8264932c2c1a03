// One platform run with the random workload, shared by the system tests and irq_sysrun.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform_trace.hpp"
#include "system_workload.hpp"

namespace irqlab::platform {

struct SystemRunOptions {
  std::string profile = "gen4x16";
  bool random_profile = false;  ///< derive gen/width/MPS/MRRS from the seed
  uint64_t seed = 1;
  uint64_t sim_ps = 3'000'000'000;
  uint64_t quantum_cycles = 256;
  bool idle_skip = true;
  bool reference_model = false;
  bool msi_bypass = false;
  std::vector<double> head_hz = {60.0, 144.0};
  unsigned num_cpus = 4;
  TraceRequest waves;
};

struct SystemRunResult {
  pcie::PcieProfile profile;
  OrderChecker::Report order;
  bridge::BridgeStats bridge;
  std::vector<bridge::BridgeEvent> events;
  std::vector<std::string> deliveries;  ///< "cpu vector arrived_ps delivered_ps"
  uint64_t submissions = 0;
  uint64_t sim_ps = 0;
};

/// Elaborates and runs the platform. SystemC allows this once per process.
SystemRunResult run_system(const SystemRunOptions& opt);

/// Options from IRQLAB_SEED, IRQLAB_PROFILE, IRQLAB_RANDOM_PROFILE, IRQLAB_BYPASS,
/// IRQLAB_QUANTUM, IRQLAB_NO_SKIP, IRQLAB_SIM_US (for CTest-registered system tests).
SystemRunOptions options_from_environment();

/// The event log as text, one event per line (identical runs give identical text).
std::string format_events(const SystemRunResult& r);

}  // namespace irqlab::platform
