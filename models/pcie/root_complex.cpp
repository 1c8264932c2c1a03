#include "root_complex.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace irqlab::pcie {

RootComplex::RootComplex(sc_core::sc_module_name name, const LinkTiming& timing, LinkDirection& downstream,
                         host::HostMemory& memory, host::Lapic& lapic)
    : RootComplex(name, timing, memory, lapic) {
  add_port(downstream);
}

RootComplex::RootComplex(sc_core::sc_module_name name, const LinkTiming& timing, host::HostMemory& memory,
                         host::Lapic& lapic)
    : sc_core::sc_module(name),
      cpu_side("cpu_side"),
      timing_(timing),
      memory_(memory),
      lapic_(lapic),
      pipeline_("pipeline"),
      iotlb_(timing.profile().iotlb_entries) {
  cpu_side.register_b_transport(this, &RootComplex::b_transport);
}

unsigned RootComplex::add_port(LinkDirection& downstream) {
  ports_.push_back(&downstream);
  upstreams_.push_back(nullptr);
  last_posted_ps_.push_back(0);
  cpl_formed_ps_.push_back(0);
  return static_cast<unsigned>(ports_.size() - 1);
}

void RootComplex::attach_upstream(unsigned port, LinkDirection& upstream) {
  upstreams_.at(port) = &upstream;
  upstream.set_posted_credits(timing_.profile().posted_credits);
}

const RcStats& RootComplex::stats() const {
  stats_.iotlb_hits = iotlb_.hits();
  stats_.iotlb_misses = iotlb_.misses();
  return stats_;
}

void RootComplex::set_window(unsigned fid, uint64_t base, uint64_t size) {
  windows_[fid] = {base, size};
}

Tlp RootComplex::request(TlpType type, uint64_t addr, uint32_t len) {
  Tlp t;
  t.type = type;
  t.addr = addr;
  t.length = len;
  t.key = {now_ps() + timing_.profile().rc_latency_ps, static_cast<uint16_t>(TlpSource::kRootComplex),
           seq_++};
  return t;
}

std::unique_ptr<RootComplex::Outstanding> RootComplex::wait_completion(Tlp tlp, unsigned port, int cpu) {
  std::optional<uint16_t> tag;
  while (!(tag = tags_.acquire())) wait(tag_freed_);  // every tag outstanding: the request waits
  tlp.tag = *tag;
  // The request may have waited for a tag: it is ready no earlier than now.
  tlp.key.ready_ps = std::max(tlp.key.ready_ps, now_ps());
  auto o = std::make_unique<Outstanding>();
  o->what = {cpu, *tag, tlp.addr, tlp.type, now_ps()};
  o->port = port;
  outstanding_[*tag] = o.get();
  ports_.at(port)->send(std::move(tlp));
  if (completion_timeout_ps_ == 0) {
    wait(o->done);
    return o;
  }
  wait(ps(completion_timeout_ps_), o->done);
  if (outstanding_.count(o->what.tag) && outstanding_[o->what.tag] == o.get()) time_out(*o);
  return o;
}

// PCIe Base spec 2.8 (Completion Timeout): the requester gives up on the request; a
// completion arriving later is an Unexpected Completion. The root port answers the CPU's
// load with all ones, as x86 root complexes do for a failed read (the data a driver must
// recognise). The device did take the request, so its non-posted credit is free again.
void RootComplex::time_out(Outstanding& o) {
  ++stats_.completion_timeouts;
  timeouts_.push_back({o.what, now_ps()});
  char msg[200];
  std::snprintf(msg, sizeof msg,
                "Completion Timeout: tag %u at 0x%llx issued at %llu ps (CPU %d): all ones returned",
                o.what.tag, static_cast<unsigned long long>(o.what.addr),
                static_cast<unsigned long long>(o.what.issued_ps), o.what.cpu);
  SC_REPORT_WARNING(name(), msg);
  o.data.assign(8, 0xFF);
  o.timed_out = true;
  ports_.at(o.port)->return_np_credit();
  tags_.release(o.what.tag);
  tag_freed_.notify(sc_core::SC_ZERO_TIME);
  outstanding_.erase(o.what.tag);
}

std::optional<OutstandingRequest> RootComplex::oldest_outstanding() const {
  std::optional<OutstandingRequest> oldest;
  for (const auto& [tag, o] : outstanding_) {
    if (!oldest || o->what.issued_ps < oldest->issued_ps) oldest = o->what;
  }
  return oldest;
}

void RootComplex::unsupported(tlm::tlm_generic_payload& gp, const char* why) {
  ++stats_.unsupported_requests;
  char msg[160];
  std::snprintf(msg, sizeof msg, "Unsupported Request: %s %u bytes at 0x%llx: %s",
                gp.is_read() ? "read" : "write", gp.get_data_length(),
                static_cast<unsigned long long>(gp.get_address()), why);
  SC_REPORT_WARNING(name(), msg);
  if (gp.is_read()) std::memset(gp.get_data_ptr(), 0xFF, gp.get_data_length());
  gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

// CPU MMIO. The CPU is synchronized (delay is 0 on entry); the time spent here is the
// modelled access: core to root complex, the link both ways for a read, and back.
void RootComplex::b_transport(int cpu, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const PcieProfile& p = timing_.profile();
  wait(delay + ps(p.cpu_mmio_latency_ps));
  delay = sc_core::SC_ZERO_TIME;
  const uint64_t addr = gp.get_address();
  const unsigned size = gp.get_data_length();
  const auto hit = std::find_if(windows_.begin(), windows_.end(), [&](const auto& w) {
    return addr >= w.second.first && addr + size <= w.second.first + w.second.second;
  });
  const bool in_window = hit != windows_.end();
  if (size != 4 && size != 8) return unsupported(gp, "size must be 4 or 8 bytes");
  if (addr % size) return unsupported(gp, "unaligned");
  if (!in_window) return unsupported(gp, "outside every BAR window");

  if (gp.is_write()) {
    Tlp t = request(TlpType::kMWr, addr, size);
    t.data.assign(gp.get_data_ptr(), gp.get_data_ptr() + size);
    port_of(hit->first).send(std::move(t));
    gp.set_response_status(tlm::TLM_OK_RESPONSE);  // posted: done once the RC has it
    return;
  }
  auto done = wait_completion(request(TlpType::kMRd, addr, size), hit->first >> 8, cpu);
  wait(ps(p.rc_latency_ps + p.cpu_mmio_latency_ps));  // completion back to the core
  if (done->unsupported) return unsupported(gp, "the device answered UR");
  std::memcpy(gp.get_data_ptr(), done->data.data(), size);  // all ones after a timeout
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

uint32_t RootComplex::cfg_read(unsigned fid, uint32_t offset) {
  Tlp t = request(TlpType::kCfgRd, offset, 4);
  t.function = fid & 0xFF;
  auto done = wait_completion(std::move(t), fid >> 8, -1);
  wait(ps(timing_.profile().rc_latency_ps));
  uint32_t v = 0xFFFFFFFFu;  // no such function: all ones, as enumeration expects
  if (!done->unsupported && done->data.size() == 4) std::memcpy(&v, done->data.data(), 4);
  return v;
}

void RootComplex::cfg_write(unsigned fid, uint32_t offset, uint32_t value) {
  Tlp t = request(TlpType::kCfgWr, offset, 4);
  t.function = fid & 0xFF;
  t.data.resize(4);
  std::memcpy(t.data.data(), &value, 4);
  wait_completion(std::move(t), fid >> 8, -1);
  wait(ps(timing_.profile().rc_latency_ps));
}

uint64_t RootComplex::translated_at(uint64_t ingress_done, uint64_t addr) {
  const PcieProfile& p = timing_.profile();
  if (!p.iommu) return ingress_done;
  return ingress_done + (iotlb_.lookup(addr) ? p.iotlb_hit_ps : p.iotlb_miss_ps);
}

uint64_t RootComplex::ordered_after_posted(unsigned port, uint64_t t) {
  uint64_t& last = last_posted_ps_.at(port);
  last = std::max(last, t);
  return last;
}

// A posted request (memory write, MSI, INTx message): its buffer is free once ingress is
// done, and the UpdateFC that says so takes one hop back to the device.
void RootComplex::upstream_posted(const Tlp& tlp, unsigned port, uint64_t ingress_done) {
  const PcieProfile& p = timing_.profile();
  if (LinkDirection* up = upstreams_.at(port))
    pipeline_.at(ingress_done + p.phy_latency_ps, [up] { up->return_posted_credit(); });
  if (tlp.type == TlpType::kMsg) {
    pipeline_.at(ordered_after_posted(port, ingress_done), [this, code = tlp.message_code] {
      if (intx_handler_) intx_handler_(code);
    });
    return;
  }
  // An MSI is not a DMA and is not translated, but it may not pass an earlier write.
  if (host::is_msi_address(tlp.addr)) {
    pipeline_.at(ordered_after_posted(port, ingress_done), [this, tlp, port] {
      uint32_t data = 0;
      std::memcpy(&data, tlp.data.data(), std::min<size_t>(4, tlp.data.size()));
      const bool drop = drop_msi_nth_ != 0 && ++msis_seen_ == drop_msi_nth_;
      if (msi_observer_) msi_observer_(port, tlp.addr, data, drop);
      if (drop) {  // fault injection: the write is discarded, the interrupt is lost
        ++stats_.msis_dropped;
        SC_REPORT_WARNING(name(), "MSI dropped (fault injection)");
        return;
      }
      ++stats_.msis;
      lapic_.message(tlp.addr, data);
    });
    return;
  }
  const uint64_t commit = ordered_after_posted(port, translated_at(ingress_done, tlp.addr) + p.mem_write_ps);
  pipeline_.at(commit, [this, tlp] {
    ++stats_.memory_writes;
    memory_.write(tlp.addr, tlp.data.data(), tlp.length, now_ps());
  });
}

// A DMA read: translation, the memory system (after any earlier write of the port took
// effect, which the read must see, PCIe 2.4.1), then completions split at the RCB, each leaving once
// the root complex has formed its cache lines.
void RootComplex::upstream_read(const Tlp& tlp, unsigned port, uint64_t ingress_done) {
  const PcieProfile& p = timing_.profile();
  uint64_t mem = p.llc_read_ps;
  if (p.memory_dram) mem += p.dram_extra_ps + (p.memory_remote ? p.remote_extra_ps : 0);
  // The read starts once every earlier write of the port has committed: the host
  // serializes them (pcie-bench's write-then-read latency exceeds the read's alone).
  const uint64_t data_at = std::max(translated_at(ingress_done, tlp.addr), last_posted_ps_.at(port)) + mem;
  pipeline_.at(data_at, [this, tlp, port, data_at] {
    ++stats_.memory_reads;
    const PcieProfile& pr = timing_.profile();
    constexpr uint64_t kLine = 64;
    uint64_t a = tlp.addr;
    uint32_t left = tlp.length;
    // One completion engine per port: requests queue for it, lines are formed one by one.
    uint64_t& formed = cpl_formed_ps_.at(port);
    formed = std::max(formed, data_at);
    while (left > 0) {
      const uint32_t chunk = std::min<uint32_t>(left, pr.rcb - static_cast<uint32_t>(a % pr.rcb));
      Tlp c;
      c.type = TlpType::kCplD;
      c.addr = a;
      c.length = chunk;
      c.data.resize(chunk);
      memory_.read(a, c.data.data(), chunk);
      c.tag = tlp.tag;
      c.requester = tlp.requester;
      left -= chunk;
      a += chunk;
      c.last = left == 0;
      const uint64_t lines = (a + kLine - 1) / kLine - (a - chunk) / kLine;
      formed += lines * pr.cpl_line_ps;
      c.key = {formed, static_cast<uint16_t>(TlpSource::kRootComplex), seq_++};
      ports_.at(port)->send(std::move(c));
    }
  });
}

void RootComplex::on_upstream(const Tlp& tlp, unsigned port) {
  const uint64_t ingress_done = now_ps() + timing_.profile().rc_ingress_ps;
  switch (tlp.type) {
    case TlpType::kMWr:
    case TlpType::kMsg: upstream_posted(tlp, port, ingress_done); break;
    case TlpType::kMRd: upstream_read(tlp, port, ingress_done); break;
    case TlpType::kCplD:
    case TlpType::kCpl: {
      auto it = outstanding_.find(tlp.tag);
      if (it == outstanding_.end()) {
        SC_REPORT_WARNING(name(), "unexpected completion dropped");
        return;
      }
      it->second->data.insert(it->second->data.end(), tlp.data.begin(), tlp.data.end());
      it->second->unsupported |= tlp.unsupported;
      if (tlp.last) {
        // The request is complete: its tag and its non-posted credit on the downstream
        // link are free again (a credit never returned stalls every later read).
        Outstanding* o = it->second;
        o->done.notify(sc_core::SC_ZERO_TIME);
        ports_.at(o->port)->return_np_credit();
        tags_.release(o->what.tag);
        tag_freed_.notify(sc_core::SC_ZERO_TIME);
        outstanding_.erase(it);
      }
      break;
    }
    default: SC_REPORT_WARNING(name(), "request type the root complex does not accept; dropped");
  }
}

}  // namespace irqlab::pcie
