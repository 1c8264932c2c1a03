// The DDI header's values are the WDK's (layouts are static_asserted in the header itself),
// and the display miniport's DDIs answer as their pages require.
#include <gtest/gtest.h>

#include <map>

#include "display_miniport.hpp"

namespace irqlab::kmd {
namespace {

class RecordingEnv : public MiniportEnvironment {
 public:
  uint32_t READ_REGISTER_ULONG(uint64_t a) override { return mem[a]; }
  void WRITE_REGISTER_ULONG(uint64_t a, uint32_t v) override { mem[a] = v; }
  void cost(uint64_t) override {}
  uint32_t current_processor() override { return 0; }
  std::map<uint64_t, uint32_t> mem;
};

TEST(WddmDdi, ValuesAreTheWdks) {
  EXPECT_EQ(DXGKQAITYPE_UMDRIVERPRIVATE, 0u);
  EXPECT_EQ(DXGKQAITYPE_DRIVERCAPS, 1u);
  EXPECT_EQ(static_cast<uint32_t>(STATUS_NOT_IMPLEMENTED), 0xC0000002u);
  EXPECT_EQ(static_cast<uint32_t>(STATUS_INVALID_PARAMETER), 0xC000000Du);
  EXPECT_EQ(DXGK_INTERRUPT_DMA_COMPLETED, 1u);
  EXPECT_EQ(DXGK_INTERRUPT_DMA_PREEMPTED, 2u);
  EXPECT_EQ(DXGK_INTERRUPT_CRTC_VSYNC, 3u);
  EXPECT_EQ(DXGK_INTERRUPT_DMA_FAULTED, 4u);
  EXPECT_EQ(DXGK_INTERRUPT_DMA_PAGE_FAULTED, 9u);
  EXPECT_EQ(DXGK_PAGE_FAULT_ENGINE_RESET_REQUIRED, 0x8u);
  DXGKCB_NOTIFY_INTERRUPT_DATA_FLAGS f{};
  f.ValidPhysicalAdapterMask = 1;
  EXPECT_EQ(f.Value, 1u) << "ValidPhysicalAdapterMask is bit 0 of Value";
}

TEST(WddmDdi, ControlInterruptAndQueryAdapterInfo) {
  RecordingEnv env;
  DisplayMiniport m(env, DriverCosts{});
  EXPECT_EQ(m.DxgkDdiControlInterrupt(&m, DXGK_INTERRUPT_DMA_COMPLETED, TRUE), STATUS_NOT_IMPLEMENTED)
      << "the page requires STATUS_NOT_IMPLEMENTED for a type the driver cannot control";
  EXPECT_EQ(m.DxgkDdiControlInterrupt(&m, DXGK_INTERRUPT_CRTC_VSYNC, TRUE), STATUS_SUCCESS);
  EXPECT_EQ(m.DxgkDdiControlInterrupt(nullptr, DXGK_INTERRUPT_CRTC_VSYNC, TRUE), STATUS_INVALID_PARAMETER);
  DXGK_DRIVERCAPS caps{};
  DXGKARG_QUERYADAPTERINFO q{};
  q.Type = DXGKQAITYPE_DRIVERCAPS;
  q.pOutputData = &caps;
  q.OutputDataSize = sizeof caps;
  caps.InterruptMessageNumber = 7;
  EXPECT_EQ(m.DxgkDdiQueryAdapterInfo(&q), STATUS_SUCCESS);
  EXPECT_EQ(caps.InterruptMessageNumber, DisplayMiniport::kNotifyMessage);
  q.OutputDataSize = sizeof caps - 1;
  EXPECT_EQ(m.DxgkDdiQueryAdapterInfo(&q), STATUS_INVALID_PARAMETER) << "output buffer too small";
  q.OutputDataSize = sizeof caps;
  q.Type = DXGKQAITYPE_UMDRIVERPRIVATE;
  EXPECT_EQ(m.DxgkDdiQueryAdapterInfo(&q), STATUS_INVALID_PARAMETER);
}

}  // namespace
}  // namespace irqlab::kmd
