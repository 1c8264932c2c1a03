// A transaction-layer packet as the link model sees it.
#pragma once

#include <cstdint>
#include <tuple>
#include <vector>

namespace irqlab::pcie {

/// kMsg: a message without data (Assert_INTx / Deassert_INTx), posted.
enum class TlpType { kMWr, kMRd, kCplD, kCpl, kCfgRd, kCfgWr, kMsg };

/// Message codes of the INTx virtual wires (PCIe 2.2.8.1): Assert_INTA..D = 0x20..0x23,
/// Deassert_INTA..D = 0x24..0x27.
inline constexpr uint8_t kMsgAssertIntA = 0x20;
inline constexpr uint8_t kMsgDeassertIntA = 0x24;

/// Ordering class of a TLP (PCIe 2.4.1).
enum class TlpClass { kPosted, kNonPosted, kCompletion };

inline TlpClass tlp_class(TlpType t) {
  switch (t) {
    case TlpType::kMWr:
    case TlpType::kMsg: return TlpClass::kPosted;
    case TlpType::kMRd:
    case TlpType::kCfgRd:
    case TlpType::kCfgWr: return TlpClass::kNonPosted;
    default: return TlpClass::kCompletion;
  }
}

/// Who created a TLP. Ties in time are broken by (source, stream, per-source sequence):
/// the stream names the SystemC process that sent it, so two processes sending at the same
/// instant are ordered by who they are, never by which happened to run first (that order
/// changes with unrelated scheduling, e.g. idle skipping), and one process's TLPs keep
/// their program order (the sequence).
/// kFaultInjector: TLPs a fault knob adds (spurious MSIs), told apart from the controller's.
enum class TlpSource : uint16_t { kRootComplex = 0, kIrqCtrl = 1, kFaultInjector = 2, kEngine0 = 16 };

struct OrderKey {
  uint64_t ready_ps = 0;  ///< earliest time the TLP may start on the link
  uint16_t source = 0;
  uint64_t seq = 0;
  uint64_t stream = 0;  ///< the sending process (set by LinkDirection::send)
  bool operator<(const OrderKey& o) const {
    return std::tie(ready_ps, source, stream, seq) < std::tie(o.ready_ps, o.source, o.stream, o.seq);
  }
};

struct Tlp {
  TlpType type = TlpType::kMWr;
  OrderKey key;
  uint64_t addr = 0;
  uint32_t length = 0;        ///< payload bytes (MWr, CplD) or requested bytes (MRd)
  std::vector<uint8_t> data;  ///< MWr/CplD payload
  uint16_t requester = 0;     ///< requester ID (bus/dev/fn)
  uint16_t tag = 0;           ///< matches completions to requests (8 bits on the wire here)
  bool unsupported = false;   ///< completion status UR
  bool last = true;           ///< last completion of a split read
  uint32_t function = 0;      ///< target function for config requests
  uint8_t message_code = 0;   ///< kMsg: the message code

  bool addr64() const { return addr > 0xFFFF'FFFFull; }
};

/// A 4-byte memory write of `value` (little-endian, as PCIe carries it): an MSI, a register.
inline Tlp memory_write32(uint64_t addr, uint32_t value) {
  Tlp t;
  t.type = TlpType::kMWr;
  t.addr = addr;
  t.length = 4;
  for (unsigned i = 0; i < 4; ++i) t.data.push_back(static_cast<uint8_t>(value >> (8 * i)));
  return t;
}

}  // namespace irqlab::pcie
