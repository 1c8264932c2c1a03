// A NIC as a second PCIe function behind its own root port (seed 003's device): its own
// link, config space, BAR, requester ID (bus 2) and instance of the controller RTL, with one
// receive DMA engine per queue. A received packet is DMA'd to the host and completes on its
// queue's engine with the queue's producer index as the "fence": the controller captures it
// in NODE_COMPLETED_FENCE(q) and raises DMA_COMPLETED(q), routed to MSI-X message q.
#pragma once

#include <memory>
#include <vector>

#include "device_function.hpp"
#include "engine_node.hpp"
#include "host_complex.hpp"
#include "irq_ctrl_bridge.hpp"
#include "link_direction.hpp"
#include "root_complex.hpp"

namespace irqlab::platform {

struct NicEndpoint {
  static constexpr uint16_t kRequester = 0x0200;        ///< bus 2, device 0, function 0
  static constexpr uint64_t kRingBase = 0x4000'0000;    ///< host memory: producer indices, then packets
  static constexpr uint64_t kPacketBase = 0x4100'0000;  ///< 1 MiB of packet buffers per queue
  static uint64_t producer_addr(unsigned q) { return kRingBase + 64 * q; }

  NicEndpoint(const pcie::LinkTiming& timing, const pcie::PcieProfile& profile, HostComplex& host,
              unsigned queues, bridge::BridgeOptions bridge_options);
  pcie::LinkDirection down, up;
  pcie::DeviceFunction function;
  bridge::IrqCtrlBridge controller;
  std::vector<std::unique_ptr<gpu::EngineNode>> rx;  ///< per queue
  unsigned port = 0;                                 ///< its root port
};

}  // namespace irqlab::platform
