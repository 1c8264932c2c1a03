#include "calibrate.hpp"

#include <cstdio>
#include <sstream>

#include "platform.hpp"

namespace irqlab::platform {

namespace regs = irqlab::regs::irq_ctrl;
using pcie::now_ps;
using pcie::ps;

namespace {

class Calibrator : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Calibrator);
  Calibrator(sc_core::sc_module_name n, Platform& p, CalibrationResult& r)
      : sc_core::sc_module(n), p_(p), r_(r) {
    SC_THREAD(run);
  }

 private:
  void run() {
    host::HostCpu& cpu = *p_.cpus[0];
    const uint64_t bar = bring_up(p_, cpu);
    wait(ps(1'000'000));  // let bring-up traffic drain

    // MMIO read round trip: core -> RC -> link -> register bus -> completion -> core.
    const uint64_t t0 = now_ps();
    cpu.read32(bar + regs::ID::kOffset);
    r_.mmio_read_ns = (now_ps() - t0) / 1000.0;

    // Device DMA reads of host memory, one at a time on an idle link.
    for (uint32_t size : kDmaReadSizes) {
      sc_core::sc_event done;
      uint64_t finished = 0;
      const uint64_t start = now_ps();
      p_.function.dma_read(Layout::kResultBase, size, pcie::TlpSource::kEngine0, start,
                           [&](uint64_t at, std::vector<uint8_t>) {
                             finished = at;
                             done.notify(sc_core::SC_ZERO_TIME);
                           });
      wait(done);
      r_.dma_read_ns[size] = (finished - start) / 1000.0;
      wait(ps(1'000'000));
    }

    // Streaming DMA writes: many back-to-back writes, bandwidth between the first and
    // the last landing in memory (steady state, without the one-way latency).
    constexpr unsigned kWrites = 2000;
    for (uint32_t size : kDmaWriteSizes) {
      std::vector<uint64_t> landed;
      p_.memory.set_observer([&landed](uint64_t, uint32_t, uint64_t t) { landed.push_back(t); });
      const uint32_t mps = p_.timing.profile().mps;
      const uint64_t start = now_ps();
      unsigned tlps = 0;
      for (unsigned i = 0; i < kWrites; ++i) {
        for (uint32_t off = 0; off < size; off += mps, ++tlps) {
          pcie::Tlp w;
          w.type = pcie::TlpType::kMWr;
          w.addr = Layout::kResultBase + uint64_t{i} * 2048 + off;
          w.length = std::min(mps, size - off);
          w.data.assign(w.length, 0xA5);
          p_.function.send(std::move(w), pcie::TlpSource::kEngine0, start);
        }
      }
      while (landed.size() < tlps) wait(ps(10'000'000));
      const double seconds = (landed.back() - landed.front()) * 1e-12;
      const double bits = (double(kWrites) * size - std::min(size, mps)) * 8.0;
      r_.dma_write_gbps[size] = bits / seconds / 1e9;
      p_.memory.set_observer(nullptr);
    }
    sc_core::sc_stop();
  }

  Platform& p_;
  CalibrationResult& r_;
};

}  // namespace

CalibrationResult calibrate(const pcie::PcieProfile& profile) {
  CalibrationResult r;
  r.profile = profile;
  PlatformOptions o;
  o.profile = profile;
  o.num_cpus = 1;
  Platform p(o);
  Calibrator c("calibrator", p, r);
  sc_core::sc_start();
  return r;
}

nlohmann::json to_json(const CalibrationResult& r) {
  nlohmann::json j;
  j["profile"] = r.profile.name;
  j["gen"] = r.profile.gen;
  j["width"] = r.profile.width;
  j["mps"] = r.profile.mps;
  j["mrrs"] = r.profile.mrrs;
  j["mmio_read_ns"] = r.mmio_read_ns;
  for (const auto& [k, v] : r.dma_read_ns) j["dma_read_ns"][std::to_string(k)] = v;
  for (const auto& [k, v] : r.dma_write_gbps) j["dma_write_gbps"][std::to_string(k)] = v;
  return j;
}

std::string to_text(const CalibrationResult& r) {
  std::ostringstream os;
  char buf[128];
  os << "profile " << r.profile.name << ": Gen" << r.profile.gen << " x" << r.profile.width << ", MPS "
     << r.profile.mps << ", MRRS " << r.profile.mrrs << ", RCB " << r.profile.rcb << "\n";
  std::snprintf(buf, sizeof buf, "MMIO read round trip      %8.1f ns\n", r.mmio_read_ns);
  os << buf;
  for (const auto& [k, v] : r.dma_read_ns) {
    std::snprintf(buf, sizeof buf, "DMA read %5u B           %8.1f ns\n", k, v);
    os << buf;
  }
  for (const auto& [k, v] : r.dma_write_gbps) {
    std::snprintf(buf, sizeof buf, "DMA write stream %5u B   %8.2f Gb/s payload\n", k, v);
    os << buf;
  }
  return os.str();
}

}  // namespace irqlab::platform
