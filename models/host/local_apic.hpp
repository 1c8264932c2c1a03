// One CPU's local APIC as fixed interrupts see it (Intel SDM Vol. 3A, "Advanced
// Programmable Interrupt Controller (APIC)": 11.8.3 Interrupt, Task, and Processor
// Priority; 11.8.4 Interrupt Acceptance for Fixed Interrupts; 11.8.5 Signaling Interrupt
// Servicing Completion).
//
// - 256-bit IRR (requested) and ISR (in service); TMR marks level-triggered requests.
// - A request for a vector whose IRR bit is already set merges into it: per vector, the
//   APIC holds one request in IRR plus one in service; any further ones collapse.
// - Priority class = vector[7:4]. PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0,
//   where ISRV is the highest vector in service. The highest IRR vector is dispatched only
//   if its class is above PPR's.
// - EOI clears the highest ISR bit; for a level-triggered vector (TMR set) the APIC
//   broadcasts the EOI to the I/O APICs, which then clear Remote IRR.
//
// Plain C++ (no SystemC): the CPU model owns one and calls it at the right times.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>

namespace irqlab::host {

class LocalApic {
 public:
  enum class Accept { kAccepted, kMerged };
  struct Eoi {
    uint8_t vector;
    bool level_triggered;
  };

  /// A fixed interrupt for `vector` arrived at `now_ps`.
  Accept request(uint8_t vector, bool level_triggered, uint64_t now_ps);
  /// The vector the APIC would dispatch now (highest IRR above PPR), if any.
  std::optional<uint8_t> deliverable() const;
  /// Interrupt acknowledge: the deliverable vector moves from IRR to ISR. Returns it and
  /// the time its IRR bit was set (the oldest request it stands for).
  bool acknowledge(uint8_t& vector, uint64_t& requested_ps);
  /// End of interrupt: clears the highest ISR bit (none in service: nothing happens).
  std::optional<Eoi> eoi();

  /// Task Priority Register (Windows x64 keeps it equal to IRQL << 4 through CR8).
  void set_tpr(uint8_t tpr) { tpr_ = tpr; }
  uint8_t tpr() const { return tpr_; }
  uint8_t ppr() const;

  bool irr(uint8_t v) const { return irr_[v]; }
  bool isr(uint8_t v) const { return isr_[v]; }
  bool any_requested() const { return irr_.any(); }
  /// Highest requested vector (0 when none), for waveforms.
  uint8_t highest_requested() const;
  /// Requests that merged into an IRR bit already set, per vector and in all.
  uint64_t merged(uint8_t v) const { return merged_[v]; }
  uint64_t merged_total() const { return merged_total_; }

 private:
  static int highest(const std::bitset<256>& b);

  std::bitset<256> irr_, isr_, tmr_;
  std::bitset<256> isr_level_;  ///< TMR of each in-service vector, taken at acknowledge
  std::array<uint64_t, 256> requested_ps_{};
  std::array<uint64_t, 256> merged_{};
  uint64_t merged_total_ = 0;
  uint8_t tpr_ = 0;
};

}  // namespace irqlab::host
