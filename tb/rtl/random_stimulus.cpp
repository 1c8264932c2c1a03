#include "random_stimulus.hpp"

namespace irqlab::irqctrl {

RandomStimulus::RandomStimulus(uint64_t seed, const Config& cfg) : cfg_(cfg), rng_(seed) {
  cur_.cfg_msix_enable = true;
  cur_.bready = true;
  cur_.rready = true;
  cur_.msg_ready = true;
  for (auto& f : fence_) f = static_cast<uint32_t>(rng_());
}

// Phases change the load every few hundred cycles: bursts of events, stalled message
// sinks, quiet stretches, bus storms. Long runs then cover merging and back-pressure.
void RandomStimulus::update_phases() {
  if (cycle_ < phase_end_) return;
  phase_end_ = cycle_ + 50 + below(800);
  static constexpr uint32_t kEventRates[] = {0, 2, 10, 40, 200};
  static constexpr uint32_t kReadyRates[] = {1000, 1000, 700, 300, 0};
  static constexpr uint32_t kBusRates[] = {20, 80, 300, 900};
  event_rate_ = kEventRates[below(5)];
  ready_rate_ = kReadyRates[below(5)];
  bus_rate_ = kBusRates[below(4)];
  // Config space changes rarely and usually leaves MSI-X on and unmasked.
  if (chance(150)) cur_.cfg_msix_enable = !chance(150);
  if (chance(150)) cur_.cfg_msix_func_mask = chance(150);
  if (chance(100)) cur_.cfg_intx_disable = chance(300);
  // MSI: mostly off; when on, with MSI-X off, some vectors allocated and a few masked.
  if (chance(100)) cur_.cfg_msi_enable = chance(400);
  if (chance(100)) cur_.cfg_msi_mme = static_cast<uint8_t>(below(8));
  if (chance(100)) cur_.cfg_msi_mask = chance(500) ? 0 : static_cast<uint32_t>(rng_());
  if (chance(50)) {
    cur_.cfg_msi_addr = 0xFEE0'0000ull | below(1u << 20);
    cur_.cfg_msi_data = static_cast<uint16_t>(rng_());
  }
}

uint32_t RandomStimulus::random_address() {
  const unsigned nv = cfg_.num_vectors;
  const uint32_t r = below(100);
  if (r < 30) {  // table entries, a few beyond the table
    const unsigned v = below(nv + 2);
    return regs::msix::entry(v) + 4 * below(4);
  }
  if (r < 48) {
    static constexpr uint32_t kCtrl[] = {regs::INTR_STATUS::kOffset,  regs::INTR_ENABLE::kOffset,
                                         regs::INTR_MASTER::kOffset,  regs::INTR_STATUS::kOffset,
                                         regs::INTR_PENDING::kOffset, regs::ID::kOffset,
                                         regs::HWCFG::kOffset,        regs::PF_VA_LO::kOffset};
    return kCtrl[below(8)];
  }
  if (r < 58) return regs::ROUTE::offset(below(regs::ROUTE::kCount));
  if (r < 70) return regs::VEC_MOD::offset(below(nv + 1));
  if (r < 76) return regs::msix::pba_qword(below(nv)) + 4 * below(2);
  if (r < 84) {
    const unsigned n = below(regs::kNumNodesMax);
    static constexpr uint32_t kFenceRegs[] = {regs::NODE_COMPLETED_FENCE::kOffset,
                                              regs::NODE_PREEMPTED_FENCE::kOffset,
                                              regs::NODE_FAULTED_FENCE::kOffset};
    return kFenceRegs[below(3)] + n * regs::NODE_COMPLETED_FENCE::kStride;
  }
  if (r < 88) return regs::HEAD_VSYNC_COUNT::offset(below(regs::HEAD_VSYNC_COUNT::kCount));
  if (r < 90) return regs::MIG_CTRL::kOffset;
  if (r < 92) return regs::MIG_STATUS_SET::kOffset;
  if (r < 94) return regs::MIG_PBA_SET::offset(below((nv + 31) / 32 + 1));
  return below(static_cast<uint32_t>(regs::kBarBytes)) & ~3u;  // anywhere, mostly unmapped
}

void RandomStimulus::new_write() {
  const uint32_t a = random_address();
  const unsigned nv = cfg_.num_vectors;
  uint32_t v = static_cast<uint32_t>(rng_());
  // Shape values like a driver would, so writes mostly take effect.
  if (a == regs::INTR_MASTER::kOffset)
    v = chance(850);
  else if (a == regs::INTR_ENABLE::kOffset)
    v = chance(700) ? 0xFFFFFFFFu : v;
  else if (a >= regs::ROUTE::kOffset && a < regs::ROUTE::offset(regs::ROUTE::kCount))
    v = chance(950) ? below(nv) : below(4096);
  else if (a >= regs::VEC_MOD::kOffset && a < regs::msix::kTableOffset)
    v = chance(500) ? 0 : (chance(900) ? below(40) : below(3000));
  else if (a >= regs::msix::kTableOffset && a % regs::msix::kEntryBytes == regs::msix::VECTOR_CTRL::kOffset)
    v = chance(300) ? 1 : (chance(900) ? 0 : v);
  else if (a == regs::MIG_CTRL::kOffset)
    v = chance(400);  // pause or resume
  const bool upper = (a & 4) != 0;
  const uint32_t other = static_cast<uint32_t>(rng_());
  uint8_t strb = upper ? 0xF0 : 0x0F;
  uint64_t data = upper ? (uint64_t{v} << 32) | other : (uint64_t{other} << 32) | v;
  if (chance(250)) strb = 0xFF;                         // qword: both dwords of the aligned pair
  if (chance(20)) strb = static_cast<uint8_t>(rng_());  // illegal strobe, refused
  cur_.awaddr = a;
  cur_.awprot = chance(700) ? 1 : static_cast<uint8_t>(below(8));  // mostly privileged
  cur_.wdata = data;
  cur_.wstrb = strb;
  aw_todo_ = w_todo_ = true;
  // AXI lets AW and W arrive in either order; the device must buffer both.
  aw_delay_ = chance(800) ? 0 : below(6);
  w_delay_ = chance(800) ? 0 : below(6);
}

void RandomStimulus::new_read() {
  cur_.araddr = random_address();
  cur_.arvalid = true;
}

Inputs RandomStimulus::next(const Outputs& dut) {
  ++cycle_;
  update_phases();

  // A beat presented last cycle was taken at the edge just gone if ready was high.
  if (cur_.awvalid && last_.awready) cur_.awvalid = false;
  if (cur_.wvalid && last_.wready) cur_.wvalid = false;
  if (cur_.arvalid && last_.arready) cur_.arvalid = false;
  last_ = dut;

  // Valid stays high, payload unchanged, until the handshake (AXI rule).
  if (!aw_todo_ && !w_todo_ && !cur_.awvalid && !cur_.wvalid && chance(bus_rate_ / 2)) new_write();
  if (aw_todo_ && aw_delay_-- == 0) {
    cur_.awvalid = true;
    aw_todo_ = false;
  }
  if (w_todo_ && w_delay_-- == 0) {
    cur_.wvalid = true;
    w_todo_ = false;
  }
  if (!cur_.arvalid && chance(bus_rate_ / 2)) new_read();

  // One-cycle pulses with fresh fences.
  cur_.dma_completed = cur_.dma_preempted = cur_.dma_faulted = 0;
  cur_.vsync = 0;
  cur_.pf = false;
  for (unsigned n = 0; n < cfg_.num_nodes; ++n) {
    if (chance(event_rate_)) {
      cur_.dma_completed |= 1u << n;
      cur_.dma_completed_fence[n] = ++fence_[n];
    }
    if (chance(event_rate_ / 8)) {
      cur_.dma_preempted |= 1u << n;
      cur_.dma_preempted_fence[n] = fence_[n] + 1;
    }
    if (chance(event_rate_ / 16)) {
      cur_.dma_faulted |= 1u << n;
      cur_.dma_faulted_fence[n] = fence_[n] + 1;
    }
  }
  for (unsigned h = 0; h < cfg_.num_heads; ++h) {
    if (chance(event_rate_ / 4)) cur_.vsync |= 1u << h;
  }
  if (chance(event_rate_ / 20)) {
    cur_.pf = true;
    cur_.pf_fence = static_cast<uint32_t>(rng_());
    cur_.pf_node = static_cast<uint8_t>(below(8));
    cur_.pf_va = rng_();
  }

  cur_.msg_ready = chance(ready_rate_);
  cur_.bready = chance(900);
  cur_.rready = chance(900);

  return cur_;
}

}  // namespace irqlab::irqctrl
