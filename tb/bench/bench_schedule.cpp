#include "bench_schedule.hpp"

#include <algorithm>

namespace irqlab::bench {

namespace regs = irqlab::regs::irq_ctrl;

std::string WorkloadSpec::describe() const {
  return "4 engine nodes, one DMA completion per " + std::to_string(interval) +
         " GPU cycles (mean, random node), W1C " + std::to_string(clear_after) +
         " cycles later, 64-entry table, no tracing";
}

std::vector<ScheduledInput> make_schedule(const WorkloadSpec& spec, const irqctrl::Config& cfg) {
  namespace x = regs::msix;
  std::vector<ScheduledInput> s;
  uint64_t c = kFirstCycle;
  auto write = [&](uint32_t addr, uint32_t value) {
    s.push_back({ScheduledInput::kWrite, c, 0, 0, addr, value});
    c += 8;
  };
  for (unsigned n = 0; n < cfg.num_nodes; ++n) {
    write(regs::ROUTE::offset(regs::sources::DMA_COMPLETED.lsb + n), n);
    write(x::entry(n) + x::MSG_ADDR_LO::kOffset, 0xFEE0'0000u | (n << 12));
    write(x::entry(n) + x::MSG_DATA::kOffset, 0x40 + n);
    write(x::entry(n) + x::VECTOR_CTRL::kOffset, 0);
  }
  write(regs::INTR_ENABLE::kOffset, 0xFFFFFFFFu);
  write(regs::INTR_MASTER::kOffset, 1);
  uint64_t state = spec.seed * 0x9E3779B97F4A7C15ull + 1;
  auto rnd = [&state] {  // splitmix64
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  uint32_t fence = 0;
  for (uint64_t t = c + spec.interval; t + spec.clear_after + 16 < spec.cycles;
       t += 1 + rnd() % (2 * spec.interval - 1)) {
    const unsigned node = static_cast<unsigned>(rnd() % cfg.num_nodes);
    s.push_back({ScheduledInput::kPulse, t, node, ++fence, 0, 0});
    s.push_back({ScheduledInput::kWrite, t + spec.clear_after, 0, 0, regs::INTR_STATUS::kOffset,
                 regs::sources::DMA_COMPLETED.bit(node)});
  }
  std::stable_sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.cycle < b.cycle; });
  return s;
}

void Checksum::message(uint64_t cycle, uint16_t vector, uint64_t addr, uint32_t data) {
  for (uint64_t v : {cycle, uint64_t{vector}, addr, uint64_t{data}}) {
    h_ ^= v;
    h_ *= 0x100000001B3ull;
  }
  ++n_;
}

void ScheduleDriver::apply(uint64_t c, const irqctrl::Outputs& out, irqctrl::Inputs& in) {
  // Beats offered last cycle were taken if ready was high in that cycle; the write is
  // done when its response shows in this one (the bridge's bus driver does the same).
  if (active_) {
    if (last_.awvalid && prev_out_.awready) aw_ = true;
    if (last_.wvalid && prev_out_.wready) w_ = true;
    if (aw_ && w_ && out.bvalid) active_ = false;
  }
  prev_out_ = out;
  in.dma_completed = 0;
  while (next_ < s_.size() && s_[next_].cycle == c) {
    const auto& e = s_[next_++];
    if (e.kind == ScheduledInput::kPulse) {
      in.dma_completed |= static_cast<uint8_t>(1u << e.node);
      in.dma_completed_fence[e.node] = e.fence;
    } else {
      queue_.push_back(e);
    }
  }
  if (!active_ && !queue_.empty()) {
    const auto e = queue_.front();
    queue_.erase(queue_.begin());
    active_ = true;
    aw_ = w_ = false;
    in.awaddr = e.addr;
    in.wdata = (e.addr & 4) ? uint64_t{e.value} << 32 : e.value;
    in.wstrb = (e.addr & 4) ? 0xF0 : 0x0F;
  }
  in.awvalid = active_ && !aw_;
  in.wvalid = active_ && !w_;
  last_ = in;
}

void replay(irqctrl::PortModel& dut, const std::vector<ScheduledInput>& schedule, uint64_t cycles,
            Checksum& sum) {
  ScheduleDriver driver(schedule);
  irqctrl::Inputs in;
  in.cfg_msix_enable = in.bready = in.rready = in.msg_ready = true;
  for (uint64_t c = 0; c < cycles; ++c) {
    const irqctrl::Outputs o = dut.outputs();
    if (o.msg_valid) sum.message(c, o.msg_vector, o.msg_addr, o.msg_data);
    driver.apply(c, o, in);
    dut.step(in);
  }
}

}  // namespace irqlab::bench
