// The PF topology's hardware: the host (HostComplex: CPUs, LAPIC, memory, root complex,
// I/O APIC), the GPU's link pair, PCIe function, controller inside SystemC and engine
// nodes on root port 0, and the NIC (NicEndpoint) on root port 1 when asked for.
#pragma once

#include <memory>
#include <vector>

#include "device_function.hpp"
#include "engine_node.hpp"
#include "gpu_front_end.hpp"
#include "host_complex.hpp"
#include "host_cpu.hpp"
#include "host_memory.hpp"
#include "ioapic.hpp"
#include "irq_ctrl_bridge.hpp"
#include "lapic.hpp"
#include "link_direction.hpp"
#include "nic_endpoint.hpp"
#include "root_complex.hpp"
#include "rtl_model.hpp"
#include "timed_actions.hpp"

namespace irqlab::platform {

struct PlatformOptions {
  pcie::PcieProfile profile;
  unsigned num_cpus = 4;
  bool reference_model = false;  ///< the C++ reference model in the RTL's place
  uint64_t quantum_cycles = 256;
  bool idle_skip = true;
  bool broken_skip_ignores_wake = false;  ///< (tests) see BridgeOptions
  bool keep_bridge_events = false;        ///< (directed tests) see BridgeOptions::keep_events
  bool msi_bypass = false;
  unsigned msix_vectors = 64;  ///< MSI-X table entries: 64 or 2048 (the two Verilated builds)  ///< debug
                               ///< knob: MSIs skip the posted queue (breaks ordering)
  irqctrl::TraceOptions rtl_trace;
  unsigned nic_queues = 0;  ///< a NIC on root port 1 with this many receive queues (0: none)
};

/// Addresses the platform's software uses.
struct Layout {
  static constexpr uint64_t kMmioWindow = 0xF000'0000;
  static constexpr uint64_t kFenceBase = 0x1000'0000;   ///< 64-bit fence per node
  static constexpr uint64_t kResultBase = 0x2000'0000;  ///< result buffers, 16 MiB per node
  static constexpr uint64_t kResultStride = 0x100'0000;
  static constexpr uint64_t kDescriptorBase = 0x3000'0000;  ///< dxgkrnl's DMA buffer descriptors
  static uint64_t fence_addr(unsigned node) { return kFenceBase + 64 * node; }
  static constexpr unsigned kIntxLine = 0;       ///< the IOAPIC line of INTA#
  static constexpr unsigned kGpuIntxSource = 0;  ///< the GPU's id among the line's devices
};

class Platform {
 public:
  explicit Platform(const PlatformOptions& opt);

  PlatformOptions opt;
  pcie::LinkTiming timing;
  pcie::LinkDirection downstream;
  pcie::LinkDirection upstream;
  HostComplex host;  ///< the GPU on root port 0, the NIC (if any) on port 1
  // The host's parts by their platform names.
  host::HostMemory& memory;
  host::Lapic& lapic;
  pcie::RootComplex& rc;
  host::IoApic& ioapic;  ///< INTx: line 0 is the GPU's (and any device sharing it)
  std::vector<std::unique_ptr<host::HostCpu>>& cpus;
  pcie::DeviceFunction function;
  bridge::IrqCtrlBridge controller;
  std::vector<std::unique_ptr<gpu::EngineNode>> engines;
  std::unique_ptr<gpu::GpuFrontEnd> front_end;  ///< doorbells, engine reset (BAR0 past the controller)
  pcie::TimedActions bypass_path;
  std::unique_ptr<NicEndpoint> nic;  ///< with nic_queues > 0

  /// The minimum announcement lead the link guarantees: the controller's lookahead.
  uint64_t lookahead_ps() const { return timing.min_hop_ps(); }
  /// A pulse sink for engines and heads.
  gpu::PulseSink pulse_sink();
  /// Credit back-pressure into the controller's message port: at most `slots` of its
  /// messages wait in the function's transmit queue; a slot frees when the message starts
  /// on the link and reaches the controller one minimum hop later (the internal credit
  /// return). `drop_when_full`: the broken bridge of the tests.
  void limit_message_slots(unsigned slots, bool drop_when_full);
};

/// Routing of the default bring-up: node n's three DMA sources -> vector n, head h ->
/// vector NUM_NODES + h, page fault -> the next vector; vector v targets CPU v % cpus.
struct VectorPlan {
  static unsigned node_vector(unsigned node) { return node; }
  static unsigned head_vector(unsigned nodes, unsigned head) { return nodes + head; }
  static uint8_t apic_vector(unsigned v) { return static_cast<uint8_t>(0x40 + v); }
};

/// Enumerate the function, program and unmask the MSI-X table, route and enable every
/// source, and enable MSI-X: what a driver's StartDevice does. Runs in a SystemC thread
/// on `cpu`; returns BAR0's base address.
uint64_t bring_up(Platform& p, host::HostCpu& cpu);

}  // namespace irqlab::platform
