// The Windows kernel as the interrupt path sees it, on the platform's CPUs: IRQL per CPU,
// interrupt acceptance by IRQL (vector priority class), ISR dispatch by vector with entry
// and exit costs, per-CPU DPC queues with KeInsertQueueDpc semantics, interrupt spin locks
// behind KeSynchronizeExecution, and driver code whose cost is annotated in CPU cycles.
//
// Time passes only in consume() (annotated cost, interruptible by a higher-IRQL
// interrupt) and in MMIO (HostCpu: a read stalls for the modelled round trip).
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host_cpu.hpp"
#include "wddm_ddi.hpp"

namespace irqlab::kernel {

using wddm::KIRQL;

struct KernelConfig {
  double cpu_ghz = 3.0;
  uint64_t interrupt_entry_cycles = 600;  ///< APIC acceptance, stack switch, KiInterruptDispatch
  uint64_t interrupt_exit_cycles = 400;   ///< EOI, IRQL restore, iret
  uint64_t dpc_dispatch_cycles = 900;     ///< DISPATCH software interrupt, KiRetireDpcList
  std::string name = "kcpu";              ///< SystemC name prefix of its CPU threads (one kernel per VM)
};

/// A KDPC: queued at most once at a time, on its target CPU.
struct Kdpc {
  std::string name;
  std::function<void()> routine;
  unsigned target_cpu = 0;
  bool inserted = false;
};

/// A connected interrupt (KINTERRUPT): vector, ISR, spin lock, synchronize IRQL.
struct InterruptObject {
  std::string owner;
  uint8_t vector = 0;
  uint32_t message_number = 0;
  std::function<bool()> isr;  ///< returns TRUE if the device interrupted
  int lock_owner = -1;        ///< CPU holding the interrupt spin lock
  sc_core::sc_event released;
  KIRQL irql() const { return wddm::irql_of_vector(vector); }
};

/// What the kernel tells observers (event log, verifier).
class KernelObserver {
 public:
  virtual ~KernelObserver() = default;
  /// `delivered_ps`: when the interrupt reached this CPU (it may have waited for IRQL).
  virtual void isr_enter(unsigned cpu, const InterruptObject& io, uint64_t delivered_ps) {
    (void)cpu, (void)io, (void)delivered_ps;
  }
  virtual void isr_exit(unsigned cpu, const InterruptObject& io, bool claimed) {
    (void)cpu, (void)io, (void)claimed;
  }
  virtual void dpc_enter(unsigned cpu, const Kdpc& d) { (void)cpu, (void)d; }
  virtual void dpc_exit(unsigned cpu, const Kdpc& d) { (void)cpu, (void)d; }
  virtual void dpc_queued(unsigned cpu, const Kdpc& d, bool queued) { (void)cpu, (void)d, (void)queued; }
};

class Kernel;

class KernelCpu : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(KernelCpu);
  KernelCpu(sc_core::sc_module_name name, unsigned index, host::HostCpu& hw, Kernel& k);

  unsigned index() const { return index_; }
  KIRQL irql() const { return irql_; }
  host::HostCpu& hw() { return hw_; }
  /// The interrupt whose ISR is running on this CPU (innermost), or null.
  const InterruptObject* current_isr() const { return isr_stack_.empty() ? nullptr : isr_stack_.back(); }
  const Kdpc* current_dpc() const { return dpc_; }
  /// True when called from this CPU's thread.
  bool is_running() const { return sc_core::sc_get_current_process_handle() == thread_; }

  /// Annotated cost: `cycles` of CPU time; a higher-IRQL interrupt arriving meanwhile is
  /// serviced first, and the remaining time continues afterwards.
  void consume(uint64_t cycles);
  /// An interrupt from a device that is not on PCIe here (background load): `isr` runs
  /// at the vector's IRQL when the CPU accepts it.
  void inject(uint8_t vector, std::function<bool()> isr);
  /// Queue a DPC on this CPU (called by Kernel::insert_queue_dpc).
  void queue_dpc(Kdpc& d);
  /// Raise IRQL to `irql` and take the interrupt's spin lock, run `f`, release, restore.
  bool synchronize(InterruptObject& io, const std::function<bool()>& f);

 private:
  void run();
  bool deliverable(size_t& index) const;
  void service_interrupts();
  void run_isr(size_t index);
  void run_dpcs();
  void acquire(InterruptObject& io);
  void release(InterruptObject& io);

  unsigned index_;
  host::HostCpu& hw_;
  Kernel& k_;
  KIRQL irql_ = wddm::PASSIVE_LEVEL;
  struct Pending {
    uint8_t vector;
    uint64_t delivered_ps;
    std::function<bool()> isr;  ///< set for injected (non-PCIe) interrupts
  };
  std::vector<Pending> pending_;  ///< accepted by the LAPIC, waiting for IRQL to allow
  std::deque<Kdpc*> dpcs_;
  std::vector<const InterruptObject*> isr_stack_;
  const Kdpc* dpc_ = nullptr;
  sc_core::sc_event wake_;
  sc_core::sc_process_handle thread_;
};

class Kernel {
 public:
  Kernel(const KernelConfig& cfg, std::vector<host::HostCpu*> cpus);
  ~Kernel();
  const KernelConfig& config() const { return cfg_; }
  KernelCpu& cpu(unsigned i) { return *cpus_[i]; }
  unsigned num_cpus() const { return static_cast<unsigned>(cpus_.size()); }
  sc_core::sc_time cycles(uint64_t n) const;

  /// IoConnectInterruptEx: `isr` runs for `vector` (the same vector on every CPU).
  InterruptObject& connect_interrupt(const std::string& owner, uint8_t vector, uint32_t message_number,
                                     std::function<bool()> isr);
  /// Every interrupt object connected to `vector`, in connection order (a shared line has
  /// several: their ISRs are called in turn until one claims the interrupt).
  std::vector<InterruptObject*> interrupts_for(uint8_t vector);
  /// Called after the ISRs of an interrupt ran (EOI), e.g. to re-arm a level-triggered line.
  void set_eoi_hook(std::function<void(uint8_t vector)> f) { eoi_hook_ = std::move(f); }
  const std::function<void(uint8_t)>& eoi_hook() const { return eoi_hook_; }
  /// KeInsertQueueDpc: FALSE (and nothing queued) if the DPC is already queued.
  bool insert_queue_dpc(Kdpc& d);

  void add_observer(KernelObserver* o) { observers_.push_back(o); }
  const std::vector<KernelObserver*>& observers() const { return observers_; }
  /// The CPU whose SystemC thread is running now (driver code asks "where am I"), or null
  /// outside CPU threads.
  KernelCpu* current_cpu() const;

 private:
  KernelConfig cfg_;
  std::vector<std::unique_ptr<KernelCpu>> cpus_;
  std::vector<std::unique_ptr<InterruptObject>> interrupts_;
  std::vector<KernelObserver*> observers_;
  std::function<void(uint8_t)> eoi_hook_;
};

}  // namespace irqlab::kernel
