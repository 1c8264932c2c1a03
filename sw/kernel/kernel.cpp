#include "kernel.hpp"

#include <algorithm>
#include <cmath>

namespace irqlab::kernel {

// ---- Kernel -------------------------------------------------------------------------------

Kernel::Kernel(const KernelConfig& cfg, std::vector<host::HostCpu*> cpus) : cfg_(cfg) {
  for (unsigned i = 0; i < cpus.size(); ++i) {
    cpus_.push_back(std::make_unique<KernelCpu>((cfg_.name + std::to_string(i)).c_str(), i, *cpus[i], *this));
  }
}

Kernel::~Kernel() = default;

sc_core::sc_time Kernel::cycles(uint64_t n) const {
  return sc_core::sc_time::from_value(static_cast<uint64_t>(std::llround(n * 1000.0 / cfg_.cpu_ghz)));
}

InterruptObject& Kernel::connect_interrupt(const std::string& owner, uint8_t vector, uint32_t message_number,
                                           std::function<bool()> isr) {
  auto io = std::make_unique<InterruptObject>();
  io->owner = owner;
  io->vector = vector;
  io->message_number = message_number;
  io->isr = std::move(isr);
  interrupts_.push_back(std::move(io));
  return *interrupts_.back();
}

std::vector<InterruptObject*> Kernel::interrupts_for(uint8_t vector) {
  std::vector<InterruptObject*> chain;
  for (auto& io : interrupts_) {
    if (io->vector == vector) chain.push_back(io.get());
  }
  return chain;
}

KernelCpu* Kernel::current_cpu() const {
  for (const auto& c : cpus_) {
    if (c->is_running()) return c.get();
  }
  return nullptr;
}

bool Kernel::insert_queue_dpc(Kdpc& d) {
  const bool queued = !d.inserted;
  KernelCpu* here = current_cpu();
  for (auto* o : observers_) o->dpc_queued(here ? here->index() : d.target_cpu, d, queued);
  if (!queued) return false;  // already queued: the requests merge into one run
  d.inserted = true;
  cpus_[d.target_cpu % cpus_.size()]->queue_dpc(d);
  return true;
}

// ---- KernelCpu ----------------------------------------------------------------------------

KernelCpu::KernelCpu(sc_core::sc_module_name name, unsigned index, host::HostCpu& hw, Kernel& k)
    : sc_core::sc_module(name), index_(index), hw_(hw), k_(k) {
  hw_.add_interrupt_listener([this](const host::HostCpu::Delivery& d) {
    host::MsiMessage m;
    while (hw_.take(m)) pending_.push_back({m.vector, d.delivered_ps, nullptr});
    wake_.notify(sc_core::SC_ZERO_TIME);
  });
  SC_THREAD(run);
  thread_ = sc_core::sc_get_last_created_process_handle();
}

void KernelCpu::inject(uint8_t vector, std::function<bool()> isr) {
  pending_.push_back({vector, sc_core::sc_time_stamp().value(), std::move(isr)});
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void KernelCpu::queue_dpc(Kdpc& d) {
  dpcs_.push_back(&d);
  wake_.notify(sc_core::SC_ZERO_TIME);
}

// The highest-priority pending vector (oldest first among equals) whose IRQL is above
// the CPU's.
bool KernelCpu::deliverable(size_t& index) const {
  if (pending_.empty()) return false;
  size_t best = 0;
  for (size_t i = 1; i < pending_.size(); ++i) {
    if (pending_[i].vector > pending_[best].vector) best = i;
  }
  if (wddm::irql_of_vector(pending_[best].vector) <= irql_) return false;
  index = best;
  return true;
}

void KernelCpu::service_interrupts() {
  for (size_t i = 0; deliverable(i);) run_isr(i);
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
  while (io.lock_owner >= 0 && io.lock_owner != static_cast<int>(index_)) wait(io.released);  // spin
  io.lock_owner = static_cast<int>(index_);
}

void KernelCpu::release(InterruptObject& io) {
  io.lock_owner = -1;
  io.released.notify(sc_core::SC_ZERO_TIME);
}

void KernelCpu::run_isr(size_t index) {
  const Pending p = pending_[index];
  pending_.erase(pending_.begin() + static_cast<long>(index));
  const uint8_t vector = p.vector;
  const KIRQL saved = irql_;
  irql_ = wddm::irql_of_vector(vector);
  consume(k_.config().interrupt_entry_cycles);
  if (p.isr) {
    p.isr();
  } else {
    // The chain of ISRs on this vector, until one says the interrupt was its device's.
    for (InterruptObject* io : k_.interrupts_for(vector)) {
      acquire(*io);
      isr_stack_.push_back(io);
      for (auto* o : k_.observers()) o->isr_enter(index_, *io, p.delivered_ps);
      const bool claimed = io->isr();
      for (auto* o : k_.observers()) o->isr_exit(index_, *io, claimed);
      isr_stack_.pop_back();
      release(*io);
      if (claimed) break;
    }
  }
  if (k_.eoi_hook()) k_.eoi_hook()(vector);
  consume(k_.config().interrupt_exit_cycles);
  irql_ = saved;
}

void KernelCpu::run_dpcs() {
  const KIRQL saved = irql_;
  irql_ = wddm::DISPATCH_LEVEL;
  while (!dpcs_.empty()) {
    consume(k_.config().dpc_dispatch_cycles);
    if (dpcs_.empty()) break;
    Kdpc* d = dpcs_.front();
    dpcs_.pop_front();
    d->inserted = false;  // may be queued again from now on
    dpc_ = d;
    for (auto* o : k_.observers()) o->dpc_enter(index_, *d);
    d->routine();
    for (auto* o : k_.observers()) o->dpc_exit(index_, *d);
    dpc_ = nullptr;
  }
  irql_ = saved;
}

bool KernelCpu::synchronize(InterruptObject& io, const std::function<bool()>& f) {
  const KIRQL saved = irql_;
  if (io.irql() > irql_) irql_ = io.irql();
  acquire(io);
  const bool r = f();
  release(io);
  irql_ = saved;
  service_interrupts();
  return r;
}

void KernelCpu::run() {
  for (;;) {
    service_interrupts();
    if (irql_ < wddm::DISPATCH_LEVEL && !dpcs_.empty()) {
      run_dpcs();
      continue;
    }
    wait(wake_);
  }
}

}  // namespace irqlab::kernel
