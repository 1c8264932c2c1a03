// The host side every topology shares: memory, the local APICs, the root complex, the
// CPUs and the I/O APIC. Endpoints (the GPU's function, a GPU-P instance's PF and VFs, the
// NIC) each bring their link pair and connect it as a root port of their own.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "host_cpu.hpp"
#include "host_memory.hpp"
#include "ioapic.hpp"
#include "lapic.hpp"
#include "link_direction.hpp"
#include "root_complex.hpp"

namespace irqlab::platform {

class HostComplex {
 public:
  HostComplex(const pcie::LinkTiming& timing, const pcie::PcieProfile& profile, unsigned cpus);

  /// The CPUs, made after the endpoints (SystemC creation order is the processes' start order).
  void add_cpus(unsigned n);
  /// A device's link pair as a new root port (the first is port 0). Upstream TLPs reach the
  /// root complex through `tap` (seeing each before the RC does) when one is given.
  unsigned add_port(pcie::LinkDirection& down, pcie::LinkDirection& up,
                    std::function<void(const pcie::Tlp&)> tap = {});
  std::vector<host::HostCpu*> cpu_pointers() const;

  host::HostMemory memory;
  host::Lapic lapic;
  pcie::RootComplex rc;
  host::IoApic ioapic;  ///< INTx: line 0 is the GPU's (and any device sharing it)
  std::vector<std::unique_ptr<host::HostCpu>> cpus;
};

}  // namespace irqlab::platform
