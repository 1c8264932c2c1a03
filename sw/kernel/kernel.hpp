// The Windows kernel as the interrupt path sees it, on the platform's CPUs:
// - IRQL per CPU, kept in the local APIC's TPR (IRQL = vector >> 4, as on x64 Windows);
//   interrupts are taken from the local APIC's IRR by priority (host/local_apic.hpp) and
//   each ISR ends with an EOI, before IRQL is lowered again;
// - ISR dispatch by vector (a chain on a shared vector) under the interrupt spin lock;
// - per-CPU DPC queues with KeInsertQueueDpc, KeSetImportanceDpc and
//   KeSetTargetProcessorDpcEx semantics ("Organization of DPC Queues"), inter-processor
//   interrupts for DPCs that must start at once on another CPU, and per-CPU clock ticks
//   that drain deferred queues;
// - named costs for every OS step, and driver code whose cost is annotated in CPU cycles.
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

/// KDPC_IMPORTANCE (wdm.h values).
enum KDPC_IMPORTANCE {
  LowImportance = 0,
  MediumImportance = 1,
  HighImportance = 2,
  MediumHighImportance = 3
};

/// Costs and policies of the kernel; docs/timing.md gives the source of each default.
struct KernelConfig {
  double cpu_ghz = 3.0;
  uint64_t interrupt_entry_cycles = 600;   ///< APIC acceptance, stack switch, KiInterruptDispatch
  uint64_t interrupt_exit_cycles = 400;    ///< EOI, IRQL restore, iret
  uint64_t dpc_dispatch_cycles = 900;      ///< DISPATCH software interrupt, KiRetireDpcList, per DPC
  uint64_t insert_queue_dpc_cycles = 150;  ///< KeInsertQueueDpc
  uint64_t spinlock_acquire_cycles = 40;   ///< uncontended KeAcquireInterruptSpinLock
  uint64_t spinlock_release_cycles = 20;
  uint64_t ipi_send_cycles = 400;           ///< HalRequestIpi on the sender (ICR write)
  uint64_t ipi_receive_cycles = 300;        ///< the IPI handler on the target (after interrupt entry)
  uint64_t ipi_latency_ps = 1'000'000;      ///< ICR write to the target's IRR
  uint64_t clock_tick_ps = 15'625'000'000;  ///< KeQueryTimeIncrement: 15.625 ms
  unsigned maximum_dpc_queue_depth = 4;     ///< MaximumDpcQueueDepth
  unsigned minimum_dpc_rate = 3;            ///< MinimumDpcRate (requests per clock tick)
  /// A CPU at PASSIVE_LEVEL with no ISR or DPC running is idle: its idle loop drains its
  /// DPC queue, and a DPC queued to it from another CPU wakes it (IPI). False models CPUs
  /// that always run threads, so deferred DPCs wait for the queue depth or the clock tick.
  bool cpus_idle_at_passive = true;
  std::string name = "kcpu";  ///< SystemC name prefix of its CPU threads (one kernel per VM)
  /// A broken kernel for the checks' own tests: every Nth DPC run is repeated once (0: off).
  uint64_t fault_repeat_every_nth_dpc = 0;
};

/// Windows' IPI vector (IRQL 14, IPI_LEVEL).
inline constexpr uint8_t kIpiVector = 0xE1;

/// A KDPC: queued at most once at a time, on its target CPU's queue.
struct Kdpc {
  std::string name;
  std::function<void()> routine;
  int target_cpu = -1;  ///< KeSetTargetProcessorDpcEx; -1: none (the current processor)
  KDPC_IMPORTANCE importance = MediumImportance;
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

/// What the kernel tells observers (event log, verifier, reports).
class KernelObserver {
 public:
  virtual ~KernelObserver() = default;
  /// `requested_ps`: when the vector's IRR bit was set (it may have waited for IRQL).
  virtual void isr_enter(unsigned cpu, const InterruptObject& io, uint64_t requested_ps) {
    (void)cpu, (void)io, (void)requested_ps;
  }
  virtual void isr_exit(unsigned cpu, const InterruptObject& io, bool claimed) {
    (void)cpu, (void)io, (void)claimed;
  }
  virtual void dpc_enter(unsigned cpu, const Kdpc& d) { (void)cpu, (void)d; }
  virtual void dpc_exit(unsigned cpu, const Kdpc& d) { (void)cpu, (void)d; }
  /// `cpu`: where KeInsertQueueDpc was called; `target`: the queue; `ipi`: an IPI was sent.
  virtual void dpc_queued(unsigned cpu, const Kdpc& d, bool queued) { (void)cpu, (void)d, (void)queued; }
  virtual void ipi_sent(unsigned from, unsigned to) { (void)from, (void)to; }
  /// No ISR connected to `vector` claimed this interrupt (a spurious interrupt).
  virtual void interrupt_unclaimed(unsigned cpu, uint8_t vector) { (void)cpu, (void)vector; }
};

/// What a CPU is inside of (innermost last), for the watchdog.
struct Activity {
  enum Kind { kIsr, kDpc } kind;
  std::string what;  ///< "ISR gpu message 0 (vector 0x80)", "DPC dxgk_adapter_dpc"
  uint64_t since_ps;
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
  const std::vector<Activity>& activities() const { return activities_; }
  size_t dpc_queue_depth() const { return dpcs_.size(); }
  /// At PASSIVE_LEVEL with nothing running (the model has no thread load).
  bool idle() const { return irql_ == wddm::PASSIVE_LEVEL && activities_.empty() && !in_dispatch_; }

  /// Annotated cost: `cycles` of CPU time; a higher-IRQL interrupt arriving meanwhile is
  /// serviced first, and the remaining time continues afterwards.
  void consume(uint64_t cycles);
  /// Raise IRQL to `irql` and take the interrupt's spin lock, run `f`, release, restore.
  bool synchronize(InterruptObject& io, const std::function<bool()>& f);

  // Used by Kernel::insert_queue_dpc.
  /// Put `d` in this CPU's queue; true if processing must begin at once ("Organization
  /// of DPC Queues"): `local` when queued from this CPU.
  bool enqueue(Kdpc& d, bool local);
  /// Request the DISPATCH_LEVEL software interrupt: the queue drains when IRQL drops.
  void request_dispatch();
  /// An IPI sent now reaches this CPU's local APIC after the kernel's IPI latency.
  void post_ipi();

 private:
  void run();
  void set_irql(KIRQL irql);
  void service_interrupts();
  void run_isr(uint8_t vector, uint64_t requested_ps);
  void run_dpcs();
  void acquire(InterruptObject& io);
  void release(InterruptObject& io);
  void clock_tick();
  void ipi_arrival();

  unsigned index_;
  host::HostCpu& hw_;
  Kernel& k_;
  KIRQL irql_ = wddm::PASSIVE_LEVEL;
  std::deque<Kdpc*> dpcs_;
  bool dispatch_requested_ = false;
  uint64_t dpc_runs_ = 0;     ///< DPCs run here (for fault_repeat_every_nth_dpc)
  bool in_dispatch_ = false;  ///< between acknowledge and the ISR's end (entry/exit costs included)
  uint64_t requests_this_tick_ = 0;
  uint64_t requests_last_tick_ = 0;
  std::vector<const InterruptObject*> isr_stack_;
  std::vector<Activity> activities_;
  const Kdpc* dpc_ = nullptr;
  std::deque<uint64_t> ipis_due_;  ///< arrival times of IPIs in flight (constant latency: FIFO)
  sc_core::sc_event wake_, ipi_event_;
  sc_core::sc_process_handle thread_;
};

class Kernel {
 public:
  Kernel(const KernelConfig& cfg, std::vector<host::HostCpu*> cpus);
  ~Kernel();
  const KernelConfig& config() const { return cfg_; }
  KernelCpu& cpu(unsigned i) { return *cpus_[i]; }
  const KernelCpu& cpu(unsigned i) const { return *cpus_[i]; }
  unsigned num_cpus() const { return static_cast<unsigned>(cpus_.size()); }
  sc_core::sc_time cycles(uint64_t n) const;

  /// IoConnectInterruptEx: `isr` runs for `vector` (the same vector on every CPU).
  InterruptObject& connect_interrupt(const std::string& owner, uint8_t vector, uint32_t message_number,
                                     std::function<bool()> isr);
  /// Every interrupt object connected to `vector`, in connection order (a shared line has
  /// several: their ISRs are called in turn until one claims the interrupt).
  const std::vector<InterruptObject*>& interrupts_for(uint8_t vector) const;
  /// KeInsertQueueDpc: FALSE (and nothing queued) if the DPC is already queued. With no
  /// target processor the DPC goes to the current processor's queue.
  bool insert_queue_dpc(Kdpc& d);
  /// Consume `cycles` on the calling CPU (or, off the CPUs, wait that long).
  void cost(uint64_t cycles);
  /// KeSynchronizeExecution from code that runs on no modelled CPU (PnP threads): the
  /// interrupt's spin lock is taken (waiting while a CPU holds it) around `f`.
  bool synchronize_off_cpu(InterruptObject& io, const std::function<bool()>& f);

  void add_observer(KernelObserver* o) { observers_.push_back(o); }
  const std::vector<KernelObserver*>& observers() const { return observers_; }
  /// The CPU whose SystemC thread is running now (driver code asks "where am I"), or null
  /// outside CPU threads.
  KernelCpu* current_cpu() const;
  uint64_t ipis() const { return ipis_; }

 private:
  KernelConfig cfg_;
  std::vector<std::unique_ptr<KernelCpu>> cpus_;
  std::vector<std::unique_ptr<InterruptObject>> interrupts_;
  std::vector<std::vector<InterruptObject*>> by_vector_{256};
  std::vector<KernelObserver*> observers_;
  uint64_t ipis_ = 0;
};

}  // namespace irqlab::kernel
