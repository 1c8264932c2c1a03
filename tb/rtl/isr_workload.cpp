#include "isr_workload.hpp"

namespace irqlab::irqctrl {

IsrWorkload::IsrWorkload(const WorkloadSpec& spec, const Config& cfg)
    : spec_(spec), cfg_(cfg), state_(spec.seed * 0x9E3779B97F4A7C15ull + 1) {
  in_.cfg_msix_enable = true;
  in_.msg_ready = true;
  in_.bready = true;
  in_.rready = true;
  // Boot: vector v = source bit, address/data distinct per vector, unmasked.
  namespace x = regs::msix;
  for (unsigned n = 0; n < cfg.num_nodes; ++n) {
    const unsigned src = regs::sources::DMA_COMPLETED.lsb + n;
    const unsigned v = n % cfg.num_vectors;
    queue32(regs::ROUTE::offset(src), v, 0);
    queue32(x::entry(v) + x::MSG_ADDR_LO::kOffset, 0xFEE0'0000u | (n << 12), 0);
    queue32(x::entry(v) + x::MSG_DATA::kOffset, 0x40 + v, 0);
    queue32(x::entry(v) + x::VECTOR_CTRL::kOffset, 0, 0);
  }
  queue32(regs::INTR_ENABLE::kOffset, 0xFFFFFFFFu, 0);
  queue32(regs::INTR_MASTER::kOffset, 1, 0);
  next_event_ = 200;
}

uint64_t IsrWorkload::rand() {  // splitmix64: cheap and reproducible everywhere
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void IsrWorkload::queue32(uint32_t addr, uint32_t value, uint64_t due) {
  const bool upper = (addr & 4) != 0;
  writes_.push_back({addr, upper ? uint64_t{value} << 32 : value, uint8_t(upper ? 0xF0 : 0x0F), due});
}

const Inputs& IsrWorkload::next(const Outputs& out) {
  ++cycle_;
  in_.dma_completed = 0;
  if (out.msg_valid) {  // msg_ready is always high: this is the handshake cycle
    ++messages_;
    checksum_ =
        (checksum_ ^ (out.msg_addr + out.msg_data + (uint64_t{out.msg_vector} << 40))) * 0x100000001B3ull;
    const unsigned node = out.msg_vector;  // vector n belongs to node n
    queue32(regs::INTR_STATUS::kOffset, regs::sources::DMA_COMPLETED.bit(node), cycle_ + spec_.isr_delay);
  }
  if (cycle_ >= next_event_) {
    const unsigned node = static_cast<unsigned>(rand() % cfg_.num_nodes);
    in_.dma_completed = static_cast<uint8_t>(1u << node);
    in_.dma_completed_fence[node] = ++fence_;
    ++events_;
    next_event_ = cycle_ + 1 + rand() % (2 * spec_.interval - 1);  // mean = interval
  }
  // One write at a time: present AW+W together while the bus is idle.
  in_.awvalid = in_.wvalid = false;
  if (!writes_.empty() && writes_.front().due <= cycle_ && out.awready && out.wready && !out.bvalid) {
    const Write& w = writes_.front();
    in_.awvalid = in_.wvalid = true;
    in_.awaddr = w.addr;
    in_.wdata = w.data;
    in_.wstrb = w.strobe;
    writes_.pop_front();
  }
  return in_;
}

}  // namespace irqlab::irqctrl
