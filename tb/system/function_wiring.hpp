// How an endpoint's PCIe function and its interrupt controller instance are joined, the
// same for the GPU's function, each VF and the NIC: BAR0 is the controller's register
// space, its messages leave through the function, config writes (MSI-X Enable, Function
// Mask, INTx Disable) reach its ports, and device models raise sources through a pulse sink.
#pragma once

#include "device_function.hpp"
#include "engine_node.hpp"
#include "irq_ctrl_bridge.hpp"

namespace irqlab::platform {

/// `pending_source`: config reads of the MSI capability's Pending Bits see the controller's
/// (VFs are MSI-X only: not wired for them).
inline void wire_function(pcie::DeviceFunction& fn, bridge::IrqCtrlBridge& ctrl, bool pending_source = true) {
  fn.bar0.bind(ctrl.mmio);
  ctrl.msi.bind(fn.msi_in);
  fn.set_config_listener([&ctrl](uint64_t at, const irqctrl::CfgInputs& c) { ctrl.post_config(at, c); });
  if (pending_source) fn.set_msi_pending_source([&ctrl](uint64_t t) { return ctrl.msi_pending_at(t); });
}

/// Source pulses of engines, heads and receive queues into `ctrl`.
inline gpu::PulseSink pulse_sink(bridge::IrqCtrlBridge& ctrl) {
  return [&ctrl](uint64_t at, unsigned kind, unsigned index, uint32_t fence) {
    bridge::SourcePulse p;
    p.kind = static_cast<bridge::SourceKind>(kind);
    p.index = index;
    p.fence = fence;
    ctrl.post_pulse(at, p);
  };
}

}  // namespace irqlab::platform
