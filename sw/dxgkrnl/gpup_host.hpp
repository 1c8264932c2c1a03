// dxgkrnl's GPU-P side on the host: it intercepts each guest's accesses to its VF's MSI-X
// table, keeps the guest-form table (what the guest wrote), maps each guest vector to a
// host vector on a host CPU, and makes the real hardware write through the owning
// adapter's DxgkDdiWriteVirtualizedInterrupt at PASSIVE_LEVEL. The guest-form table is
// what migrates with a VF: it is rewritten, entry by entry, on the destination.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "wddm_ddi.hpp"

namespace irqlab::dxgkrnl {

/// Where a guest vector lands on the host.
struct HostRoute {
  unsigned cpu = 0;
  uint8_t vector = 0;
};

/// Where a VM's VF currently lives.
struct VfBinding {
  unsigned gpu = 0;
  unsigned vf = 0;
};

class GpupHost {
 public:
  /// One adapter's DxgkDdiWriteVirtualizedInterrupt (dxgkrnl calls it on a worker thread).
  using WriteDdi = std::function<wddm::NTSTATUS(const wddm::DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX&)>;
  /// Host vector allocation for (vm, entry): the interrupt remapping the hypervisor owns.
  using Allocate = std::function<HostRoute(unsigned vm, unsigned entry)>;

  GpupHost(unsigned table_entries, std::vector<WriteDdi> adapters, Allocate allocate);

  void add_vm(unsigned vm, VfBinding at);
  VfBinding binding(unsigned vm) const { return vms_.at(vm).at; }

  /// A guest's intercepted dword write at `offset` into its MSI-X table. Returns the DDI's
  /// status (a write outside the table is dropped with STATUS_INVALID_PARAMETER).
  wddm::NTSTATUS guest_write(unsigned vm, uint32_t offset, uint32_t value);
  /// A guest's intercepted read: served from the guest-form table, never from hardware.
  uint32_t guest_read(unsigned vm, uint32_t offset) const;
  /// The guest-form entry (tests and reports).
  const wddm::DXGK_INTERRUPT_TABLE_ENTRY& guest_entry(unsigned vm, unsigned entry) const {
    return vms_.at(vm).table.at(entry);
  }
  /// The guest vector of a guest entry (the low byte of its guest-form Message Data): what
  /// the host ISR injects.
  uint8_t guest_vector(unsigned vm, unsigned entry) const {
    return static_cast<uint8_t>(vms_.at(vm).table.at(entry).MessageData);
  }
  HostRoute route(unsigned vm, unsigned entry);

  /// Migration restore: move the VM to `to` and write every guest-form entry, mask state
  /// included, through the destination adapter's DDI. Returns the first failure, if any.
  wddm::NTSTATUS rebind_and_rewrite(unsigned vm, VfBinding to);

  uint64_t ddi_calls() const { return ddi_calls_; }
  uint64_t ddi_failures() const { return ddi_failures_; }

 private:
  struct Vm {
    VfBinding at;
    std::vector<wddm::DXGK_INTERRUPT_TABLE_ENTRY> table;  ///< guest form
  };
  wddm::NTSTATUS write_entry(unsigned vm, unsigned entry);

  unsigned entries_;
  std::vector<WriteDdi> adapters_;
  Allocate allocate_;
  std::map<unsigned, Vm> vms_;
  std::map<std::pair<unsigned, unsigned>, HostRoute> routes_;  ///< (vm, entry)
  uint64_t ddi_calls_ = 0, ddi_failures_ = 0;
};

}  // namespace irqlab::dxgkrnl
