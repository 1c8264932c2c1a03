// The Virq_ctrl_2k build behind RtlModel; one Verilated class per translation unit.
#include <verilated_fst_c.h>

#include "Virq_ctrl_2k.h"
#include "vl_irq_ctrl.hpp"

namespace irqlab::irqctrl {

std::unique_ptr<RtlModel> make_rtl_model_2k(const Config& cfg, const TraceOptions& trace) {
  return std::make_unique<VlIrqCtrl<Virq_ctrl_2k, VerilatedFstC>>(cfg, trace);
}

}  // namespace irqlab::irqctrl
