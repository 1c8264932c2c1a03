// The GPU front end in BAR0 (register map: `front_end` of rtl/regs/irq_ctrl.regs.yaml):
// per engine node a doorbell, a preemption request, a reset and a state register. Writing DOORBELL_HI rings:
// the front end DMA-reads the descriptor (front_end::descriptor) at DOORBELL_HI:DOORBELL_LO
// from host memory over the link and hands the buffer to the engine. Accesses take effect when the
// TLP arrives, in link order.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "device_function.hpp"
#include "engine_node.hpp"
#include "timed_actions.hpp"

namespace irqlab::gpu {

class GpuFrontEnd : public sc_core::sc_module {
 public:
  /// `dispatch_ps`: from a fetched descriptor to the engine starting it (at least the
  /// controller's lookahead, so the engine's pulses are announced in time).
  GpuFrontEnd(sc_core::sc_module_name name, pcie::DeviceFunction& fn, std::vector<EngineNode*> engines,
              uint64_t dispatch_ps);
  uint64_t doorbells() const { return doorbells_; }

 private:
  void access(const pcie::Tlp& tlp, uint64_t offset);
  void write(unsigned node, uint32_t reg, uint32_t value);
  uint32_t read(unsigned node, uint32_t reg) const;

  pcie::DeviceFunction& fn_;
  std::vector<EngineNode*> engines_;
  uint64_t dispatch_ps_;
  std::vector<uint32_t> doorbell_lo_;
  std::vector<uint64_t> generation_;  ///< per node: RESETs so far (a fetch from before one is dropped)
  std::vector<size_t> fetching_;      ///< per node: descriptor reads in flight
  pcie::TimedActions at_arrival_;
  uint64_t doorbells_ = 0;
};

}  // namespace irqlab::gpu
