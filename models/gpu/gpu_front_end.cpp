#include "gpu_front_end.hpp"

#include <cstring>

#include "irq_ctrl_regs.hpp"

namespace irqlab::gpu {

namespace fe = irqlab::regs::irq_ctrl::front_end;
namespace desc = fe::descriptor;
// One window per node: every front-end register shares the stride that decodes the node.
static_assert(fe::DOORBELL_HI::kStride == fe::DOORBELL_LO::kStride &&
                  fe::RESET::kStride == fe::DOORBELL_LO::kStride &&
                  fe::PREEMPT::kStride == fe::DOORBELL_LO::kStride &&
                  fe::STATE::kStride == fe::DOORBELL_LO::kStride,
              "front-end strides");
using pcie::now_ps;

GpuFrontEnd::GpuFrontEnd(sc_core::sc_module_name name, pcie::DeviceFunction& fn,
                         std::vector<EngineNode*> engines, uint64_t dispatch_ps)
    : sc_core::sc_module(name),
      fn_(fn),
      engines_(std::move(engines)),
      dispatch_ps_(dispatch_ps),
      doorbell_lo_(engines_.size(), 0),
      generation_(engines_.size(), 0),
      fetching_(engines_.size(), 0),
      at_arrival_("at_arrival") {
  fn_.set_front_end([this](const pcie::Tlp& t, uint64_t offset, uint64_t arrival) {
    at_arrival_.at(arrival, [this, t, offset] { access(t, offset); });
  });
}

void GpuFrontEnd::access(const pcie::Tlp& tlp, uint64_t offset) {
  const uint64_t rel = offset - fe::kBarOffset;
  const auto node = static_cast<unsigned>(rel / fe::DOORBELL_LO::kStride);
  const auto reg = static_cast<uint32_t>(rel % fe::DOORBELL_LO::kStride);
  const bool ok = node < engines_.size() && tlp.length == 4;
  if (tlp.type == pcie::TlpType::kMWr) {
    uint32_t v = 0;
    std::memcpy(&v, tlp.data.data(), std::min<size_t>(4, tlp.data.size()));
    if (ok) write(node, reg, v);
    return;
  }
  uint32_t v = ok ? read(node, reg) : 0xFFFFFFFFu;
  std::vector<uint8_t> data(tlp.length, 0);
  std::memcpy(data.data(), &v, std::min<size_t>(4, data.size()));
  fn_.complete_read(tlp, std::move(data), !ok, now_ps());
}

void GpuFrontEnd::write(unsigned node, uint32_t reg, uint32_t value) {
  if (reg == fe::DOORBELL_LO::kOffset) {
    doorbell_lo_[node] = value;
  } else if (reg == fe::DOORBELL_HI::kOffset) {
    ++doorbells_;
    const uint64_t addr = (uint64_t{value} << 32) | doorbell_lo_[node];
    const auto src = static_cast<pcie::TlpSource>(static_cast<uint16_t>(pcie::TlpSource::kEngine0) + node);
    ++fetching_[node];
    const uint64_t gen = generation_[node];
    fn_.dma_read(addr, desc::kBytes, src, now_ps(), [this, node, gen](uint64_t, std::vector<uint8_t> data) {
      if (gen != generation_[node]) return;  // a RESET since the doorbell aborted this fetch
      --fetching_[node];
      Submission s;
      s.fence = static_cast<uint32_t>(desc::get(data.data(), desc::FENCE));
      s.duration_ps = desc::get(data.data(), desc::DURATION_PS);
      s.result_bytes = static_cast<uint32_t>(desc::get(data.data(), desc::RESULT_BYTES));
      const uint64_t outcome = desc::get(data.data(), desc::OUTCOME);
      s.outcome = outcome == 2 ? Outcome::kFault : outcome == 1 ? Outcome::kPreempt : Outcome::kComplete;
      engines_[node]->enqueue(s, dispatch_ps_);
    });
  } else if (reg == fe::PREEMPT::kOffset) {
    ++generation_[node];  // a buffer still being fetched is not started either
    fetching_[node] = 0;
    engines_[node]->preempt(fe::PREEMPT::FENCE.get(value));
  } else if (reg == fe::RESET::kOffset && fe::RESET::GO.get(value)) {
    ++generation_[node];
    fetching_[node] = 0;
    engines_[node]->reset(now_ps());
  }
}

uint32_t GpuFrontEnd::read(unsigned node, uint32_t reg) const {
  if (reg != fe::STATE::kOffset) return 0;
  const EngineNode& e = *engines_[node];
  return fe::STATE::HALTED.put(e.halted() ? 1 : 0) |
         fe::STATE::QUEUED.put(static_cast<uint32_t>(std::min<size_t>(e.held() + fetching_[node], 255)));
}

}  // namespace irqlab::gpu
