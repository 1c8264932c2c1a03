#include "link_timing.hpp"

#include <cmath>

namespace irqlab::pcie {

namespace {
// Per-lane transfer rate (GT/s) and encoding efficiency: 8b/10b for Gen1-2,
// 128b/130b for Gen3-5 (PCIe base spec; REFERENCE.md).
double lane_gbps(unsigned gen) {
  static constexpr double kGts[] = {2.5, 5.0, 8.0, 16.0, 32.0};
  const double encoding = gen <= 2 ? 8.0 / 10.0 : 128.0 / 130.0;
  return kGts[gen - 1] * encoding;
}
}  // namespace

LinkTiming::LinkTiming(const PcieProfile& p) : profile_(p), raw_gbps_(lane_gbps(p.gen) * p.width) {}

uint32_t LinkTiming::header_bytes(const Tlp& t) {
  switch (t.type) {
    case TlpType::kCplD:
    case TlpType::kCpl:
    case TlpType::kCfgRd:
    case TlpType::kCfgWr: return 12;
    case TlpType::kMsg: return 16;  // messages use the 4-DW header
    default: return t.addr64() ? 16 : 12;
  }
}

double LinkTiming::wire_bytes(const Tlp& t) const {
  const bool has_payload = t.type == TlpType::kMWr || t.type == TlpType::kCplD || t.type == TlpType::kCfgWr;
  const double payload = has_payload ? std::ceil(t.length / 4.0) * 4.0 : 0.0;  // DW granular
  const double dllp =
      double(kDllpBytes) / profile_.ack_every_tlps + double(kDllpBytes) / profile_.updatefc_every_tlps;
  return kFramingBytes + header_bytes(t) + payload + dllp;
}

uint64_t LinkTiming::serialize_ps(const Tlp& t) const {
  // bits / (Gb/s) = ns; x1000 for ps.
  return static_cast<uint64_t>(std::ceil(wire_bytes(t) * 8.0 / raw_gbps_ * 1000.0));
}

uint64_t LinkTiming::min_hop_ps() const {
  Tlp smallest;
  smallest.type = TlpType::kCpl;
  return hop_ps(smallest);
}

}  // namespace irqlab::pcie
