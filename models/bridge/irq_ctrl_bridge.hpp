// The interrupt controller inside SystemC. One SC_THREAD owns the cycle model (the
// Verilated RTL, or the C++ reference model in its place) and steps it directly: no
// sc_clock, no --sc wrapper.
//
// Inputs (source pulses, config-space bits, MMIO) are announced ahead of the cycle they
// act in; every announcement is at least `lookahead_ps` early (the link guarantees it).
// So the thread may run all cycles before now + lookahead without waiting for SystemC
// (temporal decoupling, at most `quantum_cycles` per burst), and while the controller is
// idle (idle_o) with nothing announced it simulates nothing at all: skipped cycles are
// counted, not stepped (exact idle skipping). Outputs are stamped with their exact cycle:
// MSI-X messages leave on `msi` as posted writes, MMIO responses are annotated with the
// number of GPU cycles the register bus took.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "irq_ctrl_ports.hpp"

namespace irqlab::bridge {

using irqctrl::Inputs;
using irqctrl::Outputs;
using irqctrl::PortModel;

struct BridgeOptions {
  uint64_t gpu_period_ps = 625;
  uint64_t lookahead_ps = 0;      ///< minimum announcement lead (from the link model)
  uint64_t quantum_cycles = 256;  ///< longest burst without yielding to SystemC
  bool idle_skip = true;
  /// A broken bridge for tests: skips past the end of a moderation interval (ignores wake_o),
  /// as a skipper that only looked at idle_o would; the equivalence test must catch it.
  bool broken_skip_ignores_wake = false;
  /// Keep every port event in memory for events() (the directed system tests compare them);
  /// off, the event observer still sees each one and nothing grows with the run.
  bool keep_events = false;
};

enum class SourceKind { kDmaCompleted, kDmaPreempted, kDmaFaulted, kVsync, kPageFault };

struct SourcePulse {
  SourceKind kind = SourceKind::kDmaCompleted;
  unsigned index = 0;  ///< node, or head for vsync
  uint32_t fence = 0;
  uint64_t va = 0;  ///< page faults
};

/// One thing that happened at the controller's ports, stamped with its GPU cycle.
struct BridgeEvent {
  enum Kind { kPulse, kMsi, kMmioRead, kMmioWrite, kIntx } kind;
  uint64_t cycle;
  uint64_t a;  ///< pulse: INTR_STATUS bit; msi: vector; mmio: BAR offset; intx: level
  uint64_t b;  ///< pulse: fence; msi: address; mmio: data
  uint32_t c;  ///< msi: data
  bool operator==(const BridgeEvent& o) const {
    return kind == o.kind && cycle == o.cycle && a == o.a && b == o.b && c == o.c;
  }
};

struct BridgeStats {
  uint64_t cycles_stepped = 0;
  uint64_t cycles_skipped = 0;
  uint64_t bursts = 0;
  uint64_t messages = 0;
  uint64_t mmio = 0;
  uint64_t message_hold_cycles = 0;  ///< cycles a message waited with msg_ready low
  uint64_t messages_held = 0;        ///< messages that waited at least one cycle
  uint64_t messages_dropped = 0;     ///< only the broken-bridge test knob drops any
};

class IrqCtrlBridge : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(IrqCtrlBridge);
  tlm_utils::simple_target_socket<IrqCtrlBridge> mmio;  ///< BAR0 offsets, 4 or 8 bytes
  tlm_utils::simple_initiator_socket<IrqCtrlBridge> msi;

  IrqCtrlBridge(sc_core::sc_module_name name, std::unique_ptr<PortModel> model, const BridgeOptions& opt);

  /// A privileged register access (AXI AWPROT[0] = 1): the host's VF management aperture,
  /// the only way to the migration registers. Same timing as `mmio`.
  void privileged_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    access(gp, delay, true);
  }

  /// A source pulse that acts in the cycle containing `at_ps`.
  void post_pulse(uint64_t at_ps, const SourcePulse& p);
  /// Config-space bits from the PCIe function, effective from the cycle containing `at_ps`.
  void post_config(uint64_t at_ps, const irqctrl::CfgInputs& cfg);

  uint64_t cycle() const { return cycle_; }
  /// msi_pending_o during the cycle containing `t_ps` (same validity as intx_status_at).
  uint32_t msi_pending_at(uint64_t t_ps) const;
  /// intx_status_o during the cycle containing `t_ps`. Valid for any time up to SystemC's
  /// now: the model is either past it (history) or idle since (its state holds).
  bool intx_status_at(uint64_t t_ps) const;
  uint64_t period_ps() const { return opt_.gpu_period_ps; }
  /// Every port event so far; empty unless BridgeOptions::keep_events.
  const std::vector<BridgeEvent>& events() const { return events_; }
  const BridgeStats& stats() const { return stats_; }
  const PortModel& model() const { return *model_; }
  /// Called once per stepped cycle with the inputs applied and the outputs that result.
  void set_cycle_observer(std::function<void(uint64_t, const Inputs&, const Outputs&)> f) {
    observer_ = std::move(f);
  }
  /// Called at each change of intx_o with the time of the cycle it changed in.
  void set_intx_sink(std::function<void(uint64_t at_ps, bool level)> f) { intx_sink_ = std::move(f); }
  /// Back-pressure into the message port: at most `slots` messages may be in the PCIe
  /// function's transmit queue; msg_ready is low while none is free (0: unlimited, ready
  /// always high). `drop_when_full` is a broken bridge for tests: ready stays high and a
  /// message without a slot is lost.
  void set_message_slots(unsigned slots, bool drop_when_full = false) {
    slots_ = slots;
    slots_limited_ = slots > 0;
    drop_when_full_ = drop_when_full;
  }
  /// A message left the transmit queue; its slot is free from the cycle containing `at_ps`.
  void return_message_slot(uint64_t at_ps);
  /// Fault injection: INTR_STATUS bit `bit` is driven every cycle from the cycle containing
  /// `at_ps` (a stuck source; its fence input keeps its last value).
  void stick_source(unsigned bit, uint64_t at_ps);
  /// Called for each event as it is logged.
  void set_event_observer(std::function<void(const BridgeEvent&)> f) { event_observer_ = std::move(f); }

 private:
  struct MmioOp {
    bool read = false;
    bool priv = false;  ///< AWPROT[0]
    uint32_t offset = 0;
    unsigned size = 4;
    uint64_t wdata = 0;
    uint64_t rdata = 0;
    bool error = false;
    uint64_t done_cycle = 0;
    sc_core::sc_event* done = nullptr;  ///< reads: the waiting b_transport
  };
  struct Announced {
    enum Kind { kPulse, kConfig, kMmio, kSlot, kStuck } kind;
    SourcePulse pulse;
    irqctrl::CfgInputs cfg;
    std::shared_ptr<MmioOp> op;
  };

  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { access(gp, delay, false); }
  void access(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay, bool priv);
  void announce(uint64_t at_ps, Announced a);
  void run();
  bool can_skip() const;
  void step_one();
  void drive_bus();
  void observe();
  void emit_msi(const Outputs& o);
  void offer_message();
  void apply_pulse(const SourcePulse& p);
  void hold_source(const SourcePulse& p);
  void log(BridgeEvent e);
  template <typename T>
  void record_history(std::map<uint64_t, T>& h, T value);

  std::unique_ptr<PortModel> model_;
  BridgeOptions opt_;
  uint64_t cycle_ = 0;                           ///< the cycle the model is in
  std::multimap<uint64_t, Announced> calendar_;  ///< by cycle; equal cycles in announcement order
  std::deque<std::shared_ptr<MmioOp>> bus_queue_;
  std::shared_ptr<MmioOp> bus_op_;
  bool aw_sent_ = false, w_sent_ = false, ar_sent_ = false;
  Inputs in_;
  Outputs out_;
  bool inputs_changed_ = true;
  bool last_intx_ = false;
  unsigned slots_ = 0;
  bool slots_limited_ = false, drop_when_full_ = false;
  bool holding_ = false;  ///< the message offered now has already waited
  bool stuck_active_ = false;
  SourcePulse stuck_;
  std::map<uint64_t, bool> intx_status_history_;  ///< cycle -> value from that cycle on
  std::map<uint64_t, uint32_t> msi_pending_history_;
  sc_core::sc_event announced_;
  std::vector<BridgeEvent> events_;
  BridgeStats stats_;
  std::function<void(uint64_t, const Inputs&, const Outputs&)> observer_;
  std::function<void(const BridgeEvent&)> event_observer_;
  std::function<void(uint64_t, bool)> intx_sink_;
};

}  // namespace irqlab::bridge
