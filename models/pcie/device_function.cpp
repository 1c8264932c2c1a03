#include "device_function.hpp"

#include <cstdio>
#include <cstring>
#include <memory>

#include "irq_ctrl_regs.hpp"
#include "tlm_payload.hpp"

namespace irqlab::pcie {

namespace regs = irqlab::regs::irq_ctrl;
using L = ConfigLayout;

DeviceFunction::DeviceFunction(sc_core::sc_module_name name, const LinkTiming& timing,
                               LinkDirection& upstream, uint32_t bar0_bytes, unsigned msix_vectors,
                               unsigned function, uint16_t requester)
    : sc_core::sc_module(name),
      bar0("bar0"),
      msi_in("msi_in"),
      timing_(timing),
      up_(upstream),
      bar0_bytes_(bar0_bytes),
      function_(function),
      requester_(requester) {
  msi_in.register_b_transport(this, &DeviceFunction::msi_transport);
  namespace cfg = regs::pcie_cfg;
  cfg_[L::kVendorDevice / 4] = L::kVendorId | (L::kDeviceId << 16);
  cfg_[L::kCommandStatus / 4] = uint32_t{1u << cfg::STATUS::CAP_LIST.lsb} << 16;
  cfg_[L::kClassRevision / 4] = L::kClassDisplayVga << 8;
  cfg_[L::kCapPointer / 4] = L::kMsiCap;
  // MSI capability: 64-bit, per-vector masking, 32 vectors requested; then MSI-X.
  cfg_[L::kMsiCap / 4] =
      L::kMsiCapId | cfg::MSI_CAP_HEADER::NEXT.put(L::kMsixCap) | (cfg::MSI_MSG_CTRL::kReset << 16);
  cfg_[L::kInterruptLinePin / 4] = 1u << 8;  // Interrupt Pin: INTA#
  // MSI-X capability: ID, next pointer 0, Message Control (Table Size = N-1).
  cfg_[L::kMsixCap / 4] = L::kMsixCapId | (cfg::MSIX_MSG_CTRL::TABLE_SIZE.put(msix_vectors - 1) << 16);
  cfg_[L::kMsixCap / 4 + 1] = cfg::MSIX_TABLE_OFFSET_BIR::OFFSET.put(regs::msix::kTableOffset >> 3) |
                              cfg::MSIX_TABLE_OFFSET_BIR::BIR.put(regs::msix::kTableBir);
  cfg_[L::kMsixCap / 4 + 2] = cfg::MSIX_PBA_OFFSET_BIR::OFFSET.put(regs::msix::kPbaOffset >> 3) |
                              cfg::MSIX_PBA_OFFSET_BIR::BIR.put(regs::msix::kPbaBir);
  // Writable bits.
  cfg_wmask_[L::kCommandStatus / 4] =
      cfg::COMMAND::MEMORY_SPACE.mask() | cfg::COMMAND::BUS_MASTER.mask() | cfg::COMMAND::INTX_DISABLE.mask();
  cfg_wmask_[L::kBar0 / 4] = ~(bar0_bytes - 1) & ~0xFu;  // 32-bit non-prefetchable memory BAR
  cfg_wmask_[L::kInterruptLinePin / 4] = 0xFF;
  cfg_wmask_[L::kMsiCap / 4] = (cfg::MSI_MSG_CTRL::ENABLE.mask() | cfg::MSI_MSG_CTRL::MME.mask()) << 16;
  cfg_wmask_[(L::kMsiCap + cfg::MSI_ADDR_LO::kOffset) / 4] = cfg::MSI_ADDR_LO::ADDR.mask();
  cfg_wmask_[(L::kMsiCap + cfg::MSI_ADDR_HI::kOffset) / 4] = cfg::MSI_ADDR_HI::ADDR.mask();
  cfg_wmask_[(L::kMsiCap + cfg::MSI_DATA::kOffset) / 4] = cfg::MSI_DATA::DATA.mask();
  cfg_wmask_[(L::kMsiCap + cfg::MSI_MASK::kOffset) / 4] = cfg::MSI_MASK::MASK.mask();
  cfg_wmask_[L::kMsixCap / 4] = (cfg::MSIX_MSG_CTRL::FUNC_MASK.mask() | cfg::MSIX_MSG_CTRL::ENABLE.mask())
                                << 16;
}

uint32_t DeviceFunction::config_read(uint32_t offset) const {
  if (offset / 4 >= cfg_.size()) return 0;
  uint32_t v = cfg_[offset / 4];
  if (offset / 4 == (L::kMsiCap + regs::pcie_cfg::MSI_PENDING::kOffset) / 4 && msi_pending_) {
    v = msi_pending_(now_ps());
  }
  if (offset / 4 == L::kCommandStatus / 4 && intx_status_ && intx_status_(now_ps())) {
    v |= uint32_t{regs::pcie_cfg::STATUS::INTX_STATUS.mask()} << 16;
  }
  return v;
}

void DeviceFunction::config_write(uint32_t offset, uint32_t value, uint64_t at_ps) {
  if (offset / 4 >= cfg_.size()) return;
  uint32_t& r = cfg_[offset / 4];
  const uint32_t m = cfg_wmask_[offset / 4];
  r = (r & ~m) | (value & m);
  const bool interrupt_config =
      offset / 4 == L::kCommandStatus / 4 || offset / 4 == L::kMsixCap / 4 ||
      (offset >= L::kMsiCap && offset < L::kMsiCap + regs::pcie_cfg::MSI_PENDING::kOffset);
  if (interrupt_config && config_listener_) {
    namespace cfg = regs::pcie_cfg;
    const uint32_t mc = cfg_[L::kMsixCap / 4] >> 16;
    const uint32_t msi_mc = cfg_[L::kMsiCap / 4] >> 16;
    irqctrl::CfgInputs c;
    c.msix_enable = cfg::MSIX_MSG_CTRL::ENABLE.get(mc);
    c.msix_func_mask = cfg::MSIX_MSG_CTRL::FUNC_MASK.get(mc);
    c.intx_disable = cfg::COMMAND::INTX_DISABLE.get(command());
    c.msi_enable = cfg::MSI_MSG_CTRL::ENABLE.get(msi_mc);
    c.msi_mme = static_cast<uint8_t>(cfg::MSI_MSG_CTRL::MME.get(msi_mc));
    c.msi_addr = cfg_[(L::kMsiCap + cfg::MSI_ADDR_LO::kOffset) / 4] |
                 uint64_t{cfg_[(L::kMsiCap + cfg::MSI_ADDR_HI::kOffset) / 4]} << 32;
    c.msi_data = static_cast<uint16_t>(cfg_[(L::kMsiCap + cfg::MSI_DATA::kOffset) / 4]);
    c.msi_mask = cfg_[(L::kMsiCap + cfg::MSI_MASK::kOffset) / 4];
    config_listener_(at_ps, c);
  }
}

void DeviceFunction::send(Tlp tlp, TlpSource src, uint64_t ready_ps) {
  const uint16_t s = source(src);
  tlp.key = {ready_ps, s, seq_[s]++};
  tlp.requester = requester_;
  if (!bus_master_enabled()) {  // a function without Bus Master may not issue requests
    ++stats_.dropped_no_bus_master;
    SC_REPORT_WARNING(name(), "request dropped: Bus Master Enable is off");
    return;
  }
  up_.send(std::move(tlp));
}

void DeviceFunction::send_intx(bool assert, uint64_t at_ps) {
  Tlp m;
  m.type = TlpType::kMsg;
  m.message_code = assert ? kMsgAssertIntA : kMsgDeassertIntA;
  const uint16_t s = source(TlpSource::kIrqCtrl);
  m.key = {at_ps, s, seq_[s]++};
  m.requester = requester_;
  up_.send(std::move(m));  // messages need no Bus Master Enable
}

void DeviceFunction::complete(const Tlp& req, std::vector<uint8_t> data, bool ur, uint64_t ready_ps) {
  Tlp c;
  c.type = data.empty() ? TlpType::kCpl : TlpType::kCplD;
  c.length = static_cast<uint32_t>(data.size());
  c.data = std::move(data);
  c.tag = req.tag;
  c.unsupported = ur;
  const uint16_t s = source(TlpSource::kIrqCtrl);
  c.key = {ready_ps, s, seq_[s]++};
  c.requester = req.requester;  // a completion carries its request's requester ID
  up_.send(std::move(c));       // completions need no Bus Master
}

void DeviceFunction::unsupported(const Tlp& tlp, const char* why, uint64_t arrival_ps) {
  ++stats_.unsupported_requests;
  char msg[160];
  std::snprintf(msg, sizeof msg, "Unsupported Request at 0x%llx (%u bytes): %s",
                static_cast<unsigned long long>(tlp.addr), tlp.length, why);
  SC_REPORT_WARNING(name(), msg);
  if (tlp.type == TlpType::kMRd) complete(tlp, std::vector<uint8_t>(tlp.length, 0xFF), true, arrival_ps);
}

void DeviceFunction::on_announce(const Tlp& tlp, uint64_t arrival) {
  const uint64_t now = now_ps();
  switch (tlp.type) {
    case TlpType::kCfgRd: return;  // answered on arrival
    case TlpType::kCfgWr: {
      uint32_t v = 0;
      std::memcpy(&v, tlp.data.data(), 4);
      if (tlp.function == function_) config_write(static_cast<uint32_t>(tlp.addr), v, arrival);
      complete(tlp, {}, tlp.function != function_, arrival);
      return;
    }
    case TlpType::kMWr:
    case TlpType::kMRd: break;
    default: return;  // completions are handled on arrival
  }
  const uint64_t base = bar0_base();
  if (!memory_space_enabled()) return unsupported(tlp, "Memory Space Enable is off", arrival);
  if (tlp.addr < base || tlp.addr + tlp.length > base + bar0_bytes_)
    return unsupported(tlp, "outside BAR0", arrival);
  if ((tlp.length != 4 && tlp.length != 8) || tlp.addr % tlp.length)
    return unsupported(tlp, "size or alignment", arrival);
  if (front_end_ && tlp.addr - base >= regs::front_end::kBarOffset)
    return front_end_(tlp, tlp.addr - base, arrival);

  auto gp = std::make_shared<tlm::tlm_generic_payload>();
  auto data = std::make_shared<std::vector<uint8_t>>(tlp.length);
  const bool write = tlp.type == TlpType::kMWr;
  prepare_payload(*gp, write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, tlp.addr - base, data->data(),
                  tlp.length);
  if (write) {
    std::memcpy(data->data(), tlp.data.data(), tlp.length);
    sc_core::sc_time delay = ps(arrival - now);
    bar0->b_transport(*gp, delay);  // posted: returns at once
    return;
  }
  if (++reads_received_ == drop_read_nth_) {
    SC_REPORT_WARNING(name(), "fault injection: this memory read is never completed");
    return;
  }
  // A read waits for the register bus in a reader process, so the link keeps running.
  waiting_reads_.push_back({gp, data, tlp, arrival});
  if (waiting_reads_.size() > idle_readers_) {
    ++readers_;
    sc_core::sc_spawn([this] { reader_thread(); }, sc_core::sc_gen_unique_name("mmio_reader"));
  } else {
    read_waiting_.notify();
  }
}

// Readers persist (no process per read, issue 17): one takes the oldest waiting read, so
// reads reach the register bus in arrival order, as one process per read did. There are
// as many readers as reads ever outstanding at once.
void DeviceFunction::reader_thread() {
  for (;;) {
    while (waiting_reads_.empty()) {
      ++idle_readers_;
      sc_core::wait(read_waiting_);
      --idle_readers_;
    }
    MmioRead r = std::move(waiting_reads_.front());
    waiting_reads_.pop_front();
    sc_core::sc_time delay = ps(r.arrival - now_ps());
    bar0->b_transport(*r.gp, delay);
    complete(r.tlp, *r.data, !r.gp->is_response_ok(), now_ps() + delay.value());
  }
}

void DeviceFunction::on_arrival(const Tlp& tlp) {
  if (tlp.type == TlpType::kCfgRd) {
    const uint32_t v = config_read(static_cast<uint32_t>(tlp.addr));
    std::vector<uint8_t> d(4);
    std::memcpy(d.data(), &v, 4);
    complete(tlp, std::move(d), tlp.function != function_, now_ps());  // no such function: UR
    return;
  }
  if (tlp.type != TlpType::kCplD && tlp.type != TlpType::kCpl) return;
  auto it = reads_.find(tlp.tag);
  if (it == reads_.end()) return;
  Read& r = it->second;
  const uint64_t off = tlp.addr - r.base;
  if (off + tlp.data.size() <= r.data.size())
    std::memcpy(r.data.data() + off, tlp.data.data(), tlp.data.size());
  r.remaining -= std::min<uint32_t>(r.remaining, tlp.length);
  std::function<void()> finish;
  if (r.remaining == 0) {
    finish = [done = std::move(r.done), data = std::move(r.data)]() mutable {
      done(now_ps(), std::move(data));
    };
    reads_.erase(it);
  }
  if (tlp.last) {
    up_.return_np_credit();  // the request is complete: its credit and its tag are free again
    tags_.release(tlp.tag);
    if (!waiting_for_tag_.empty()) {
      PendingRead next = std::move(waiting_for_tag_.front());
      waiting_for_tag_.pop_front();
      issue_read(std::move(next), now_ps());
    }
  }
  if (finish) finish();
}

void DeviceFunction::issue_read(PendingRead r, uint64_t ready_ps) {
  const auto tag = tags_.acquire();
  if (!tag) {  // every tag outstanding: the request waits for a completion to free one
    waiting_for_tag_.push_back(std::move(r));
    return;
  }
  r.tlp.tag = *tag;
  reads_[*tag] = std::move(r.read);
  send(std::move(r.tlp), r.src, ready_ps);
}

void DeviceFunction::dma_read(uint64_t addr, uint32_t len, TlpSource src, uint64_t ready_ps,
                              std::function<void(uint64_t, std::vector<uint8_t>)> done) {
  const uint32_t mrrs = timing_.profile().mrrs;
  // One bookkeeping entry per request tag; all share the destination buffer via `base`.
  auto shared_done = std::make_shared<std::function<void(uint64_t, std::vector<uint8_t>)>>(std::move(done));
  auto remaining = std::make_shared<uint32_t>(len);
  auto buffer = std::make_shared<std::vector<uint8_t>>(len);
  for (uint32_t off = 0; off < len; off += mrrs) {
    const uint32_t n = std::min(mrrs, len - off);
    PendingRead r;
    r.tlp.type = TlpType::kMRd;
    r.tlp.addr = addr + off;
    r.tlp.length = n;
    r.src = src;
    r.read = Read{n, std::vector<uint8_t>(n), r.tlp.addr,
                  [shared_done, remaining, buffer, off, n](uint64_t at, std::vector<uint8_t> part) {
                    std::memcpy(buffer->data() + off, part.data(), n);
                    *remaining -= n;
                    if (*remaining == 0) (*shared_done)(at, std::move(*buffer));
                  }};
    issue_read(std::move(r), ready_ps);
  }
}

void DeviceFunction::msi_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  Tlp t;
  t.type = TlpType::kMWr;
  t.addr = gp.get_address();
  t.length = gp.get_data_length();
  t.data.assign(gp.get_data_ptr(), gp.get_data_ptr() + t.length);
  const uint64_t ready = now_ps() + delay.value();
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  if (bypass_) {
    ++stats_.msi_bypassed;
    t.key = {ready, source(TlpSource::kIrqCtrl), 0};
    bypass_(t);
    return;
  }
  send(std::move(t), TlpSource::kIrqCtrl, ready);
}

}  // namespace irqlab::pcie
