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

// The interval, in symbol times, at which a receiver sends an Ack DLLP (Ack latency limit,
// PCIe Base Spec rev 5.0 Tables 3-7 to 3-9) and an UpdateFC DLLP (Tables 2-46 to 2-48), by
// generation, width and MPS. For x1..x16 the two tables hold the same values; Gen4 and Gen5
// use Gen3's. pcie-model (Neugebauer et al., SIGCOMM 2018) charges one 8-byte DLLP of each
// kind per interval to the link's bandwidth, and so does this model.
unsigned dllp_interval(unsigned gen, unsigned width, uint32_t mps) {
  static constexpr unsigned kGen1[5][6] = {{237, 416, 559, 1071, 2095, 4143},
                                           {128, 217, 289, 545, 1057, 2081},
                                           {73, 118, 154, 282, 538, 1050},
                                           {67, 107, 86, 150, 278, 534},
                                           {48, 72, 86, 150, 278, 534}};
  static constexpr unsigned kGen2[5][6] = {{288, 467, 610, 1122, 2146, 4194},
                                           {179, 268, 340, 596, 1108, 2132},
                                           {124, 169, 205, 333, 589, 1101},
                                           {118, 158, 137, 201, 329, 585},
                                           {99, 123, 137, 201, 329, 585}};
  static constexpr unsigned kGen3[5][6] = {{333, 512, 655, 1167, 2191, 4239},
                                           {224, 313, 385, 641, 1153, 2177},
                                           {169, 214, 250, 378, 634, 1146},
                                           {163, 203, 182, 246, 374, 630},
                                           {144, 168, 182, 246, 374, 630}};
  const unsigned row = width == 1 ? 0 : width == 2 ? 1 : width == 4 ? 2 : width == 8 ? 3 : 4;
  unsigned col = 0;
  for (uint32_t m = 128; m < mps && col < 5; m <<= 1) ++col;
  const auto& t = gen == 1 ? kGen1 : gen == 2 ? kGen2 : kGen3;
  return t[row][col];
}
}  // namespace

LinkTiming::LinkTiming(const PcieProfile& p)
    : profile_(p),
      raw_gbps_(lane_gbps(p.gen) * p.width),
      dllp_share_(2.0 * kDllpBytes / dllp_interval(p.gen, p.width, p.mps) + kSkipBytes / kSkipInterval),
      tlp_gbps_(raw_gbps_ * (1.0 - dllp_share_)) {}

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
  return kFramingBytes + header_bytes(t) + payload;
}

uint64_t LinkTiming::serialize_ps(const Tlp& t) const {
  // bits / (Gb/s) = ns; x1000 for ps. DLLPs and SKPs take their share of the link's time.
  return static_cast<uint64_t>(std::ceil(wire_bytes(t) * 8.0 / tlp_gbps_ * 1000.0));
}

double LinkTiming::formula_write_gbps(uint32_t size, bool addr64) const {
  const uint32_t tlps = (size + profile_.mps - 1) / profile_.mps;
  const double per_tlp = kFramingBytes + (addr64 ? 16 : 12);
  return double(size) * tlp_gbps_ / (tlps * per_tlp + size);
}

uint64_t LinkTiming::min_hop_ps() const {
  Tlp smallest;
  smallest.type = TlpType::kCpl;
  return hop_ps(smallest);
}

}  // namespace irqlab::pcie
