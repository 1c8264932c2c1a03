// PCIe link timing from first principles: line rate and encoding per generation, lane
// count, the bytes each TLP puts on the wire (framing, header, payload), and the share of
// the link that Ack/UpdateFC DLLPs (at the spec's rates for the width and MPS) and SKP
// ordered sets take, after the pcie-model of Neugebauer et al. (SIGCOMM 2018).
#pragma once

#include <cstdint>

#include "pcie_profile.hpp"
#include "tlp.hpp"

namespace irqlab::pcie {

class LinkTiming {
 public:
  explicit LinkTiming(const PcieProfile& p);

  /// Payload-carrying bandwidth of all lanes after line encoding, Gb/s.
  double raw_gbps() const { return raw_gbps_; }
  /// What is left for TLPs after Ack and UpdateFC DLLPs and SKP ordered sets, Gb/s.
  double tlp_gbps() const { return tlp_gbps_; }
  /// The fraction of the link's time DLLPs and SKPs take.
  double dllp_share() const { return dllp_share_; }
  /// pcie-model's effective bandwidth of a stream of `size`-byte DMA writes (split at MPS).
  double formula_write_gbps(uint32_t size, bool addr64) const;
  /// TLP header bytes: 12 for 32-bit addresses and completions, 16 for 64-bit addresses.
  static uint32_t header_bytes(const Tlp& t);
  /// Bytes on the wire for one TLP: framing, header, payload.
  double wire_bytes(const Tlp& t) const;
  /// Serialization time of one TLP in ps (rounded up).
  uint64_t serialize_ps(const Tlp& t) const;
  /// Time from the start of transmission to the TLP being usable at the far end.
  uint64_t hop_ps(const Tlp& t) const { return serialize_ps(t) + profile_.phy_latency_ps; }
  /// The shortest possible hop: the lookahead no announced arrival can undercut.
  uint64_t min_hop_ps() const;
  const PcieProfile& profile() const { return profile_; }

  static constexpr uint32_t kFramingBytes = 8;   ///< STP/SDP + sequence + LCRC (+ END on Gen1/2)
  static constexpr uint32_t kDllpBytes = 8;      ///< 6-byte DLLP with its framing
  static constexpr double kSkipBytes = 4;        ///< SKP ordered set, per lane
  static constexpr double kSkipInterval = 1538;  ///< symbol times between SKP ordered sets

 private:
  PcieProfile profile_;
  double raw_gbps_;
  double dllp_share_;
  double tlp_gbps_;
};

}  // namespace irqlab::pcie
