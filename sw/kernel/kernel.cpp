#include "kernel.hpp"

#include <cmath>
#include <cstdio>

namespace irqlab::kernel {

namespace {
uint64_t now_ps() {
  return sc_core::sc_time_stamp().value();
}
std::string isr_name(const InterruptObject& io) {
  char buf[32];
  std::snprintf(buf, sizeof buf, " (vector 0x%02x)", io.vector);
  return "ISR " + io.owner + " message " + std::to_string(io.message_number) + buf;
}
}  // namespace

// ---- Kernel -------------------------------------------------------------------------------

Kernel::Kernel(const KernelConfig& cfg, std::vector<host::HostCpu*> cpus) : cfg_(cfg) {
  for (unsigned i = 0; i < cpus.size(); ++i) {
    cpus_.push_back(std::make_unique<KernelCpu>((cfg_.name + std::to_string(i)).c_str(), i, *cpus[i], *this));
  }
  // The IPI handler: the sender asked this CPU to drain its DPC queue now.
  connect_interrupt("ipi", kIpiVector, 0, [this] {
    KernelCpu* c = current_cpu();
    c->consume(cfg_.ipi_receive_cycles);
    c->request_dispatch();
    return true;
  });
}

Kernel::~Kernel() = default;

sc_core::sc_time Kernel::cycles(uint64_t n) const {
  return sc_core::sc_time::from_value(static_cast<uint64_t>(std::llround(n * 1000.0 / cfg_.cpu_ghz)));
}

void Kernel::cost(uint64_t n) {
  if (KernelCpu* c = current_cpu())
    c->consume(n);
  else
    sc_core::wait(cycles(n));
}

bool Kernel::synchronize_off_cpu(InterruptObject& io, const std::function<bool()>& f) {
  constexpr int kOffCpuOwner = -2;
  cost(cfg_.spinlock_acquire_cycles);
  while (io.lock_owner >= 0) sc_core::wait(io.released);
  io.lock_owner = kOffCpuOwner;
  const bool r = f();
  io.lock_owner = -1;
  io.released.notify(sc_core::SC_ZERO_TIME);
  cost(cfg_.spinlock_release_cycles);
  return r;
}

InterruptObject& Kernel::connect_interrupt(const std::string& owner, uint8_t vector, uint32_t message_number,
                                           std::function<bool()> isr) {
  auto io = std::make_unique<InterruptObject>();
  io->owner = owner;
  io->vector = vector;
  io->message_number = message_number;
  io->isr = std::move(isr);
  by_vector_[vector].push_back(io.get());
  interrupts_.push_back(std::move(io));
  return *interrupts_.back();
}

const std::vector<InterruptObject*>& Kernel::interrupts_for(uint8_t vector) const {
  return by_vector_[vector];
}

KernelCpu* Kernel::current_cpu() const {
  for (const auto& c : cpus_) {
    if (c->is_running()) return c.get();
  }
  return nullptr;
}

// KeInsertQueueDpc ("Organization of DPC Queues", KeSetImportanceDpc,
// KeSetTargetProcessorDpcEx on learn.microsoft.com): the current processor's queue unless
// a target was set; High importance at the head, others at the tail; whether processing
// begins at once is the target queue's decision (KernelCpu::enqueue). On another processor
// that means an IPI.
bool Kernel::insert_queue_dpc(Kdpc& d) {
  KernelCpu* here = current_cpu();
  const unsigned cur = here ? here->index() : 0;
  cost(cfg_.insert_queue_dpc_cycles);
  const bool queued = !d.inserted;
  for (auto* o : observers_) o->dpc_queued(cur, d, queued);
  if (!queued) return false;  // already queued: the requests merge into one run
  d.inserted = true;
  const unsigned target = d.target_cpu >= 0 ? static_cast<unsigned>(d.target_cpu) % num_cpus() : cur;
  KernelCpu& t = *cpus_[target];
  // Code off the CPUs (PnP and worker threads) counts as running on the target's processor.
  const bool local = !here || here == &t;
  if (!t.enqueue(d, local)) return true;
  if (local) {
    t.request_dispatch();
  } else {
    ++ipis_;
    for (auto* o : observers_) o->ipi_sent(cur, target);
    here->consume(cfg_.ipi_send_cycles);
    t.post_ipi();
  }
  return true;
}

// ---- KernelCpu ----------------------------------------------------------------------------

KernelCpu::KernelCpu(sc_core::sc_module_name name, unsigned index, host::HostCpu& hw, Kernel& k)
    : sc_core::sc_module(name), index_(index), hw_(hw), k_(k) {
  hw_.add_interrupt_listener([this](const host::HostCpu::Delivery&) { wake_.notify(sc_core::SC_ZERO_TIME); });
  hw_.set_tpr(0);
  SC_THREAD(run);
  thread_ = sc_core::sc_get_last_created_process_handle();
  SC_METHOD(clock_tick);
  SC_METHOD(ipi_arrival);
  sensitive << ipi_event_;
  dont_initialize();
}

void KernelCpu::set_irql(KIRQL irql) {
  irql_ = irql;
  hw_.set_tpr(static_cast<uint8_t>(irql << 4));
}

bool KernelCpu::enqueue(Kdpc& d, bool local) {
  if (d.importance == HighImportance)
    dpcs_.push_front(&d);
  else
    dpcs_.push_back(&d);
  ++requests_this_tick_;
  const auto& c = k_.config();
  const bool deep = dpcs_.size() > c.maximum_dpc_queue_depth;
  if (local) {
    return d.importance != LowImportance || deep || requests_last_tick_ < c.minimum_dpc_rate;
  }
  // Another processor is interrupted for MediumHigh and High, for a deep queue, and (the
  // idle rule, Russinovich, "Inside NT's Deferred Procedure Calls", Table 1) when idle.
  return d.importance == MediumHighImportance || d.importance == HighImportance || deep ||
         (c.cpus_idle_at_passive && idle());
}

void KernelCpu::request_dispatch() {
  dispatch_requested_ = true;
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void KernelCpu::post_ipi() {
  ipis_due_.push_back(now_ps() + k_.config().ipi_latency_ps);
  if (ipis_due_.size() == 1) ipi_event_.notify(sc_core::sc_time::from_value(k_.config().ipi_latency_ps));
}

void KernelCpu::ipi_arrival() {
  const uint64_t now = now_ps();
  while (!ipis_due_.empty() && ipis_due_.front() <= now) {
    ipis_due_.pop_front();
    host::MsiMessage m;
    m.dest_apic_id = static_cast<uint8_t>(index_);
    m.vector = kIpiVector;
    hw_.deliver(m, now);
  }
  if (!ipis_due_.empty()) ipi_event_.notify(sc_core::sc_time::from_value(ipis_due_.front() - now));
}

// The clock interrupt's part in DPC processing: a deferred queue is drained at the next
// tick at the latest, and the request rate is measured per tick.
void KernelCpu::clock_tick() {
  next_trigger(sc_core::sc_time::from_value(k_.config().clock_tick_ps));
  if (now_ps() == 0) return;
  requests_last_tick_ = requests_this_tick_;
  requests_this_tick_ = 0;
  if (!dpcs_.empty()) request_dispatch();
}

void KernelCpu::service_interrupts() {
  uint8_t vector = 0;
  uint64_t requested = 0;
  while (hw_.acknowledge(vector, requested)) run_isr(vector, requested);
}

void KernelCpu::consume(uint64_t cycles) {
  sc_core::sc_time left = k_.cycles(cycles);
  while (left > sc_core::SC_ZERO_TIME) {
    const sc_core::sc_time start = sc_core::sc_time_stamp();
    wait(left, wake_);
    left -= sc_core::sc_time_stamp() - start;
    service_interrupts();
  }
}

void KernelCpu::acquire(InterruptObject& io) {
  consume(k_.config().spinlock_acquire_cycles);
  while (io.lock_owner != -1 && io.lock_owner != static_cast<int>(index_)) wait(io.released);  // spin
  io.lock_owner = static_cast<int>(index_);
}

void KernelCpu::release(InterruptObject& io) {
  io.lock_owner = -1;
  io.released.notify(sc_core::SC_ZERO_TIME);
  consume(k_.config().spinlock_release_cycles);
}

// KiInterruptDispatch: raise to the vector's IRQL, call the ISRs of the vector until one
// claims the interrupt, EOI, then lower IRQL (a request for the same vector that arrived
// meanwhile is dispatched only then).
void KernelCpu::run_isr(uint8_t vector, uint64_t requested_ps) {
  const KIRQL saved = irql_;
  const bool was_dispatching = in_dispatch_;
  in_dispatch_ = true;
  set_irql(wddm::irql_of_vector(vector));
  consume(k_.config().interrupt_entry_cycles);
  bool claimed_by_any = false;
  for (InterruptObject* io : k_.interrupts_for(vector)) {
    acquire(*io);
    isr_stack_.push_back(io);
    activities_.push_back({Activity::kIsr, isr_name(*io), now_ps()});
    for (auto* o : k_.observers()) o->isr_enter(index_, *io, requested_ps);
    const bool claimed = io->isr();
    for (auto* o : k_.observers()) o->isr_exit(index_, *io, claimed);
    activities_.pop_back();
    isr_stack_.pop_back();
    release(*io);
    claimed_by_any = claimed;
    if (claimed) break;
  }
  if (!claimed_by_any)
    for (auto* o : k_.observers()) o->interrupt_unclaimed(index_, vector);
  hw_.end_of_interrupt();
  consume(k_.config().interrupt_exit_cycles);
  set_irql(saved);
  in_dispatch_ = was_dispatching;
}

void KernelCpu::run_dpcs() {
  const KIRQL saved = irql_;
  set_irql(wddm::DISPATCH_LEVEL);
  dispatch_requested_ = false;
  while (!dpcs_.empty()) {
    consume(k_.config().dpc_dispatch_cycles);
    if (dpcs_.empty()) break;
    Kdpc* d = dpcs_.front();
    dpcs_.pop_front();
    d->inserted = false;  // may be queued again from now on
    dpc_ = d;
    activities_.push_back({Activity::kDpc, "DPC " + d->name, now_ps()});
    const uint64_t nth = k_.config().fault_repeat_every_nth_dpc;
    const int runs = nth && ++dpc_runs_ % nth == 0 ? 2 : 1;
    for (int i = 0; i < runs; ++i) {
      for (auto* o : k_.observers()) o->dpc_enter(index_, *d);
      d->routine();
      for (auto* o : k_.observers()) o->dpc_exit(index_, *d);
    }
    activities_.pop_back();
    dpc_ = nullptr;
  }
  set_irql(saved);
}

bool KernelCpu::synchronize(InterruptObject& io, const std::function<bool()>& f) {
  const KIRQL saved = irql_;
  if (io.irql() > irql_) set_irql(io.irql());
  acquire(io);
  const bool r = f();
  release(io);
  set_irql(saved);
  service_interrupts();
  return r;
}

void KernelCpu::run() {
  for (;;) {
    service_interrupts();
    // The idle loop drains whatever is queued, requested or not.
    if (k_.config().cpus_idle_at_passive && !dpcs_.empty()) dispatch_requested_ = true;
    if (irql_ < wddm::DISPATCH_LEVEL && dispatch_requested_) {
      if (dpcs_.empty())
        dispatch_requested_ = false;
      else
        run_dpcs();
      continue;
    }
    wait(wake_);
  }
}

}  // namespace irqlab::kernel
