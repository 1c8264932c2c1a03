// A stable id of the SystemC process that is running: FNV-1a of its hierarchical name. The
// same in every run of the same platform, whatever order SystemC runs the processes due at
// one instant in (that order changes with unrelated scheduling: idle skipping, quanta).
// Ties between equal times are broken by it, never by which process happened to run first.
#pragma once

#include <systemc>

#include <cstdint>

namespace irqlab::pcie {

inline uint64_t current_process_stream() {
  const sc_core::sc_process_handle h = sc_core::sc_get_current_process_handle();
  if (!h.valid()) return 0;
  uint64_t x = 0xCBF29CE484222325ull;
  for (const char* p = h.name(); *p; ++p) x = (x ^ static_cast<unsigned char>(*p)) * 0x100000001B3ull;
  return x;
}

}  // namespace irqlab::pcie
