#include "enumeration.hpp"

#include "device_function.hpp"
#include "irq_ctrl_regs.hpp"

namespace irqlab::pcie {

namespace cfg = irqlab::regs::irq_ctrl::pcie_cfg;
using L = ConfigLayout;

EnumeratedFunction enumerate(RootComplex& rc, uint64_t window_base, unsigned fid) {
  EnumeratedFunction f;
  f.fid = fid;
  const uint32_t ids = rc.cfg_read(fid, L::kVendorDevice);
  if (ids == 0xFFFFFFFFu) return f;
  f.present = true;
  f.vendor_id = static_cast<uint16_t>(ids);
  f.device_id = static_cast<uint16_t>(ids >> 16);

  rc.cfg_write(fid, L::kBar0, 0xFFFFFFFFu);
  const uint32_t sized = rc.cfg_read(fid, L::kBar0);
  f.bar0_bytes = uint64_t{~(sized & ~0xFu)} + 1;
  f.bar0_base = (window_base + f.bar0_bytes - 1) / f.bar0_bytes * f.bar0_bytes;  // naturally aligned
  rc.cfg_write(fid, L::kBar0, static_cast<uint32_t>(f.bar0_base));
  rc.set_window(fid, f.bar0_base, f.bar0_bytes);

  const uint32_t cmd = rc.cfg_read(fid, L::kCommandStatus) & 0xFFFF;
  rc.cfg_write(fid, L::kCommandStatus,
               cmd | cfg::COMMAND::MEMORY_SPACE.mask() | cfg::COMMAND::BUS_MASTER.mask());

  for (uint32_t ptr = rc.cfg_read(fid, L::kCapPointer) & 0xFC; ptr != 0;) {
    const uint32_t hdr = rc.cfg_read(fid, ptr);
    if ((hdr & 0xFF) == L::kMsixCapId) {
      f.msix_cap = ptr;
      f.msix_table_size = cfg::MSIX_MSG_CTRL::TABLE_SIZE.get(hdr >> 16) + 1;
      const uint32_t table = rc.cfg_read(fid, ptr + cfg::MSIX_TABLE_OFFSET_BIR::kOffset);
      const uint32_t pba = rc.cfg_read(fid, ptr + cfg::MSIX_PBA_OFFSET_BIR::kOffset);
      f.table_bir = cfg::MSIX_TABLE_OFFSET_BIR::BIR.get(table);
      f.table_offset = cfg::MSIX_TABLE_OFFSET_BIR::OFFSET.get(table) << 3;
      f.pba_bir = cfg::MSIX_PBA_OFFSET_BIR::BIR.get(pba);
      f.pba_offset = cfg::MSIX_PBA_OFFSET_BIR::OFFSET.get(pba) << 3;
    }
    if ((hdr & 0xFF) == L::kMsiCapId) f.msi_cap = ptr;
    ptr = (hdr >> 8) & 0xFC;
  }
  return f;
}

void set_msix_control(RootComplex& rc, const EnumeratedFunction& f, bool enable, bool function_mask) {
  uint32_t v = rc.cfg_read(f.fid, f.msix_cap);
  const uint32_t mc_enable = cfg::MSIX_MSG_CTRL::ENABLE.mask() << 16;
  const uint32_t mc_mask = cfg::MSIX_MSG_CTRL::FUNC_MASK.mask() << 16;
  v = (v & ~(mc_enable | mc_mask)) | (enable ? mc_enable : 0) | (function_mask ? mc_mask : 0);
  rc.cfg_write(f.fid, f.msix_cap, v);
}

void enable_msi(RootComplex& rc, const EnumeratedFunction& f, uint64_t address, uint16_t data,
                unsigned log2_messages) {
  rc.cfg_write(f.fid, f.msi_cap + cfg::MSI_ADDR_LO::kOffset, static_cast<uint32_t>(address));
  rc.cfg_write(f.fid, f.msi_cap + cfg::MSI_ADDR_HI::kOffset, static_cast<uint32_t>(address >> 32));
  rc.cfg_write(f.fid, f.msi_cap + cfg::MSI_DATA::kOffset, data);
  const uint32_t hdr = rc.cfg_read(f.fid, f.msi_cap);
  const uint32_t mc = cfg::MSI_MSG_CTRL::ENABLE.put(1) | cfg::MSI_MSG_CTRL::MME.put(log2_messages);
  rc.cfg_write(f.fid, f.msi_cap, (hdr & 0xFFFFu) | (mc << 16));
}

void set_intx_disable(RootComplex& rc, bool disable) {
  uint32_t v = rc.cfg_read(0, L::kCommandStatus) & 0xFFFF;
  v = disable ? (v | cfg::COMMAND::INTX_DISABLE.mask()) : (v & ~cfg::COMMAND::INTX_DISABLE.mask());
  rc.cfg_write(0, L::kCommandStatus, v);
}

}  // namespace irqlab::pcie
