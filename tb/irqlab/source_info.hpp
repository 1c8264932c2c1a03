// What an INTR_STATUS bit is: its DXGK-style source name, the node or head it belongs to.
#pragma once

#include <string>

#include "irq_ctrl_regs.hpp"
#include "wddm_ddi.hpp"

namespace irqlab::run {

struct SourceInfo {
  const char* name;  ///< DMA_COMPLETED, DMA_PREEMPTED, DMA_FAULTED, CRTC_VSYNC, PAGE_FAULT
  unsigned index;    ///< node, or head for CRTC_VSYNC
  bool head;
};

inline SourceInfo describe_source(unsigned bit) {
  namespace s = irqlab::regs::irq_ctrl::sources;
  if (bit >= s::PAGE_FAULT.lsb) return {"PAGE_FAULT", 0, false};
  if (bit >= s::CRTC_VSYNC.lsb) return {"CRTC_VSYNC", bit - s::CRTC_VSYNC.lsb, true};
  if (bit >= s::DMA_FAULTED.lsb) return {"DMA_FAULTED", bit - s::DMA_FAULTED.lsb, false};
  if (bit >= s::DMA_PREEMPTED.lsb) return {"DMA_PREEMPTED", bit - s::DMA_PREEMPTED.lsb, false};
  return {"DMA_COMPLETED", bit - s::DMA_COMPLETED.lsb, false};
}

/// True when `v` has a bit no source has (INTR_STATUS/INTR_PENDING bits 31:29 read 0): only
/// a failed read's all ones, or a driver acting on it, can show one.
inline bool has_reserved_source_bits(uint32_t v) {
  return (v >> irqlab::regs::irq_ctrl::sources::kWidth) != 0;
}

/// The enumerator's name in d3dkmddi.h, for events.jsonl and the trace.
inline std::string interrupt_type_name(wddm::DXGK_INTERRUPT_TYPE t) {
  switch (t) {
    case wddm::DXGK_INTERRUPT_DMA_COMPLETED: return "DXGK_INTERRUPT_DMA_COMPLETED";
    case wddm::DXGK_INTERRUPT_DMA_PREEMPTED: return "DXGK_INTERRUPT_DMA_PREEMPTED";
    case wddm::DXGK_INTERRUPT_CRTC_VSYNC: return "DXGK_INTERRUPT_CRTC_VSYNC";
    case wddm::DXGK_INTERRUPT_DMA_FAULTED: return "DXGK_INTERRUPT_DMA_FAULTED";
    case wddm::DXGK_INTERRUPT_DMA_PAGE_FAULTED: return "DXGK_INTERRUPT_DMA_PAGE_FAULTED";
    default: return "DXGK_INTERRUPT_TYPE(" + std::to_string(static_cast<int>(t)) + ")";
  }
}

}  // namespace irqlab::run
