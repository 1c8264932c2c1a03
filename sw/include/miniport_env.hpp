// What a display miniport may use besides the DxgkCb* callbacks: register access to its
// BAR (READ_REGISTER_ULONG / WRITE_REGISTER_ULONG on the current CPU, through the real
// PCIe path) and a way to say how many CPU cycles its own code costs. The driver sees the
// device through nothing else.
#pragma once

#include <cstdint>

namespace irqlab::wddm {

class MiniportEnvironment {
 public:
  virtual ~MiniportEnvironment() = default;
  virtual uint32_t READ_REGISTER_ULONG(uint64_t address) = 0;
  virtual void WRITE_REGISTER_ULONG(uint64_t address, uint32_t value) = 0;
  /// Cost annotation: the code just executed took this many CPU cycles.
  virtual void cost(uint64_t cpu_cycles) = 0;
  virtual uint32_t current_processor() = 0;
};

/// How the GPU's command front end is reached to submit a DMA buffer (the doorbell).
class GpuSubmission {
 public:
  virtual ~GpuSubmission() = default;
  enum class Outcome { kComplete, kPreempt, kFault };
  virtual void submit(uint32_t node, uint32_t fence, uint64_t duration_ps, uint32_t result_bytes,
                      Outcome o) = 0;
};

/// Host memory as dxgkrnl writes it (its DMA buffers and their descriptors): system
/// memory, not the device, so no MMIO.
class SystemMemory {
 public:
  virtual ~SystemMemory() = default;
  virtual void write(uint64_t physical_address, const void* data, uint32_t bytes) = 0;
};

}  // namespace irqlab::wddm
