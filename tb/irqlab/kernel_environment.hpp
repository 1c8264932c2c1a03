// MiniportEnvironment on the kernel model: a driver's register access goes out on the CPU
// its code is running on (CPU 0 for PnP-time code and worker threads), its cost annotation
// consumes that CPU's time. Shared by the #4 run, the GPU-P host driver and the guests.
#pragma once

#include <cstdint>
#include <functional>

#include "dxgkrnl.hpp"
#include "irq_ctrl_regs.hpp"
#include "kernel.hpp"
#include "miniport_env.hpp"
#include "source_info.hpp"

namespace irqlab::run {

class KernelEnvironment : public wddm::MiniportEnvironment {
 public:
  explicit KernelEnvironment(kernel::Kernel& k) : k_(k) {}
  /// Report writes to INTR_STATUS at `bar` to dxgkrnl (its verifier's dismiss rule).
  void watch_dismiss(dxgkrnl::Dxgkrnl* dx, uint64_t bar) {
    dx_ = dx;
    bar_ = bar;
  }
  /// Every register access the driver makes: CPU, write, BAR offset, value (read: as seen).
  using AccessObserver = std::function<void(unsigned cpu, bool write, uint64_t offset, uint32_t value)>;
  void set_access_observer(AccessObserver f) { access_ = std::move(f); }
  uint32_t READ_REGISTER_ULONG(uint64_t a) override {
    const uint32_t v = cpu().hw().read32(a);
    // A value with reserved bits set is a failed read's all ones (Completion Timeout), not
    // the device's state: the verifier judges the dismiss against what was really pending.
    const bool failed = has_reserved_source_bits(v);
    if (dx_ && !failed && a == bar_ + regs::irq_ctrl::INTR_PENDING::kOffset)
      dx_->device_pending_seen(cpu().index(), v);
    if (access_) access_(cpu().index(), false, a - bar_, v);
    return v;
  }
  void WRITE_REGISTER_ULONG(uint64_t a, uint32_t v) override {
    note_dismiss(a, v);
    if (access_) access_(cpu().index(), true, a - bar_, v);
    cpu().hw().write32(a, v);
  }
  void cost(uint64_t cycles) override { k_.cost(cycles); }
  uint32_t current_processor() override { return cpu().index(); }

 protected:
  kernel::KernelCpu& cpu() {
    kernel::KernelCpu* c = k_.current_cpu();
    return c ? *c : k_.cpu(0);
  }
  // W1Cs of INTR_STATUS, for the verifier's dismiss check (the controller reports when
  // each one is applied; only non-zero writes are counted on both sides).
  void note_dismiss(uint64_t a, uint32_t v) {
    if (dx_ && v != 0 && a == bar_ + regs::irq_ctrl::INTR_STATUS::kOffset) {
      kernel::KernelCpu* c = k_.current_cpu();
      dx_->dismiss_issued(c ? static_cast<int>(c->index()) : -1, v);
    }
  }

 private:
  kernel::Kernel& k_;
  dxgkrnl::Dxgkrnl* dx_ = nullptr;
  uint64_t bar_ = 0;
  AccessObserver access_;
};

}  // namespace irqlab::run
