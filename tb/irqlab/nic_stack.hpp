// The NIC of a run with a `nic:` section (seed 003, docs/nic.md): NDIS's MSI handling
// (sw/ndis/ndis_model) and the NIC's miniport on the NIC function's own controller, the
// packet traffic that arrives on its wire, and the verifier of seed 003's rules, which also
// measures the NIC's MessageInterrupt-to-DPC latency. The NIC's interrupts and DPCs compete
// with the GPU's on the same CPUs.
#pragma once

#include <systemc>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "kernel.hpp"
#include "kernel_environment.hpp"
#include "ndis_model.hpp"
#include "nic_endpoint.hpp"
#include "nic_miniport.hpp"
#include "run_model.hpp"

namespace irqlab::run {

/// Seed 003's rules, in the verdict's order (each tripped by a broken miniport or NDIS).
inline constexpr const char* kNdisRules[] = {"ndis-message-interrupt-true", "ndis-dpc-per-message",
                                             "ndis-dpc-per-cpu", "ndis-target-processors"};

class NicVerifier : public ndis::NdisObserver {
 public:
  NicVerifier(RunResult& r, uint64_t bound_ps);
  void interrupt_entered(unsigned cpu, ndis::ULONG message) override;
  void interrupt_returned(unsigned cpu, ndis::ULONG message, bool claimed) override;
  void dpc_asked(ndis::ULONG message, unsigned cpu) override;
  void dpc_queued(ndis::ULONG message, unsigned cpu, const void* object, bool inserted) override;
  void dpc_ran(unsigned cpu, ndis::ULONG message) override;
  /// The run ended at `end_ps`: DPCs asked for over the bound before it and never run fail.
  void finish(uint64_t end_ps);
  const std::vector<dxgkrnl::Violation>& violations() const { return violations_; }

 private:
  using Key = std::pair<ndis::ULONG, unsigned>;  ///< message, CPU
  struct Asked {
    uint64_t asked_ps, isr_entry_ps;
  };
  void violation(int cpu, const char* rule, const std::string& detail);
  RunResult& r_;
  uint64_t bound_ps_;
  std::map<unsigned, uint64_t> isr_entry_;  ///< per CPU: the running MiniportMessageInterrupt's entry
  std::map<Key, Asked> outstanding_;        ///< DPCs asked for and not yet run
  std::map<const void*, Key> owner_;        ///< DPC object -> the request that queued it
  std::vector<dxgkrnl::Violation> violations_;
};

/// Packets arriving on the NIC's wire: bursts at `rate_pps`, each packet's flow hashed to a
/// receive queue (RSS), DMA'd by that queue's engine unless its ring is full (dropped).
class NicTraffic {
 public:
  NicTraffic(const NicSettings& s, platform::NicEndpoint& nic, uint64_t seed, uint64_t end_ps);
  void start();
  void returned(unsigned queue, uint32_t producer) { returned_[queue] = producer; }
  uint64_t packets() const { return packets_; }
  uint64_t dropped() const { return dropped_; }

 private:
  void run();
  NicSettings s_;
  platform::NicEndpoint& nic_;
  std::mt19937_64 rng_;
  uint64_t end_ps_;
  std::vector<uint32_t> produced_, returned_;
  uint64_t packets_ = 0, dropped_ = 0;
};

class NicStack {
 public:
  NicStack(const Scenario& sc, RunResult& r, kernel::Kernel& k, platform::NicEndpoint& nic);
  /// PnP start on `rc`: enumerate, program the MSI-X table (message q to CPU q), connect,
  /// initialize the miniport, start the traffic.
  void start(pcie::RootComplex& rc);
  void stop() { miniport_.halt(); }
  void collect(uint64_t end_ps);

 private:
  const Scenario& sc_;
  RunResult& r_;
  kernel::Kernel& k_;
  platform::NicEndpoint& nic_;
  KernelEnvironment env_;
  ndis::NdisModel ndis_;
  ndis::NicMiniport miniport_;
  NicVerifier verifier_;
  NicTraffic traffic_;
};

}  // namespace irqlab::run
