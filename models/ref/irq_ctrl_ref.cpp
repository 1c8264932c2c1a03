#include "irq_ctrl_ref.hpp"

#include <algorithm>

namespace irqlab::irqctrl {

namespace {

bool in_array(uint32_t a, uint32_t base, uint32_t stride, uint32_t count) {
  return a >= base && a - base < stride * count && (a - base) % stride == 0;
}

uint32_t pba_bytes(unsigned num_vectors) {
  return (num_vectors + 63) / 64 * 8;
}

unsigned index_bits(unsigned n) {
  unsigned bits = 0;
  while ((1u << bits) < n) ++bits;
  return bits == 0 ? 1 : bits;
}

}  // namespace

IrqCtrlRef::IrqCtrlRef(const Config& cfg, RefFault fault) : cfg_(cfg), fault_(fault) {
  reset();
}

void IrqCtrlRef::reset() {
  const unsigned nv = cfg_.num_vectors;
  s_ = State{};
  s_.route.assign(regs::sources::kWidth, 0);
  // Table words are RAM without reset; like Verilator's default they start at zero.
  s_.addr_lo.assign(nv, 0);
  s_.addr_hi.assign(nv, 0);
  s_.data.assign(nv, 0);
  s_.mask.assign(nv, true);  // PCI spec: every vector masked after reset
  s_.req.assign(nv, false);
  s_.pba.assign(nv, false);
  s_.live.assign(nv, false);
  s_.interval.assign(nv, 0);
  s_.deadline.assign(nv, 0);
}

uint32_t IrqCtrlRef::implemented_sources() const {
  uint32_t m = 0;
  for (unsigned n = 0; n < cfg_.num_nodes; ++n) {
    m |= regs::sources::DMA_COMPLETED.bit(n) | regs::sources::DMA_PREEMPTED.bit(n) |
         regs::sources::DMA_FAULTED.bit(n);
  }
  for (unsigned h = 0; h < cfg_.num_heads; ++h) m |= regs::sources::CRTC_VSYNC.bit(h);
  return m | regs::sources::PAGE_FAULT.bit(0);
}

// INTR_PENDING: status bits that are enabled, while the master enable is on.
uint32_t IrqCtrlRef::pending(const State& s) const {
  return s.master ? (s.status & s.enable) : 0;
}

// With MSI-X enabled, a vector is masked by its Vector Control mask or the Function Mask
// (PCI spec 6.8.2). Otherwise, with MSI enabled, vector v is MSI vector v mod 2^MME and
// masked by that vector's Mask Bit (6.8.1); with neither enabled every vector is masked.
bool IrqCtrlRef::masked(const State& s, unsigned v) const {
  if (s.paused) return true;  // live migration: everything collects in the PBA
  if (s.cfg_enable) return s.mask[v] || s.cfg_func_mask;
  if (s.msi_enable) return (s.msi_mask >> (v & msi_vector_mask(s))) & 1;
  return true;
}

Outputs IrqCtrlRef::outputs() const {
  Outputs o;
  o.awready = !s_.aw_full;
  o.wready = !s_.w_full;
  o.bvalid = s_.bvalid;
  o.bresp = s_.bresp;
  o.arready = !s_.rvalid;
  o.rvalid = s_.rvalid;
  o.rdata = s_.rdata;
  o.rresp = kRespOkay;
  o.msg_valid = s_.msg_valid;
  o.msg_addr = s_.msg_addr;
  o.msg_data = s_.msg_data;
  o.msg_vector = s_.msg_vector;
  o.intx_status = pending(s_) != 0;
  o.intx = o.intx_status && !s_.cfg_enable && !s_.cfg_intx_disable;
  o.idle = quiescent();
  o.wake = wake();
  o.intr_status = s_.status;
  for (unsigned v = 0; v < cfg_.num_vectors; ++v) {
    if (s_.pba[v]) o.msi_pending |= 1u << (v & msi_vector_mask(s_));
  }
  return o;
}

// Quiescent: with inputs held, no flop would change before the timer reaches wake(). The
// bus holds no beat and owes no response; no event or newly pending source is in flight;
// no vector has a masked request (it moves to the PBA) or an unmasked pending bit (a
// replay); no message waits. Unmasked requests wait, unchanged, until wake(). Both are
// functions of state alone, like every output (not of the timer).
bool IrqCtrlRef::quiescent() const {
  if (s_.aw_full || s_.w_full || s_.bvalid || s_.rvalid || s_.msg_valid) return false;
  if (s_.evt_last != 0 || pending(s_) != s_.pend_last) return false;
  live_vectors(s_, live_scratch_);
  if (live_scratch_ != s_.live) return false;
  for (unsigned v = 0; v < cfg_.num_vectors; ++v) {
    const bool m = masked(s_, v);
    if (s_.req[v] && m) return false;
    if (s_.pba[v] && !m) return false;
  }
  return true;
}

// The earliest deadline among unmasked requests (all ones: none); at or before the timer
// when one can be issued now.
uint64_t IrqCtrlRef::wake() const {
  uint64_t w = UINT64_MAX;
  for (unsigned v = 0; v < cfg_.num_vectors; ++v) {
    if (s_.req[v] && !masked(s_, v)) w = std::min(w, s_.deadline[v]);
  }
  return w;
}

IrqCtrlRef::Access IrqCtrlRef::decode_write(uint32_t a, uint32_t value) const {
  using A = Access;
  const unsigned nv = cfg_.num_vectors;
  if (a == regs::INTR_STATUS::kOffset) return {A::kStatus, 0, false};
  if (a == regs::INTR_ENABLE::kOffset) return {A::kEnable, 0, false};
  if (a == regs::INTR_MASTER::kOffset) return {A::kMaster, 0, false};
  if (in_array(a, regs::ROUTE::kOffset, regs::ROUTE::kStride, regs::ROUTE::kCount)) {
    // A vector beyond the table would lose the interrupt: refused.
    const bool bad = regs::ROUTE::VECTOR.get(value) >= nv;
    return {A::kRoute, (a - regs::ROUTE::kOffset) / regs::ROUTE::kStride, bad};
  }
  // Migration registers: privileged writes only; restores only while paused.
  const bool priv = s_.aw_priv, restore = s_.aw_priv && s_.paused;
  if (a == regs::MIG_CTRL::kOffset) return {A::kMigCtrl, 0, !priv};
  if (a == regs::MIG_STATUS_SET::kOffset) return {A::kStatusSet, 0, !restore};
  const std::pair<uint32_t, A::Kind> arrays[] = {{regs::NODE_COMPLETED_FENCE::kOffset, A::kCompletedFence},
                                                 {regs::NODE_PREEMPTED_FENCE::kOffset, A::kPreemptedFence},
                                                 {regs::NODE_FAULTED_FENCE::kOffset, A::kFaultedFence}};
  for (const auto& [base, kind] : arrays) {
    if (in_array(a, base, regs::NODE_COMPLETED_FENCE::kStride, cfg_.num_nodes))
      return {kind, (a - base) / regs::NODE_COMPLETED_FENCE::kStride, !restore};
  }
  if (in_array(a, regs::HEAD_VSYNC_COUNT::kOffset, regs::HEAD_VSYNC_COUNT::kStride, cfg_.num_heads))
    return {A::kVsyncCount, (a - regs::HEAD_VSYNC_COUNT::kOffset) / regs::HEAD_VSYNC_COUNT::kStride,
            !restore};
  if (a == regs::PF_FENCE::kOffset) return {A::kPfFence, 0, !restore};
  if (a == regs::PF_NODE::kOffset) return {A::kPfNode, 0, !restore};
  if (a == regs::PF_VA_LO::kOffset) return {A::kPfVaLo, 0, !restore};
  if (a == regs::PF_VA_HI::kOffset) return {A::kPfVaHi, 0, !restore};
  if (a >= regs::MIG_PBA_SET::kOffset && a < regs::MIG_PBA_SET::offset((nv + 31) / 32))
    return {A::kPbaSet, (a - regs::MIG_PBA_SET::kOffset) / regs::MIG_PBA_SET::kStride, !restore};
  const bool read_only = a == regs::ID::kOffset || a == regs::HWCFG::kOffset ||
                         a == regs::INTR_PENDING::kOffset ||
                         in_array(a, regs::NODE_COMPLETED_FENCE::kOffset, regs::NODE_COMPLETED_FENCE::kStride,
                                  regs::NODE_COMPLETED_FENCE::kCount) ||
                         in_array(a, regs::NODE_PREEMPTED_FENCE::kOffset, regs::NODE_PREEMPTED_FENCE::kStride,
                                  regs::NODE_PREEMPTED_FENCE::kCount) ||
                         in_array(a, regs::NODE_FAULTED_FENCE::kOffset, regs::NODE_FAULTED_FENCE::kStride,
                                  regs::NODE_FAULTED_FENCE::kCount) ||
                         in_array(a, regs::HEAD_VSYNC_COUNT::kOffset, regs::HEAD_VSYNC_COUNT::kStride,
                                  regs::HEAD_VSYNC_COUNT::kCount);  // absent nodes and heads
  if (read_only) return {A::kReadOnly, 0, true};
  const uint32_t table = regs::msix::kTableOffset;
  if (a >= table && a < table + nv * regs::msix::kEntryBytes) {
    return {A::kTable, (a - table) / regs::msix::kEntryBytes, false};
  }
  const uint32_t pba = regs::msix::kPbaOffset;
  if (a >= pba && a < pba + pba_bytes(nv)) return {A::kPba, 0, true};  // PBA is read-only
  if (a >= regs::VEC_MOD::kOffset && a < regs::VEC_MOD::offset(nv)) {
    return {A::kModeration, (a - regs::VEC_MOD::kOffset) / regs::VEC_MOD::kStride, false};
  }
  return {A::kNone, 0, true};  // unmapped
}

uint32_t IrqCtrlRef::read_dword(uint32_t a) const {
  const unsigned nv = cfg_.num_vectors;
  if (a == regs::ID::kOffset) return regs::ID::kReset;
  if (a == regs::HWCFG::kOffset) {
    return regs::HWCFG::NUM_NODES.put(cfg_.num_nodes) | regs::HWCFG::NUM_HEADS.put(cfg_.num_heads) |
           regs::HWCFG::NUM_VECTORS.put(nv);
  }
  if (a == regs::INTR_STATUS::kOffset) return s_.status;
  if (a == regs::INTR_ENABLE::kOffset) return s_.enable;
  if (a == regs::INTR_PENDING::kOffset) return pending(s_);
  if (a == regs::INTR_MASTER::kOffset) return regs::INTR_MASTER::ENABLE.put(s_.master);
  if (a == regs::MIG_CTRL::kOffset) {
    bool drained = !s_.msg_valid;
    for (unsigned v = 0; v < nv; ++v) drained = drained && !s_.req[v];
    return regs::MIG_CTRL::PAUSE.put(s_.paused) | regs::MIG_CTRL::QUIESCED.put(s_.paused && drained);
  }
  if (in_array(a, regs::ROUTE::kOffset, regs::ROUTE::kStride, regs::ROUTE::kCount)) {
    return regs::ROUTE::VECTOR.put(s_.route[(a - regs::ROUTE::kOffset) / regs::ROUTE::kStride]);
  }
  if (a == regs::PF_FENCE::kOffset) return s_.pf_fence;
  if (a == regs::PF_NODE::kOffset) return regs::PF_NODE::NODE.put(s_.pf_node);
  if (a == regs::PF_VA_LO::kOffset) return static_cast<uint32_t>(s_.pf_va);
  if (a == regs::PF_VA_HI::kOffset) return static_cast<uint32_t>(s_.pf_va >> 32);
  for (unsigned n = 0; n < cfg_.num_nodes; ++n) {
    if (a == regs::NODE_COMPLETED_FENCE::offset(n)) return s_.completed_fence[n];
    if (a == regs::NODE_PREEMPTED_FENCE::offset(n)) return s_.preempted_fence[n];
    if (a == regs::NODE_FAULTED_FENCE::offset(n)) return s_.faulted_fence[n];
  }
  for (unsigned h = 0; h < cfg_.num_heads; ++h) {
    if (a == regs::HEAD_VSYNC_COUNT::offset(h)) return s_.vsync_count[h];
  }
  const uint32_t table = regs::msix::kTableOffset;
  if (a >= table && a < table + nv * regs::msix::kEntryBytes) {
    const unsigned v = (a - table) / regs::msix::kEntryBytes;
    switch ((a - table) % regs::msix::kEntryBytes) {
      case regs::msix::MSG_ADDR_LO::kOffset: return s_.addr_lo[v];
      case regs::msix::MSG_ADDR_HI::kOffset: return s_.addr_hi[v];
      case regs::msix::MSG_DATA::kOffset: return s_.data[v];
      default: return regs::msix::VECTOR_CTRL::MASK.put(s_.mask[v]);
    }
  }
  const uint32_t pba = regs::msix::kPbaOffset;
  if (a >= pba && a < pba + pba_bytes(nv)) {
    uint32_t word = 0;
    const unsigned first = (a - pba) * 8;
    for (unsigned b = 0; b < 32 && first + b < nv; ++b) word |= uint32_t{s_.pba[first + b]} << b;
    return word;
  }
  if (a >= regs::VEC_MOD::kOffset && a < regs::VEC_MOD::offset(nv)) {
    return regs::VEC_MOD::INTERVAL.put(s_.interval[(a - regs::VEC_MOD::kOffset) / regs::VEC_MOD::kStride]);
  }
  return 0;  // unmapped dwords read 0; reads never fail
}

// AXI4-Lite front end. AW and W are held independently; a write executes when both
// are held and no response is outstanding. Only an aligned dword or the whole qword
// may be written, and a write any lane of which is refused changes nothing.
// One accepted dword of a write: the register it decoded to takes the value.
void IrqCtrlRef::commit_dword(const Access& acc, uint32_t addr, uint32_t d, State& next, uint32_t& w1c,
                              uint32_t& set) {
  const unsigned viw_mask = (1u << index_bits(cfg_.num_vectors)) - 1;
  const unsigned i = acc.index;
  switch (acc.kind) {
    case Access::kStatus: w1c |= d; break;
    case Access::kEnable: next.enable = d & implemented_sources(); break;
    case Access::kMaster: next.master = regs::INTR_MASTER::ENABLE.get(d) != 0; break;
    case Access::kRoute: next.route[i] = regs::ROUTE::VECTOR.get(d) & viw_mask; break;
    case Access::kModeration: next.interval[i] = regs::VEC_MOD::INTERVAL.get(d); break;
    case Access::kMigCtrl: next.paused = regs::MIG_CTRL::PAUSE.get(d) != 0; break;
    case Access::kStatusSet:
      set |= d & implemented_sources();
      ++cov_.restores;
      break;
    case Access::kPbaSet:
      for (unsigned b = 0; b < 32; ++b) {
        if ((d >> b & 1) && 32 * i + b < cfg_.num_vectors) pba_set_[32 * i + b] = true;
      }
      ++cov_.restores;
      break;
    case Access::kCompletedFence: next.completed_fence[i] = d, ++cov_.restores; break;
    case Access::kPreemptedFence: next.preempted_fence[i] = d, ++cov_.restores; break;
    case Access::kFaultedFence: next.faulted_fence[i] = d, ++cov_.restores; break;
    case Access::kVsyncCount: next.vsync_count[i] = d, ++cov_.restores; break;
    case Access::kPfFence: next.pf_fence = d, ++cov_.restores; break;
    case Access::kPfNode: next.pf_node = static_cast<uint8_t>(regs::PF_NODE::NODE.get(d)); break;
    case Access::kPfVaLo: next.pf_va = (next.pf_va & ~uint64_t{0xFFFFFFFF}) | d; break;
    case Access::kPfVaHi: next.pf_va = (next.pf_va & 0xFFFFFFFFu) | (uint64_t{d} << 32); break;
    case Access::kTable:
      ++cov_.table_writes;
      switch ((addr - regs::msix::kTableOffset) % regs::msix::kEntryBytes) {
        case regs::msix::MSG_ADDR_LO::kOffset:
          next.addr_lo[i] = d & regs::msix::MSG_ADDR_LO::ADDR.mask();
          break;
        case regs::msix::MSG_ADDR_HI::kOffset: next.addr_hi[i] = d; break;
        case regs::msix::MSG_DATA::kOffset: next.data[i] = d; break;
        default: next.mask[i] = regs::msix::VECTOR_CTRL::MASK.get(d) != 0; break;
      }
      break;
    default: break;
  }
}

void IrqCtrlRef::bus_and_registers(const Inputs& in, State& next, uint32_t& w1c, uint32_t& set) {
  w1c = 0;
  set = 0;
  const bool strobe_ok = s_.wstrb == 0x0F || s_.wstrb == 0xF0 || s_.wstrb == 0xFF;
  const bool do_write = s_.aw_full && s_.w_full && !s_.bvalid;
  const uint32_t qword = s_.awaddr & ~7u;
  const bool lane_on[2] = {(s_.wstrb & 0x01) != 0, (s_.wstrb & 0x10) != 0};
  Access acc[2];
  bool refused = !strobe_ok;
  for (int l = 0; l < 2; ++l) {
    acc[l] = decode_write(qword + 4 * l, static_cast<uint32_t>(s_.wdata >> (32 * l)));
    if (lane_on[l] && acc[l].refused) refused = true;
  }

  if (!s_.aw_full && in.awvalid) {
    next.aw_full = true;
    next.awaddr = in.awaddr;
    next.aw_priv = (in.awprot & 1) != 0;
  } else if (do_write) {
    next.aw_full = false;
  }
  if (!s_.w_full && in.wvalid) {
    next.w_full = true;
    next.wdata = in.wdata;
    next.wstrb = in.wstrb;
  } else if (do_write) {
    next.w_full = false;
  }
  if (do_write) {
    next.bvalid = true;
    next.bresp = refused ? kRespSlvErr : kRespOkay;
    ++(refused ? cov_.writes_refused : cov_.writes_ok);
  } else if (in.bready) {
    next.bvalid = false;
  }

  if (do_write && !refused) {
    for (int l = 0; l < 2; ++l) {
      if (lane_on[l])
        commit_dword(acc[l], qword + 4 * l, static_cast<uint32_t>(s_.wdata >> (32 * l)), next, w1c, set);
    }
  }

  // A read executes in its AR handshake cycle and returns the whole qword.
  if (in.arvalid && !s_.rvalid) {
    const uint32_t a = in.araddr & ~7u;
    next.rvalid = true;
    next.rdata = uint64_t{read_dword(a)} | (uint64_t{read_dword(a + 4)} << 32);
    ++cov_.reads;
  } else if (in.rready) {
    next.rvalid = false;
  }
}

// Source side. A pulse sets its W1C status bit and captures its fence at the same edge;
// an event in the cycle its bit is cleared wins. A source triggers its vector when it
// becomes pending, and again for each new event while it stays pending.
void IrqCtrlRef::sources(const Inputs& in, uint32_t w1c, uint32_t set, State& next, std::vector<bool>& trig) {
  namespace src = regs::sources;
  uint32_t evt = 0;
  for (unsigned n = 0; n < cfg_.num_nodes; ++n) {
    if (in.dma_completed >> n & 1) {
      evt |= src::DMA_COMPLETED.bit(n);
      next.completed_fence[n] = in.dma_completed_fence[n];
    }
    if (in.dma_preempted >> n & 1) {
      evt |= src::DMA_PREEMPTED.bit(n);
      next.preempted_fence[n] = in.dma_preempted_fence[n];
    }
    if (in.dma_faulted >> n & 1) {
      evt |= src::DMA_FAULTED.bit(n);
      next.faulted_fence[n] = in.dma_faulted_fence[n];
    }
  }
  for (unsigned h = 0; h < cfg_.num_heads; ++h) {
    if (in.vsync >> h & 1) {
      evt |= src::CRTC_VSYNC.bit(h);
      next.vsync_count[h] = s_.vsync_count[h] + 1;  // a pulse wins over a restore in its cycle
    }
  }
  if (in.pf) {
    evt |= src::PAGE_FAULT.bit(0);
    next.pf_fence = in.pf_fence;
    next.pf_node = in.pf_node;
    next.pf_va = in.pf_va;
  }
  evt &= implemented_sources();
  cov_.source_events += static_cast<uint64_t>(__builtin_popcount(evt));
  if (w1c & evt) ++cov_.w1c_clear_with_event;

  next.status = (s_.status & ~w1c) | evt | set;
  if (fault_ == RefFault::kClearBeatsEvent) next.status = ((s_.status | evt) & ~w1c) | set;
  next.evt_last = evt;

  const uint32_t pend = pending(s_);
  const uint32_t fire = pend & (s_.evt_last | ~s_.pend_last);
  // Restored status bits count as already signalled: their message, if one was still
  // owed, is restored through the PBA.
  next.pend_last = pend | (s_.master ? (set & s_.enable) : 0);
  for (unsigned s = 0; s < src::kWidth; ++s) {
    if (fire >> s & 1) trig[s_.route[s]] = true;
  }
}

void IrqCtrlRef::live_vectors(const State& s, std::vector<bool>& live) const {
  live.assign(cfg_.num_vectors, false);
  const uint32_t pend = pending(s);
  for (unsigned b = 0; b < regs::sources::kWidth; ++b) {
    if (pend >> b & 1) live[s.route[b]] = true;
  }
}

// MSI-X engine, per vector v:
//  - a masked request is parked in the PBA and nothing is sent;
//  - an unmasked pending bit clears and becomes a request (replay on unmask);
//  - the lowest-numbered unmasked request whose moderation interval has ended (timer at
//    or past its deadline) is issued into the message register when that register is
//    free or being emptied;
//  - issuing at timer T sets the deadline to T + VEC_MOD[v], so issues of v are
//    >= VEC_MOD[v] cycles apart; triggers meanwhile merge into one request;
//  - a masked vector whose last enabled, set status bit was just cleared (its events
//    serviced) loses its pending bit (PCIe Base spec, MSI-X per-vector masking).
void IrqCtrlRef::msix_engine(const Inputs& in, const std::vector<bool>& trig, State& next) {
  const unsigned nv = cfg_.num_vectors;
  const bool slot_free = !s_.msg_valid || in.msg_ready;
  if (s_.msg_valid && !in.msg_ready) ++cov_.messages_backpressured;

  std::optional<unsigned> grant;
  for (unsigned v = 0; v < nv; ++v) {
    const bool ready = s_.req[v] && !masked(s_, v);
    if (ready && !interval_ended(v)) ++cov_.moderation_holds;
    if (ready && interval_ended(v) && slot_free && !grant) grant = v;
  }

  for (unsigned v = 0; v < nv; ++v) {
    const bool m = masked(s_, v);
    const bool granted = grant && *grant == v;
    bool replay = s_.pba[v] && !m;
    if (fault_ == RefFault::kNoReplayOnUnmask) replay = false;
    if (trig[v] && s_.req[v] && !granted) ++cov_.merged_triggers;
    if (s_.req[v] && m && !s_.pba[v]) ++cov_.masked_to_pba;
    if (replay) ++cov_.pba_replays;

    next.req[v] = (s_.req[v] && !m && !granted) || trig[v] || replay;
    const bool serviced = s_.live[v] && !live_[v];
    if (serviced && m && (s_.pba[v] || s_.req[v])) ++cov_.pba_cleared_by_service;
    next.pba[v] = (m && (s_.pba[v] || s_.req[v]) && !serviced) || pba_set_[v];
    if (fault_ == RefFault::kNoReplayOnUnmask) next.pba[v] = s_.pba[v] || (m && s_.req[v]) || pba_set_[v];

    if (granted) {
      const bool short_by_one = fault_ == RefFault::kModerationOffByOne && s_.interval[v] > 1;
      next.deadline[v] = s_.timer + s_.interval[v] - (short_by_one ? 1 : 0);
    }
  }

  if (slot_free) {
    next.msg_valid = grant.has_value();
    if (grant && s_.cfg_enable) {
      next.msg_addr = (uint64_t{s_.addr_hi[*grant]} << 32) | s_.addr_lo[*grant];
      next.msg_data = s_.data[*grant];
    } else if (grant) {  // MSI: the vector number goes into the data's low MME bits
      const unsigned m = msi_vector_mask(s_);
      next.msg_addr = s_.msi_addr;
      next.msg_data = (s_.msi_data & ~m & 0xFFFFu) | (*grant & m);
      ++cov_.msi_messages;
    }
    if (grant) {
      next.msg_vector = static_cast<uint16_t>(*grant);
      ++cov_.messages_issued;
    }
  }
  // Config-space bits are sampled into flops, like every other input.
  next.cfg_enable = in.cfg_msix_enable;
  next.cfg_func_mask = in.cfg_msix_func_mask;
  next.cfg_intx_disable = in.cfg_intx_disable;
  next.msi_enable = in.cfg_msi_enable;
  next.msi_mme = static_cast<uint8_t>(std::min<unsigned>(in.cfg_msi_mme & 7u, 5u));  // at most 32 vectors
  next.msi_addr = in.cfg_msi_addr & ~uint64_t{3};
  next.msi_data = in.cfg_msi_data;
  next.msi_mask = in.cfg_msi_mask;
  next.live = live_;
}

void IrqCtrlRef::step(const Inputs& in) {
  const Outputs now = outputs();
  if (now.intx) ++cov_.intx_cycles;
  if (now.idle) ++cov_.idle_cycles;
  if (s_.cfg_func_mask && s_.cfg_enable) ++cov_.function_mask_cycles;
  if (s_.paused) ++cov_.paused_cycles;

  // Every rule below reads the current state s_ and writes only the next state, as flops do.
  // next_ and trig_ are members only so that their storage is reused every cycle.
  next_ = s_;
  trig_.assign(cfg_.num_vectors, false);
  pba_set_.assign(cfg_.num_vectors, false);
  live_vectors(s_, live_);
  uint32_t w1c = 0, set = 0;
  bus_and_registers(in, next_, w1c, set);
  sources(in, w1c, set, next_, trig_);
  msix_engine(in, trig_, next_);
  next_.timer = s_.timer + 1;
  std::swap(s_, next_);
}

}  // namespace irqlab::irqctrl
