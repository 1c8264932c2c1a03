#include "local_apic.hpp"

namespace irqlab::host {

// A 64-bit word at a time (a bit at a time was 8% of a run: every acknowledge asks).
int LocalApic::highest(const std::bitset<256>& b) {
  static const std::bitset<256> kWord(~0ull);
  for (int w = 3; w >= 0; --w) {
    const unsigned long long x = ((b >> (64 * w)) & kWord).to_ullong();
    if (x) return 64 * w + 63 - __builtin_clzll(x);
  }
  return -1;
}

LocalApic::Accept LocalApic::request(uint8_t vector, bool level_triggered, uint64_t now_ps) {
  if (irr_[vector]) {  // one request per vector in IRR: further ones collapse into it
    ++merged_[vector];
    ++merged_total_;
    return Accept::kMerged;
  }
  irr_[vector] = true;
  tmr_[vector] = level_triggered;
  requested_ps_[vector] = now_ps;
  return Accept::kAccepted;
}

uint8_t LocalApic::ppr() const {
  const int isrv = highest(isr_);
  const uint8_t isr_class = isrv < 0 ? 0 : static_cast<uint8_t>(isrv & 0xF0);
  return (tpr_ & 0xF0) >= isr_class ? tpr_ : isr_class;
}

std::optional<uint8_t> LocalApic::deliverable() const {
  const int v = highest(irr_);
  if (v < 0 || (v & 0xF0) <= (ppr() & 0xF0)) return std::nullopt;
  return static_cast<uint8_t>(v);
}

bool LocalApic::acknowledge(uint8_t& vector, uint64_t& requested_ps) {
  const auto v = deliverable();
  if (!v) return false;
  irr_[*v] = false;
  isr_[*v] = true;
  isr_level_[*v] = tmr_[*v];
  vector = *v;
  requested_ps = requested_ps_[*v];
  return true;
}

std::optional<LocalApic::Eoi> LocalApic::eoi() {
  const int v = highest(isr_);
  if (v < 0) return std::nullopt;
  isr_[static_cast<size_t>(v)] = false;
  return Eoi{static_cast<uint8_t>(v), isr_level_[static_cast<size_t>(v)]};
}

uint8_t LocalApic::highest_requested() const {
  const int v = highest(irr_);
  return v < 0 ? 0 : static_cast<uint8_t>(v);
}

}  // namespace irqlab::host
