// The host's PCI enumeration of the function behind the root port: read the IDs, size
// BAR0 (write all ones, read back), assign it an address in the MMIO window, enable
// Memory Space and Bus Master, and walk the capability list to the MSI-X capability.
// Runs in a SystemC thread; every config access is a timed CfgRd/CfgWr over the link.
#pragma once

#include <cstdint>
#include <string>

#include "root_complex.hpp"

namespace irqlab::pcie {

struct EnumeratedFunction {
  unsigned fid = 0;  ///< function_id(port, function)
  bool present = false;
  uint16_t vendor_id = 0, device_id = 0;
  uint64_t bar0_base = 0, bar0_bytes = 0;
  uint32_t msix_cap = 0;  ///< config offset, 0 if none
  uint32_t msi_cap = 0;   ///< config offset of the MSI capability, 0 if none
  unsigned msix_table_size = 0;
  unsigned table_bir = 0, pba_bir = 0;
  uint32_t table_offset = 0, pba_offset = 0;
};

/// Enumerate function `fid` (function_id(port, number)); its BAR gets the first naturally
/// aligned address at or above `mmio_window_base`.
EnumeratedFunction enumerate(RootComplex& rc, uint64_t mmio_window_base, unsigned fid = 0);

/// Set MSI-X Enable / Function Mask in Message Control (read-modify-write).
void set_msix_control(RootComplex& rc, const EnumeratedFunction& f, bool enable, bool function_mask);
/// Program and enable MSI with 2^log2_messages vectors (MSI-X must be off).
void enable_msi(RootComplex& rc, const EnumeratedFunction& f, uint64_t address, uint16_t data,
                unsigned log2_messages);
/// Set or clear Command.Interrupt Disable.
void set_intx_disable(RootComplex& rc, bool disable);

}  // namespace irqlab::pcie
