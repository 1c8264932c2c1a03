#include "nic_endpoint.hpp"

#include <string>

#include "function_wiring.hpp"
#include "irq_ctrl_regs.hpp"
#include "rtl_model.hpp"

namespace irqlab::platform {

NicEndpoint::NicEndpoint(const pcie::LinkTiming& timing, const pcie::PcieProfile& profile, HostComplex& host,
                         unsigned queues, bridge::BridgeOptions bridge_options)
    : down("nic_down", timing, profile.np_credits),
      up("nic_up", timing, profile.np_credits),
      function("nic_fn", timing, up,
               static_cast<uint32_t>(irqlab::regs::irq_ctrl::front_end::kDeviceBarBytes),
               irqlab::regs::irq_ctrl::kNumVectorsDefault, 0, kRequester),
      controller("nic_irq_ctrl",
                 irqctrl::make_rtl_model(irqctrl::RtlBuild::kDefaultFst, irqctrl::TraceOptions{}),
                 bridge_options) {
  port = host.add_port(down, up);
  down.set_announcer([this](const pcie::Tlp& t, uint64_t at) { function.on_announce(t, at); });
  down.set_receiver([this](const pcie::Tlp& t) { function.on_arrival(t); });
  wire_function(function, controller);
  const gpu::PulseSink pulse = pulse_sink(controller);
  for (unsigned q = 0; q < queues; ++q) {
    rx.push_back(std::make_unique<gpu::EngineNode>(("nic_rx" + std::to_string(q)).c_str(), q, function, pulse,
                                                   producer_addr(q), kPacketBase + q * 0x10'0000ull));
  }
}

}  // namespace irqlab::platform
