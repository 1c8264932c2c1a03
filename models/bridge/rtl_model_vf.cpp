// The Virq_ctrl_vf build behind RtlModel; one Verilated class per translation unit.
#include <verilated_fst_c.h>

#include "Virq_ctrl_vf.h"
#include "vl_irq_ctrl.hpp"

namespace irqlab::irqctrl {

std::unique_ptr<RtlModel> make_rtl_model_vf(const Config& cfg, const TraceOptions& trace) {
  return std::make_unique<VlIrqCtrl<Virq_ctrl_vf, VerilatedFstC>>(cfg, trace);
}

}  // namespace irqlab::irqctrl
