// The Virq_ctrl_vcd build behind RtlModel; one Verilated class per translation unit.
#include <verilated_vcd_c.h>

#include "Virq_ctrl_vcd.h"
#include "vl_irq_ctrl.hpp"

namespace irqlab::irqctrl {

std::unique_ptr<RtlModel> make_rtl_model_vcd(const Config& cfg, const TraceOptions& trace) {
  return std::make_unique<VlIrqCtrl<Virq_ctrl_vcd, VerilatedVcdC>>(cfg, trace);
}

}  // namespace irqlab::irqctrl
