#include "dut_harness.hpp"

#include <stdexcept>

namespace irqlab::irqctrl::test {

DutHarness::DutHarness(std::unique_ptr<PortModel> dut) : dut_(std::move(dut)) {
  in_.cfg_msix_enable = true;
  in_.msg_ready = true;
  in_.bready = true;
  in_.rready = true;
}

void DutHarness::tick(unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    const Outputs o = dut_->outputs();
    if (o.msg_valid && in_.msg_ready) messages_.push_back({cycle_, o.msg_addr, o.msg_data, o.msg_vector});
    dut_->step(in_);
    ++cycle_;
    in_.dma_completed = in_.dma_preempted = in_.dma_faulted = 0;
    in_.vsync = 0;
    in_.pf = false;
  }
}

uint8_t DutHarness::write_raw(uint32_t addr, uint64_t data, uint8_t strobe,
                              const std::function<void(Inputs&)>& during_commit) {
  // AW and W presented together: taken at the first edge, the write commits at the
  // edge after that, and B is visible the cycle after the commit.
  if (!out().awready || !out().wready || out().bvalid) throw std::logic_error("bus busy");
  in_.awvalid = in_.wvalid = true;
  in_.awaddr = addr;
  in_.wdata = data;
  in_.wstrb = strobe;
  tick();
  in_.awvalid = in_.wvalid = false;
  if (during_commit) during_commit(in_);
  tick();
  if (!out().bvalid) throw std::logic_error("no write response");
  const uint8_t resp = out().bresp;
  tick();  // bready is high: response consumed
  return resp;
}

uint8_t DutHarness::write32(uint32_t addr, uint32_t value,
                            const std::function<void(Inputs&)>& during_commit) {
  const bool upper = (addr & 4) != 0;
  return write_raw(addr, upper ? uint64_t{value} << 32 : value, upper ? 0xF0 : 0x0F, during_commit);
}

uint8_t DutHarness::write64(uint32_t addr, uint64_t value) {
  return write_raw(addr, value, 0xFF);
}

uint64_t DutHarness::read64(uint32_t addr) {
  if (!out().arready) throw std::logic_error("read port busy");
  in_.arvalid = true;
  in_.araddr = addr;
  tick();
  in_.arvalid = false;
  if (!out().rvalid) throw std::logic_error("no read data");
  const uint64_t d = out().rdata;
  tick();
  return d;
}

uint32_t DutHarness::read32(uint32_t addr) {
  const uint64_t q = read64(addr & ~7u);
  return static_cast<uint32_t>((addr & 4) ? q >> 32 : q);
}

void DutHarness::program_vector(unsigned v, uint64_t addr, uint32_t data, bool masked) {
  namespace x = regs::msix;
  write64(x::entry(v) + x::MSG_ADDR_LO::kOffset, addr);
  write32(x::entry(v) + x::MSG_DATA::kOffset, data);
  write32(x::entry(v) + x::VECTOR_CTRL::kOffset, x::VECTOR_CTRL::MASK.put(masked));
}

void DutHarness::route_and_enable(unsigned source_bit, unsigned v) {
  write32(regs::ROUTE::offset(source_bit), regs::ROUTE::VECTOR.put(v));
  const uint32_t en = read32(regs::INTR_ENABLE::kOffset);
  write32(regs::INTR_ENABLE::kOffset, en | (1u << source_bit));
  write32(regs::INTR_MASTER::kOffset, regs::INTR_MASTER::ENABLE.put(1));
}

void DutHarness::pulse_completed(unsigned node, uint32_t fence) {
  in_.dma_completed |= 1u << node;
  in_.dma_completed_fence[node] = fence;
}

}  // namespace irqlab::irqctrl::test
