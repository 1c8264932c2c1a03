#include "gpup_host.hpp"

#include "irq_ctrl_regs.hpp"
#include "lapic.hpp"

namespace irqlab::dxgkrnl {

namespace x = irqlab::regs::irq_ctrl::msix;
using wddm::NTSTATUS;

GpupHost::GpupHost(unsigned table_entries, std::vector<WriteDdi> adapters, Allocate allocate)
    : entries_(table_entries), adapters_(std::move(adapters)), allocate_(std::move(allocate)) {}

void GpupHost::add_vm(unsigned vm, VfBinding at) {
  Vm v;
  v.at = at;
  // The guest's view after reset: every entry masked (PCI spec), address and data 0.
  v.table.assign(entries_, wddm::DXGK_INTERRUPT_TABLE_ENTRY{0, 0, x::VECTOR_CTRL::kReset});
  vms_[vm] = std::move(v);
}

HostRoute GpupHost::route(unsigned vm, unsigned entry) {
  const auto key = std::make_pair(vm, entry);
  auto it = routes_.find(key);
  if (it == routes_.end()) it = routes_.emplace(key, allocate_(vm, entry)).first;
  return it->second;
}

// Host form: the guest's mask state, the host CPU's MSI address and the host vector.
NTSTATUS GpupHost::write_entry(unsigned vm, unsigned entry) {
  const Vm& v = vms_.at(vm);
  const HostRoute r = route(vm, entry);
  wddm::DXGKARG_GPUP_WRITE_VIRTUALIZED_MSIX a{};
  a.vfIndex = v.at.vf;
  a.InterruptTableIndex = static_cast<wddm::INT16>(entry);
  a.WriteValue.MessageAddress = host::msi_address(static_cast<uint8_t>(r.cpu));
  a.WriteValue.MessageData = host::msi_data(r.vector);
  a.WriteValue.VectorControl = v.table[entry].VectorControl;
  ++ddi_calls_;
  const NTSTATUS st = adapters_.at(v.at.gpu)(a);
  if (!wddm::NT_SUCCESS(st)) ++ddi_failures_;
  return st;
}

NTSTATUS GpupHost::guest_write(unsigned vm, uint32_t offset, uint32_t value) {
  const unsigned entry = offset / x::kEntryBytes;
  if (entry >= entries_) return wddm::STATUS_INVALID_PARAMETER;
  auto& e = vms_.at(vm).table[entry];
  switch (offset % x::kEntryBytes) {
    case x::MSG_ADDR_LO::kOffset:
      e.MessageAddress = (e.MessageAddress & ~0xFFFFFFFFull) | (value & ~3u);
      break;
    case x::MSG_ADDR_HI::kOffset:
      e.MessageAddress = (e.MessageAddress & 0xFFFFFFFFull) | (uint64_t{value} << 32);
      break;
    case x::MSG_DATA::kOffset: e.MessageData = value; break;
    default: e.VectorControl = value & x::VECTOR_CTRL::MASK.mask(); break;
  }
  return write_entry(vm, entry);
}

uint32_t GpupHost::guest_read(unsigned vm, uint32_t offset) const {
  const unsigned entry = offset / x::kEntryBytes;
  if (entry >= entries_) return 0;
  const auto& e = vms_.at(vm).table[entry];
  switch (offset % x::kEntryBytes) {
    case x::MSG_ADDR_LO::kOffset: return static_cast<uint32_t>(e.MessageAddress);
    case x::MSG_ADDR_HI::kOffset: return static_cast<uint32_t>(e.MessageAddress >> 32);
    case x::MSG_DATA::kOffset: return e.MessageData;
    default: return e.VectorControl;
  }
}

NTSTATUS GpupHost::rebind_and_rewrite(unsigned vm, VfBinding to) {
  vms_.at(vm).at = to;
  NTSTATUS first = wddm::STATUS_SUCCESS;
  for (unsigned e = 0; e < entries_; ++e) {
    const NTSTATUS st = write_entry(vm, e);
    if (!wddm::NT_SUCCESS(st) && wddm::NT_SUCCESS(first)) first = st;
  }
  return first;
}

}  // namespace irqlab::dxgkrnl
