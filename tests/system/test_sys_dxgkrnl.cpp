// DxgkCbSynchronizeExecution: STATUS_INVALID_PARAMETER for a message that is not connected
// and for a null routine; otherwise the routine runs at the DIRQL of MessageNumber's
// interrupt under that interrupt's spin lock, and may call DxgkCbNotifyInterrupt (the
// software-engine sample of seed 002) without a violation.
#include <gtest/gtest.h>

#include "dxgkrnl.hpp"
#include "host_cpu.hpp"
#include "kernel.hpp"
#include "no_device.hpp"

namespace irqlab::dxgkrnl {
namespace {

struct NoGpu : GpuSubmission {
  void submit(uint32_t, uint32_t, uint64_t, uint32_t, Outcome) override {}
};

struct Seen {
  NTSTATUS before = 0, after = 0, null_routine = 0, message1 = 0;
  int irql_inside = -1, irql_inside_message1 = -1;
  bool lock_held_inside = false;
};

class Driver : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Driver);
  Driver(sc_core::sc_module_name n, kernel::Kernel& k, Dxgkrnl& dx, Seen& s)
      : sc_core::sc_module(n), k_(k), dx_(dx), s_(s) {
    SC_THREAD(run);
  }

 private:
  static BOOLEAN routine(PVOID ctx) {
    auto* self = static_cast<Driver*>(ctx);
    self->s_.irql_inside = self->k_.current_cpu()->irql();
    self->s_.lock_held_inside = self->io_->lock_owner == 0;
    DXGKARGCB_NOTIFY_INTERRUPT_DATA d{};
    d.InterruptType = DXGK_INTERRUPT_CRTC_VSYNC;
    self->dx_.interface().DxgkCbNotifyInterrupt(self->dx_.interface().DeviceHandle, &d);
    return TRUE;
  }
  static BOOLEAN routine1(PVOID ctx) {
    auto* self = static_cast<Driver*>(ctx);
    self->s_.irql_inside_message1 = self->k_.current_cpu()->irql();
    return TRUE;
  }
  void run() {
    kernel::Kdpc dpc;
    dpc.name = "caller";
    const auto& cb = dx_.interface();
    dpc.routine = [&] {
      BOOLEAN ret = FALSE;
      NTSTATUS& slot = io_ ? s_.after : s_.before;
      slot = cb.DxgkCbSynchronizeExecution(cb.DeviceHandle, &Driver::routine, this, 0, &ret);
      if (!io_) return;
      s_.null_routine = cb.DxgkCbSynchronizeExecution(cb.DeviceHandle, nullptr, nullptr, 0, &ret);
      s_.message1 = cb.DxgkCbSynchronizeExecution(cb.DeviceHandle, &Driver::routine1, this, 1, &ret);
    };
    k_.insert_queue_dpc(dpc);  // from a DPC on CPU 0, before any interrupt is connected
    wait(sc_core::sc_time(1, sc_core::SC_US));
    io_ = &k_.connect_interrupt("gpu", 0x80, 0, [] { return FALSE; });
    dx_.add_adapter_interrupt(io_);
    dx_.add_adapter_interrupt(&k_.connect_interrupt("gpu", 0x98, 1, [] { return FALSE; }));
    k_.insert_queue_dpc(dpc);
    wait(sc_core::sc_time(1, sc_core::SC_US));
    sc_core::sc_stop();
  }
  kernel::Kernel& k_;
  Dxgkrnl& dx_;
  Seen& s_;
  kernel::InterruptObject* io_ = nullptr;
};

TEST(Dxgkrnl, SynchronizeExecutionRunsAtTheMessagesDirql) {
  host::HostCpu c0("c0", 0);
  test::NoDevice n0("n0");
  c0.mmio.bind(n0.socket);
  kernel::Kernel k(kernel::KernelConfig{}, {&c0});
  NoGpu gpu;
  Dxgkrnl dx(k, gpu, 1);
  Seen seen;
  Driver d("driver", k, dx, seen);
  sc_core::sc_start();
  EXPECT_EQ(seen.before, STATUS_INVALID_PARAMETER) << "message 0 is not connected yet";
  EXPECT_EQ(seen.after, STATUS_SUCCESS);
  EXPECT_EQ(seen.null_routine, STATUS_INVALID_PARAMETER);
  EXPECT_EQ(seen.message1, STATUS_SUCCESS);
  EXPECT_EQ(seen.irql_inside, 8) << "the routine runs at message 0's DIRQL (vector 0x80)";
  EXPECT_EQ(seen.irql_inside_message1, 9) << "and at message 1's (vector 0x98) for message 1";
  EXPECT_TRUE(seen.lock_held_inside) << "under the interrupt spin lock";
  for (const auto& v : dx.violations()) ADD_FAILURE() << v.rule << ": " << v.detail;
  EXPECT_EQ(dx.notify_count(), 1u) << "NotifyInterrupt from the routine is accepted";
}

}  // namespace
}  // namespace irqlab::dxgkrnl
