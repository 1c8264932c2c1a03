#include "calibrate.hpp"

#include <cstdio>
#include <sstream>

#include "platform.hpp"

namespace irqlab::platform {

namespace regs = irqlab::regs::irq_ctrl;
using pcie::now_ps;
using pcie::ps;

namespace {

constexpr uint64_t kStreamBase32 = Layout::kResultBase;
constexpr uint64_t kStreamBase64 = 0x10'0000'0000ull;  // above 4 GiB: 4-DW headers
constexpr unsigned kStreamWrites = 2000;

class Calibrator : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Calibrator);
  Calibrator(sc_core::sc_module_name n, Platform& p, const CalibrationPlan& plan, CalibrationResult& r)
      : sc_core::sc_module(n), p_(p), plan_(plan), r_(r) {
    SC_THREAD(run);
  }

 private:
  void run() {
    host::HostCpu& cpu = *p_.cpus[0];
    const uint64_t bar = bring_up(p_, cpu);
    settle();
    // MMIO read round trip: core -> RC -> link -> register bus -> completion -> core.
    const uint64_t t0 = now_ps();
    cpu.read32(bar + regs::ID::kOffset);
    r_.mmio_read_ns = (now_ps() - t0) / 1000.0;
    for (uint32_t size : plan_.read_sizes) r_.dma_read_ns[size] = dma_read(size);
    for (uint32_t size : plan_.write_sizes) r_.dma_write_ns[size] = dma_write(size);
    for (uint32_t size : plan_.write_read_sizes) r_.dma_write_read_ns[size] = dma_read(size, true);
    for (uint32_t size : plan_.stream_sizes) {
      r_.dma_write_gbps[size] = stream(size, kStreamBase32);
      r_.dma_write64_gbps[size] = stream(size, kStreamBase64);
    }
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    sc_core::sc_stop();
  }

  void settle() { wait(ps(1'000'000)); }  // the link and the root complex drain

  // One device DMA read of host memory on an idle link, request to last completion;
  // with `write_first`, a write of the same bytes goes just before it (pcie-bench WRRD).
  double dma_read(uint32_t size, bool write_first = false) {
    sc_core::sc_event done;
    uint64_t finished = 0;
    const uint64_t start = now_ps();
    if (write_first) send_writes(Layout::kResultBase, size, start);
    p_.function.dma_read(Layout::kResultBase, size, pcie::TlpSource::kEngine0, start,
                         [&](uint64_t at, std::vector<uint8_t>) {
                           finished = at;
                           done.notify(sc_core::SC_ZERO_TIME);
                         });
    wait(done);
    settle();
    return (finished - start) / 1000.0;
  }

  // Sends `size` bytes as MPS-sized posted writes from `start`; returns the TLP count.
  unsigned send_writes(uint64_t addr, uint32_t size, uint64_t start) {
    const uint32_t mps = p_.timing.profile().mps;
    unsigned tlps = 0;
    for (uint32_t off = 0; off < size; off += mps, ++tlps) {
      pcie::Tlp w;
      w.type = pcie::TlpType::kMWr;
      w.addr = addr + off;
      w.length = std::min(mps, size - off);
      w.data.assign(w.length, 0xA5);
      p_.function.send(std::move(w), pcie::TlpSource::kEngine0, start);
    }
    return tlps;
  }

  // One posted DMA write: sent to landed in memory (the last of its TLPs).
  double dma_write(uint32_t size) {
    std::vector<uint64_t> landed;
    p_.memory.set_observer([&landed](uint64_t, uint32_t, uint64_t t) { landed.push_back(t); });
    const uint64_t start = now_ps();
    const unsigned tlps = send_writes(Layout::kResultBase, size, start);
    while (landed.size() < tlps) wait(ps(10'000));
    p_.memory.set_observer(nullptr);
    settle();
    return (landed.back() - start) / 1000.0;
  }

  // Many back-to-back writes; bandwidth between the first and the last landing in memory
  // (steady state, without the one-way latency).
  double stream(uint32_t size, uint64_t base) {
    std::vector<uint64_t> landed;
    p_.memory.set_observer([&landed](uint64_t, uint32_t, uint64_t t) { landed.push_back(t); });
    const uint64_t start = now_ps();
    unsigned tlps = 0;
    for (unsigned i = 0; i < kStreamWrites; ++i) tlps += send_writes(base + uint64_t{i} * 4096, size, start);
    while (landed.size() < tlps) wait(ps(10'000'000));
    p_.memory.set_observer(nullptr);
    settle();
    const double seconds = (landed.back() - landed.front()) * 1e-12;
    const double bits = (double(kStreamWrites) * size - std::min(size, p_.timing.profile().mps)) * 8.0;
    return bits / seconds / 1e9;
  }

  Platform& p_;
  const CalibrationPlan& plan_;
  CalibrationResult& r_;
};

}  // namespace

CalibrationResult calibrate(const pcie::PcieProfile& profile, const CalibrationPlan& plan) {
  CalibrationResult r;
  r.profile = profile;
  PlatformOptions o;
  o.profile = profile;
  o.num_cpus = 1;
  Platform p(o);
  r.raw_gbps = p.timing.raw_gbps();
  r.tlp_gbps = p.timing.tlp_gbps();
  r.dllp_share = p.timing.dllp_share();
  for (uint32_t size : plan.stream_sizes) {
    r.formula_write_gbps[size] = p.timing.formula_write_gbps(size, false);
    r.formula_write64_gbps[size] = p.timing.formula_write_gbps(size, true);
  }
  Calibrator c("calibrator", p, plan, r);
  sc_core::sc_start();
  return r;
}

std::optional<double> lookup(const CalibrationResult& r, const std::string& quantity, uint32_t size) {
  const std::map<uint32_t, double>* m = quantity == "dma_read_ns"         ? &r.dma_read_ns
                                        : quantity == "dma_write_ns"      ? &r.dma_write_ns
                                        : quantity == "dma_write_read_ns" ? &r.dma_write_read_ns
                                        : quantity == "dma_write_gbps"    ? &r.dma_write_gbps
                                        : quantity == "dma_write64_gbps"  ? &r.dma_write64_gbps
                                                                          : nullptr;
  if (quantity == "mmio_read_ns") return r.mmio_read_ns;
  if (!m || !m->count(size)) return std::nullopt;
  return m->at(size);
}

nlohmann::json to_json(const CalibrationResult& r) {
  nlohmann::json j;
  j["profile"] = r.profile.name;
  j["gen"] = r.profile.gen;
  j["width"] = r.profile.width;
  j["mps"] = r.profile.mps;
  j["mrrs"] = r.profile.mrrs;
  j["rcb"] = r.profile.rcb;
  j["link"] = {{"raw_gbps", r.raw_gbps}, {"tlp_gbps", r.tlp_gbps}, {"dllp_share", r.dllp_share}};
  j["mmio_read_ns"] = r.mmio_read_ns;
  auto put = [&j](const char* key, const std::map<uint32_t, double>& m) {
    j[key] = nlohmann::json::object();
    for (const auto& [k, v] : m) j[key][std::to_string(k)] = v;
  };
  put("dma_read_ns", r.dma_read_ns);
  put("dma_write_ns", r.dma_write_ns);
  put("dma_write_read_ns", r.dma_write_read_ns);
  put("dma_write_gbps", r.dma_write_gbps);
  put("dma_write64_gbps", r.dma_write64_gbps);
  put("formula_write_gbps", r.formula_write_gbps);
  put("formula_write64_gbps", r.formula_write64_gbps);
  return j;
}

std::string to_text(const CalibrationResult& r) {
  std::ostringstream os;
  char buf[160];
  os << "profile " << r.profile.name << ": Gen" << r.profile.gen << " x" << r.profile.width << ", MPS "
     << r.profile.mps << ", MRRS " << r.profile.mrrs << ", RCB " << r.profile.rcb << "\n";
  std::snprintf(buf, sizeof buf,
                "link %.2f Gb/s after encoding, %.2f Gb/s for TLPs (DLLPs and SKPs take %.2f %%)\n",
                r.raw_gbps, r.tlp_gbps, 100 * r.dllp_share);
  os << buf;
  std::snprintf(buf, sizeof buf, "MMIO read round trip      %8.1f ns\n", r.mmio_read_ns);
  os << buf;
  for (const auto& [k, v] : r.dma_read_ns) {
    std::snprintf(buf, sizeof buf, "DMA read  %5u B          %8.1f ns\n", k, v);
    os << buf;
  }
  for (const auto& [k, v] : r.dma_write_ns) {
    std::snprintf(buf, sizeof buf, "DMA write %5u B          %8.1f ns to memory\n", k, v);
    os << buf;
  }
  for (const auto& [k, v] : r.dma_write_read_ns) {
    std::snprintf(buf, sizeof buf, "DMA write+read %5u B     %8.1f ns\n", k, v);
    os << buf;
  }
  os << "DMA write stream, payload Gb/s: model vs pcie-model formula\n"
     << "   size   32-bit  formula   error   64-bit  formula   error\n";
  for (const auto& [k, v] : r.dma_write_gbps) {
    const double f32 = r.formula_write_gbps.at(k), v64 = r.dma_write64_gbps.at(k),
                 f64 = r.formula_write64_gbps.at(k);
    std::snprintf(buf, sizeof buf, "  %5u  %7.2f  %7.2f  %+5.1f%%  %7.2f  %7.2f  %+5.1f%%\n", k, v, f32,
                  100 * (v - f32) / f32, v64, f64, 100 * (v64 - f64) / f64);
    os << buf;
  }
  return os.str();
}

}  // namespace irqlab::platform
