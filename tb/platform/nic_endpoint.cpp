#include "nic_endpoint.hpp"

#include <string>

#include "irq_ctrl_regs.hpp"
#include "rtl_model.hpp"

namespace irqlab::platform {

NicEndpoint::NicEndpoint(const pcie::LinkTiming& timing, const pcie::PcieProfile& profile,
                         pcie::RootComplex& rc, unsigned queues, bridge::BridgeOptions bridge_options)
    : down("nic_down", timing, profile.np_credits),
      up("nic_up", timing, profile.np_credits),
      function("nic_fn", timing, up,
               static_cast<uint32_t>(irqlab::regs::irq_ctrl::front_end::kDeviceBarBytes),
               irqlab::regs::irq_ctrl::kNumVectorsDefault, 0, kRequester),
      controller("nic_irq_ctrl",
                 irqctrl::make_rtl_model(irqctrl::RtlBuild::kDefaultFst, irqctrl::TraceOptions{}),
                 bridge_options) {
  port = rc.add_port(down);
  rc.attach_upstream(port, up);
  up.set_receiver([&rc, p = port](const pcie::Tlp& t) { rc.on_upstream(t, p); });
  down.set_announcer([this](const pcie::Tlp& t, uint64_t at) { function.on_announce(t, at); });
  down.set_receiver([this](const pcie::Tlp& t) { function.on_arrival(t); });
  function.bar0.bind(controller.mmio);
  controller.msi.bind(function.msi_in);
  function.set_config_listener(
      [this](uint64_t at, const irqctrl::CfgInputs& c) { controller.post_config(at, c); });
  function.set_msi_pending_source([this](uint64_t t) { return controller.msi_pending_at(t); });
  const gpu::PulseSink pulse = [this](uint64_t at, unsigned kind, unsigned index, uint32_t fence) {
    bridge::SourcePulse p;
    p.kind = static_cast<bridge::SourceKind>(kind);
    p.index = index;
    p.fence = fence;
    controller.post_pulse(at, p);
  };
  for (unsigned q = 0; q < queues; ++q) {
    rx.push_back(std::make_unique<gpu::EngineNode>(("nic_rx" + std::to_string(q)).c_str(), q, function, pulse,
                                                   producer_addr(q), kPacketBase + q * 0x10'0000ull));
  }
}

}  // namespace irqlab::platform
