// What dxgkrnl does to start a display miniport's adapter (IRP_MN_START_DEVICE):
// DxgkDdiAddDevice, DxgkDdiStartDevice with dxgkrnl's callback interface, then
// DxgkDdiQueryAdapterInfo(DXGKQAITYPE_DRIVERCAPS) for the caps its scheduler reads
// (learn.microsoft.com: DxgkDdiQueryAdapterInfo, DXGK_DRIVERCAPS). The host's adapter and
// each GPU-P guest's start the same way.
#pragma once

#include "display_miniport.hpp"
#include "dxgkrnl.hpp"

namespace irqlab::run {

inline void start_display_adapter(kmd::DisplayMiniport& kmd, dxgkrnl::Dxgkrnl& dx, const kmd::StartInfo& si) {
  kmd.DxgkDdiAddDevice();
  wddm::ULONG sources = 0;
  kmd.DxgkDdiStartDevice(si, dx.interface(), &sources);
  wddm::DXGK_DRIVERCAPS caps{};
  wddm::DXGKARG_QUERYADAPTERINFO q{};
  q.Type = wddm::DXGKQAITYPE_DRIVERCAPS;
  q.pOutputData = &caps;
  q.OutputDataSize = sizeof caps;
  kmd.DxgkDdiQueryAdapterInfo(&q);
  dx.set_driver_caps(caps);
}

}  // namespace irqlab::run
