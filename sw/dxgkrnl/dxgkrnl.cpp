#include "dxgkrnl.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "irq_ctrl_regs.hpp"

namespace irqlab::dxgkrnl {

namespace {
uint64_t now_ps() {
  return sc_core::sc_time_stamp().value();
}
Dxgkrnl* self(HANDLE h) {
  return static_cast<Dxgkrnl*>(h);
}
}  // namespace

Dxgkrnl::Dxgkrnl(kernel::Kernel& k, GpuSubmission& gpu, unsigned num_nodes, uint32_t first_fence)
    : k_(k),
      gpu_(gpu),
      num_nodes_(num_nodes),
      next_fence_(num_nodes, first_fence),
      outstanding_(num_nodes),
      last_completed_(num_nodes, uint64_t{first_fence} - 1),
      inflight_(num_nodes),
      idle_since_(num_nodes, -1),
      waiting_for_slot_(num_nodes, false),
      dpc_wait_(num_nodes),
      recovering_(num_nodes, false),
      submitting_(num_nodes, false),
      preempt_pending_(num_nodes, 0),
      preempt_sent_ps_(num_nodes, 0),
      preempting_(num_nodes, false),
      preempted_(num_nodes),
      work_(num_nodes) {
  for (unsigned n = 0; n < num_nodes; ++n) node_progress_.push_back(std::make_unique<sc_core::sc_event>());
  iface_.DeviceHandle = this;
  iface_.DxgkCbNotifyInterrupt = &Dxgkrnl::cb_notify_interrupt;
  iface_.DxgkCbNotifyDpc = &Dxgkrnl::cb_notify_dpc;
  iface_.DxgkCbQueueDpc = &Dxgkrnl::cb_queue_dpc;
  iface_.DxgkCbSynchronizeExecution = &Dxgkrnl::cb_synchronize;
  iface_.DxgkCbReadDeviceSpace = &Dxgkrnl::cb_read_device_space;
  k_.add_observer(this);
}

void Dxgkrnl::set_dpc(std::function<void()> routine, const DpcPolicy& policy) {
  dpc_routine_ = std::move(routine);
  dpc_policy_ = policy;
}

// KeInitializeDpc + KeSetTargetProcessorDpcEx + KeSetImportanceDpc, once per object.
kernel::Kdpc& Dxgkrnl::dpc_object(uint32_t message, unsigned cpu) {
  const bool split = dpc_policy_.per_message_per_cpu;
  auto& d = dpcs_[split ? std::make_pair(message, cpu) : std::make_pair(0u, 0u)];
  if (!d) {
    d = std::make_unique<kernel::Kdpc>();
    d->name = "dxgk_adapter_dpc";
    d->routine = dpc_routine_;
    d->target_cpu = dpc_policy_.target_cpu >= 0 ? dpc_policy_.target_cpu : split ? static_cast<int>(cpu) : -1;
    d->importance = dpc_policy_.importance;
  }
  return *d;
}

bool Dxgkrnl::is_adapter_dpc(const kernel::Kdpc& d) const {
  for (const auto& [key, obj] : dpcs_) {
    if (obj.get() == &d) return true;
  }
  return false;
}

void Dxgkrnl::violate(const std::string& rule, const std::string& detail) {
  kernel::KernelCpu* c = k_.current_cpu();
  violations_.push_back({now_ps(), c ? static_cast<int>(c->index()) : -1, rule, detail});
}

Dxgkrnl::Activation* Dxgkrnl::current_activation() {
  kernel::KernelCpu* c = k_.current_cpu();
  auto it = active_.find(c ? c->index() : kOffCpu);
  if (it == active_.end() || it->second.empty()) return nullptr;
  return &it->second.back();
}

// ---- kernel events ------------------------------------------------------------------------

void Dxgkrnl::isr_enter(unsigned cpu, const kernel::InterruptObject& io, uint64_t) {
  if (!adapter_ios_.count(&io)) return;
  Activation a;
  a.seq = ++isr_seq_;
  a.io = &io;
  a.enter_ps = now_ps();
  active_[cpu].push_back(std::move(a));
}

void Dxgkrnl::isr_exit(unsigned cpu, const kernel::InterruptObject& io, bool claimed) {
  if (!adapter_ios_.count(&io)) return;
  Activation a = active_[cpu].back();
  active_[cpu].pop_back();
  if (a.notified && !a.queued)
    violate("notify-without-queue-dpc",
            "the ISR returned without DxgkCbQueueDpc after DxgkCbNotifyInterrupt");
  // Dismissed before returning TRUE, as the device sees it: every INTR_PENDING bit the ISR
  // found must have been cleared by a W1C that the device applied before the return (a
  // posted write still on the link does not count: the driver must flush it).
  if (claimed && a.seen) {
    uint32_t applied = 0;
    for (const auto& [bits, t] : a.w1c_applied) applied |= t <= now_ps() ? bits : 0;
    if (const uint32_t left = a.seen & ~applied) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%x", left);
      violate("isr-true-without-dismiss",
              std::string("the ISR returned TRUE with INTR_STATUS bits ") + hex +
                  ((a.w1c_issued & left) == left ? " still set in the device: its W1C was still in flight "
                                                   "(flush posted writes with a read-back)"
                                                 : " never cleared (no W1C)"));
    }
  }
  if (now_ps() - a.enter_ps > 25'000'000) ++isr_long_;
}

void Dxgkrnl::dpc_enter(unsigned cpu, const kernel::Kdpc& d) {
  if (!is_adapter_dpc(d)) return;
  dpc_running_[cpu] = {false, now_ps()};
  ++dpc_runs_;
}

void Dxgkrnl::dpc_exit(unsigned cpu, const kernel::Kdpc& d) {
  if (!is_adapter_dpc(d)) return;
  const DpcRun run = dpc_running_[cpu];
  dpc_running_.erase(cpu);
  if (!run.notify_dpc_called) violate("dpc-missing-notify-dpc", "the DPC returned without DxgkCbNotifyDpc");
  if (now_ps() - run.enter_ps > 100'000'000) ++dpc_long_;
}

void Dxgkrnl::device_pending_seen(unsigned cpu, uint32_t bits) {
  auto it = active_.find(cpu);
  if (it != active_.end() && !it->second.empty()) it->second.back().seen |= bits;
}

void Dxgkrnl::dismiss_issued(int cpu, uint32_t bits) {
  uint64_t seq = 0;
  auto it = active_.find(cpu >= 0 ? static_cast<unsigned>(cpu) : kOffCpu);
  if (it != active_.end() && !it->second.empty()) {
    it->second.back().w1c_issued |= bits;
    seq = it->second.back().seq;
  }
  dismisses_in_flight_.push_back({cpu, seq, bits});
}

void Dxgkrnl::dismiss_applied(uint64_t t_ps) {
  if (dismisses_in_flight_.empty()) return;
  const Dismiss d = dismisses_in_flight_.front();
  dismisses_in_flight_.pop_front();
  auto it = active_.find(d.cpu >= 0 ? static_cast<unsigned>(d.cpu) : kOffCpu);
  if (!d.activation || it == active_.end()) return;
  for (auto& a : it->second) {
    if (a.seq == d.activation) a.w1c_applied.emplace_back(d.bits, t_ps);
  }
}

// While StopDevice disables the adapter's interrupts, a level interrupt the I/O APIC latched
// just before can reach an ISR that finds nothing: that race is the OS's to absorb (the
// line is low at the EOI), not a dismiss bug, so it is counted apart.
void Dxgkrnl::interrupt_unclaimed(unsigned, uint8_t vector) {
  for (const auto* io : adapter_ios_)
    (stopping_ ? unclaimed_during_stop_ : spurious_) += io->vector == vector;
}

// ---- callbacks ----------------------------------------------------------------------------

void Dxgkrnl::cb_notify_interrupt(HANDLE h, const DXGKARGCB_NOTIFY_INTERRUPT_DATA* d) {
  self(h)->notify_interrupt(*d);
}
void Dxgkrnl::cb_notify_dpc(HANDLE h) {
  self(h)->notify_dpc();
}
BOOLEAN Dxgkrnl::cb_queue_dpc(HANDLE h) {
  return self(h)->queue_dpc();
}
NTSTATUS Dxgkrnl::cb_synchronize(HANDLE h, PKSYNCHRONIZE_ROUTINE r, PVOID ctx, ULONG msg, BOOLEAN* ret) {
  return self(h)->synchronize(r, ctx, msg, ret);
}

// Config space, a dword at a time; PASSIVE_LEVEL only (never from the ISR).
NTSTATUS Dxgkrnl::cb_read_device_space(HANDLE h, ULONG type, PVOID buf, ULONG off, ULONG len, ULONG* read) {
  Dxgkrnl* self_ = self(h);
  if (self_->current_activation()) {
    self_->violate("isr-forbidden-callback", "DxgkCbReadDeviceSpace called from the ISR");
    return STATUS_UNSUCCESSFUL;
  }
  if (type != DXGK_WHICHSPACE_CONFIG || !buf || off % 4 || len % 4 || !self_->config_reader_) {
    return STATUS_INVALID_PARAMETER;
  }
  auto* out = static_cast<uint32_t*>(buf);
  for (ULONG i = 0; i < len / 4; ++i) out[i] = self_->config_reader_(off + 4 * i);
  if (read) *read = len;
  return STATUS_SUCCESS;
}

void Dxgkrnl::notify_interrupt(const DXGKARGCB_NOTIFY_INTERRUPT_DATA& d) {
  k_.cost(costs_.notify_interrupt);
  Activation* a = current_activation();
  kernel::KernelCpu* cpu = k_.current_cpu();
  if (!a) {
    violate("notify-outside-isr", "DxgkCbNotifyInterrupt outside the adapter's ISR");
    return;
  }
  if (a->io->message_number != caps_.InterruptMessageNumber) {
    violate("notify-wrong-message",
            "DxgkCbNotifyInterrupt from message " + std::to_string(a->io->message_number) +
                ", DRIVERCAPS.InterruptMessageNumber is " + std::to_string(caps_.InterruptMessageNumber));
  }
  for (const auto& [c, stack] : active_) {
    for (const auto& other : stack) {
      if (&other != a && other.notified) {
        violate("notify-reentrant", "DxgkCbNotifyInterrupt while ISR activation " +
                                        std::to_string(other.seq) + " on CPU " + std::to_string(c) +
                                        " is inside its notifications");
      }
    }
  }
  const bool crtc = is_crtc_type(d.InterruptType);
  if (!crtc && a->crtc_seen)
    violate("crtc-before-dma", "a DMA-type interrupt was reported after a CRTC-type one");
  a->crtc_seen |= crtc;
  a->notified = true;
  a->queued = false;  // a QueueDpc must follow this notification

  NotifyRecord r{now_ps(), cpu ? cpu->index() : 0, a->seq, d.InterruptType, 0, 0};
  switch (d.InterruptType) {
    case DXGK_INTERRUPT_DMA_COMPLETED:
      r.index = d.DmaCompleted.NodeOrdinal;
      r.fence = d.DmaCompleted.SubmissionFenceId;
      break;
    case DXGK_INTERRUPT_DMA_PREEMPTED:
      r.index = d.DmaPreempted.NodeOrdinal;
      r.fence = d.DmaPreempted.PreemptionFenceId;
      break;
    case DXGK_INTERRUPT_DMA_FAULTED:
      r.index = d.DmaFaulted.NodeOrdinal;
      r.fence = d.DmaFaulted.FaultedFenceId;
      break;
    case DXGK_INTERRUPT_DMA_PAGE_FAULTED:
      r.index = d.DmaPageFaulted.NodeOrdinal;
      r.fence = d.DmaPageFaulted.FaultedFenceId;
      break;
    case DXGK_INTERRUPT_CRTC_VSYNC: r.index = d.CrtcVsync.VidPnTargetId; break;
    default: break;
  }
  if (d.InterruptType == DXGK_INTERRUPT_DMA_FAULTED)
    violate("dma-faulted-reserved",
            "DXGK_INTERRUPT_DMA_FAULTED is reserved for system use (DXGK_INTERRUPT_TYPE); report a GPU page "
            "fault with DXGK_INTERRUPT_DMA_PAGE_FAULTED");
  if (d.InterruptType == DXGK_INTERRUPT_DMA_PREEMPTED) {
    preemption_reported(r.index, d.DmaPreempted.PreemptionFenceId, d.DmaPreempted.LastCompletedFenceId);
  } else if (d.InterruptType == DXGK_INTERRUPT_DMA_COMPLETED ||
             d.InterruptType == DXGK_INTERRUPT_DMA_FAULTED ||
             d.InterruptType == DXGK_INTERRUPT_DMA_PAGE_FAULTED) {
    fence_reported(d.InterruptType, r.index, r.fence);
    if (d.InterruptType == DXGK_INTERRUPT_DMA_PAGE_FAULTED && !recorded_.empty() &&
        recorded_.back().type == DXGK_INTERRUPT_DMA_PAGE_FAULTED) {
      ++fault_stats_.page_faults;
      recorded_.back().reset_required =
          (d.DmaPageFaulted.PageFaultFlags & DXGK_PAGE_FAULT_ENGINE_RESET_REQUIRED) != 0;
    }
  }
  ++notify_count_;
  if (on_callback_) on_callback_("notify_interrupt", static_cast<int>(r.cpu), r.t_ps, &r, false);
}

// WDDM fence semantics: a completed fence completes every earlier one of its node; a
// preempted buffer is reported by its own fence; a page fault with a valid fence completes
// every earlier one and ends the faulted buffer (DXGK_PAGE_FAULT_FLAGS page).
void Dxgkrnl::fence_reported(DXGK_INTERRUPT_TYPE type, unsigned node, uint32_t fence) {
  if (node >= num_nodes_) {
    violate("fence-never-submitted", "node " + std::to_string(node) + " does not exist");
    return;
  }
  auto& out = outstanding_[node];
  const std::string what = "node " + std::to_string(node) + " fence " + std::to_string(fence);
  const uint64_t f = extend_fence(fence, last_submitted(node));
  if (f >= next_fence_[node]) {
    violate("fence-never-submitted", what + " was never submitted");
    return;
  }
  if (!out.count(f)) {
    violate("fence-twice-or-out-of-order", what + " was already reported (or an earlier report covered it)");
    return;
  }
  if (type == DXGK_INTERRUPT_DMA_COMPLETED || type == DXGK_INTERRUPT_DMA_PAGE_FAULTED) {
    out.erase(out.begin(), out.upper_bound(f));
    if (type == DXGK_INTERRUPT_DMA_COMPLETED) last_completed_[node] = f;
  } else {
    out.erase(f);
  }
  // At DIRQL dxgkrnl only records the event (seed 002: some of the processing can only be
  // done at DPC time); the buffer is retired and its slot freed by DxgkCbNotifyDpc.
  recorded_.push_back({type, node, f, false, now_ps()});
  if (out.empty() && waiting_for_slot_[node] && idle_since_[node] < 0)
    idle_since_[node] = static_cast<int64_t>(now_ps());
}

// DPC time: retire what the ISRs recorded; each freed slot lets the node's scheduler
// submit its next buffer now.
void Dxgkrnl::retire_recorded() {
  for (const Recorded& e : recorded_) {
    auto& in = inflight_[e.node];
    auto& work = work_[e.node];
    if (e.type == DXGK_INTERRUPT_DMA_PREEMPTED) {
      // Buffers up to LastCompletedFenceId are done; the rest were preempted: resubmit them
      // in order (a worker: DxgkDdiSubmitCommand rings the doorbell over the link).
      in.erase(in.begin(), in.upper_bound(e.fence));
      work.erase(work.begin(), work.upper_bound(e.fence));
      std::vector<uint64_t> again(in.begin(), in.end());
      sc_core::sc_spawn([this, n = e.node, again] { resubmit(n, again); },
                        ("dxgk_resubmit" + std::to_string(e.node)).c_str());
    } else if (e.type == DXGK_INTERRUPT_DMA_COMPLETED || e.type == DXGK_INTERRUPT_DMA_PAGE_FAULTED) {
      in.erase(in.begin(), in.upper_bound(e.fence));
      work.erase(work.begin(), work.upper_bound(e.fence));
    } else {
      in.erase(e.fence);
      work.erase(e.fence);
    }
    if (e.reset_required && reset_ddi_ && !recovering_[e.node]) {
      // DxgkDdiResetEngine runs at PASSIVE_LEVEL: a worker, not this DPC.
      recovering_[e.node] = true;
      sc_core::sc_spawn([this, n = e.node, f = e.fence, t = e.reported_ps] { recover(n, f, t); },
                        ("dxgk_recover" + std::to_string(e.node)).c_str());
    }
    node_progress_[e.node]->notify(sc_core::SC_ZERO_TIME);
  }
  recorded_.clear();
}

// Engine recovery after a page fault that halted the engine: reset it through the
// miniport, then drop what was queued behind the faulted buffer (its context is in error:
// those buffers are completed by the OS, not reported by the driver).
void Dxgkrnl::recover(unsigned node, uint64_t faulted, uint64_t reported_ps) {
  // The scheduler does not reset a node in the middle of a DxgkDdiSubmitCommand to it: a
  // doorbell half written when RESET lands would start a buffer dxgkrnl is about to drop.
  while (submitting_[node]) sc_core::wait(*node_progress_[node]);
  DXGKARG_RESETENGINE args{node, 0, 0};
  if (!NT_SUCCESS(reset_ddi_(args)))
    violate("engine-reset-failed", "DxgkDdiResetEngine failed on node " + std::to_string(node));
  ++fault_stats_.resets;
  for (auto it = inflight_[node].upper_bound(faulted); it != inflight_[node].end();) {
    outstanding_[node].erase(*it);
    preempted_[node].erase(*it);  // dropped, not to be resubmitted
    work_[node].erase(*it);
    it = inflight_[node].erase(it);
    ++fault_stats_.dropped_buffers;
  }
  const uint64_t took = now_ps() - reported_ps;
  fault_stats_.recovery_total_ps += took;
  fault_stats_.recovery_max_ps = std::max(fault_stats_.recovery_max_ps, took);
  recovering_[node] = false;
  node_progress_[node]->notify(sc_core::SC_ZERO_TIME);
}

void Dxgkrnl::set_submit_ddi(std::function<NTSTATUS(const DXGKARG_SUBMITCOMMAND&)> submit,
                             SystemMemory& memory, uint64_t descriptors) {
  submit_ddi_ = std::move(submit);
  memory_ = &memory;
  descriptors_ = descriptors;
}

// The DMA buffer (its content modelled by the front end's descriptor, which the UMD would
// have built) lies in contiguous system memory; the miniport rings the node's doorbell with
// its physical address over the link (DxgkDdiSubmitCommand).
void Dxgkrnl::submit_buffer(unsigned node, uint64_t fence, uint64_t duration_ps, uint32_t bytes,
                            GpuSubmission::Outcome outcome) {
  if (!submit_ddi_) {
    gpu_.submit(node, static_cast<uint32_t>(fence), duration_ps, bytes, outcome);
    return;
  }
  namespace d = irqlab::regs::irq_ctrl::front_end::descriptor;
  static_assert(kDescriptorSlots * d::kBytes <= kDescriptorRingBytes, "descriptor ring");
  uint8_t desc[d::kBytes] = {};
  const auto f32 = static_cast<uint32_t>(fence);
  const uint32_t kind = outcome == GpuSubmission::Outcome::kFault     ? 2
                        : outcome == GpuSubmission::Outcome::kPreempt ? 1
                                                                      : 0;
  d::put(desc, d::FENCE, f32);
  d::put(desc, d::OUTCOME, kind);
  d::put(desc, d::DURATION_PS, duration_ps);
  d::put(desc, d::RESULT_BYTES, bytes);
  // A ring of kDescriptorSlots per node: far more than max_in_flight, so no live slot is reused.
  const uint64_t addr =
      descriptors_ + uint64_t{node} * kDescriptorRingBytes + (fence % kDescriptorSlots) * d::kBytes;
  memory_->write(addr, desc, d::kBytes);
  submitting_[node] = true;
  DXGKARG_SUBMITCOMMAND args{};
  args.DmaBufferPhysicalAddress = static_cast<int64_t>(addr);
  args.DmaBufferSize = d::kBytes;
  args.DmaBufferSubmissionEndOffset = d::kBytes;
  args.SubmissionFenceId = f32;
  args.NodeOrdinal = node;
  submit_ddi_(args);
  submitting_[node] = false;
  node_progress_[node]->notify(sc_core::SC_ZERO_TIME);
}

void Dxgkrnl::notify_dpc() {
  k_.cost(costs_.notify_dpc);
  kernel::KernelCpu* here = k_.current_cpu();
  auto run = here ? dpc_running_.find(here->index()) : dpc_running_.end();
  if (run == dpc_running_.end()) {
    violate("notify-dpc-outside-dpc", "DxgkCbNotifyDpc outside the adapter's DPC");
  } else {
    run->second.notify_dpc_called = true;
  }
  if (current_activation()) violate("isr-forbidden-callback", "DxgkCbNotifyDpc called from the ISR");
  retire_recorded();
  kernel::KernelCpu* c = k_.current_cpu();
  if (on_callback_)
    on_callback_("notify_dpc", c ? static_cast<int>(c->index()) : -1, now_ps(), nullptr, false);
}

BOOLEAN Dxgkrnl::queue_dpc() {
  Activation* a = current_activation();
  if (a) a->queued = true;
  kernel::KernelCpu* c = k_.current_cpu();
  const uint32_t message = a ? a->io->message_number : 0;
  const bool queued = k_.insert_queue_dpc(dpc_object(message, c ? c->index() : 0u));
  if (on_callback_)
    on_callback_("queue_dpc", c ? static_cast<int>(c->index()) : -1, now_ps(), nullptr, queued);
  return queued ? TRUE : FALSE;
}

// DxgkCbSynchronizeExecution: the routine runs at the DIRQL of MessageNumber's interrupt
// under that interrupt's spin lock (KeSynchronizeExecution), callable at IRQL <=
// DISPATCH_LEVEL only. Inside it, the driver may report to the scheduler as its ISR would
// (the software-engine sample of the DxgkCbNotifyInterrupt page).
NTSTATUS Dxgkrnl::synchronize(PKSYNCHRONIZE_ROUTINE r, PVOID ctx, ULONG message, BOOLEAN* ret) {
  if (current_activation() && !current_activation()->sync) {
    violate("isr-forbidden-callback", "DxgkCbSynchronizeExecution called from the ISR");
    return STATUS_UNSUCCESSFUL;
  }
  if (!r) return STATUS_INVALID_PARAMETER;
  kernel::InterruptObject* io = nullptr;
  for (const auto* a : adapter_ios_) {
    if (a->message_number == message) io = const_cast<kernel::InterruptObject*>(a);
  }
  if (!io) return STATUS_INVALID_PARAMETER;  // no such message connected
  kernel::KernelCpu* c = k_.current_cpu();
  if (c && c->irql() > DISPATCH_LEVEL) return STATUS_UNSUCCESSFUL;  // refused above DISPATCH_LEVEL
  auto routine = [&] {
    const unsigned cpu = c ? c->index() : kOffCpu;
    Activation a;
    a.seq = ++isr_seq_;
    a.io = io;
    a.enter_ps = now_ps();
    a.sync = true;
    active_[cpu].push_back(std::move(a));
    const bool v = r(ctx) != FALSE;
    active_[cpu].pop_back();
    return v;
  };
  const bool v = c ? c->synchronize(*io, routine) : k_.synchronize_off_cpu(*io, routine);
  if (ret) *ret = v ? TRUE : FALSE;
  return STATUS_SUCCESS;
}

// ---- scheduler ----------------------------------------------------------------------------

void Dxgkrnl::start_scheduler(const std::vector<NodeLoad>& load, uint64_t seed, uint64_t until_ps) {
  for (unsigned n = 0; n < num_nodes_ && n < load.size(); ++n) {
    sc_core::sc_spawn([this, n, l = load[n], seed, until_ps] { node_thread(n, l, seed, until_ps); },
                      ("dxgk_node" + std::to_string(n)).c_str());
    if (preempt_ddi_ && load[n].preempt_per_ms > 0) {
      sc_core::sc_spawn(
          [this, n, r = load[n].preempt_per_ms, seed, until_ps] { preempt_thread(n, r, seed, until_ps); },
          ("dxgk_preempt" + std::to_string(n)).c_str());
    }
  }
}

// Preemption requests at random times on a node with buffers in flight. The request's
// fence comes from the node's fence sequence (DXGKARG_PREEMPTCOMMAND.PreemptionFenceId);
// nothing new is submitted to the node until the preempted buffers are resubmitted.
void Dxgkrnl::preempt_thread(unsigned node, double per_ms, uint64_t seed, uint64_t until_ps) {
  std::mt19937_64 rng(seed * 104729 + node);
  std::exponential_distribution<double> gap(per_ms);  // in ms
  for (;;) {
    wait(sc_core::sc_time::from_value(static_cast<uint64_t>(gap(rng) * 1e9)));
    if (now_ps() >= until_ps) return;
    if (inflight_[node].empty() || recovering_[node] || preempting_[node]) continue;
    preempting_[node] = true;
    while (submitting_[node]) wait(*node_progress_[node]);
    const uint64_t pf = next_fence_[node]++;
    preempt_pending_[node] = pf;
    preempt_sent_ps_[node] = now_ps();
    ++preempt_stats_.requests;
    DXGKARG_PREEMPTCOMMAND a{static_cast<UINT>(pf), node, 0, 0};
    preempt_ddi_(a);
  }
}

// DMA_PREEMPTED at DIRQL: the fence must answer this node's request; buffers up to
// LastCompletedFenceId completed, every later one was preempted (DXGKARGCB_NOTIFY_INTERRUPT_DATA).
void Dxgkrnl::preemption_reported(unsigned node, uint32_t preemption_fence, uint32_t last_completed) {
  if (node >= num_nodes_) {
    violate("fence-never-submitted", "node " + std::to_string(node) + " does not exist");
    return;
  }
  const uint64_t pf = extend_fence(preemption_fence, last_submitted(node));
  if (preempt_pending_[node] == 0 || pf != preempt_pending_[node]) {
    violate("preemption-unrequested", "node " + std::to_string(node) + " PreemptionFenceId " +
                                          std::to_string(preemption_fence) +
                                          " answers no DxgkDdiPreemptCommand");
    return;
  }
  preempt_pending_[node] = 0;
  const uint64_t took = now_ps() - preempt_sent_ps_[node];
  ++preempt_stats_.answered;
  preempt_stats_.latency_total_ps += took;
  preempt_stats_.latency_max_ps = std::max(preempt_stats_.latency_max_ps, took);
  auto& out = outstanding_[node];
  const uint64_t lc = extend_fence(last_completed, last_submitted(node));
  if (lc >= pf) {
    violate("fence-never-submitted", "node " + std::to_string(node) + " LastCompletedFenceId " +
                                         std::to_string(last_completed) +
                                         " is not an earlier buffer's fence");
  } else if (lc > last_completed_[node]) {
    out.erase(out.begin(), out.upper_bound(lc));
    last_completed_[node] = lc;
  }
  for (uint64_t f : out) preempted_[node].insert(f);
  preempt_stats_.preempted_buffers += out.size();
  out.clear();
  recorded_.push_back({DXGK_INTERRUPT_DMA_PREEMPTED, node, last_completed_[node], false, now_ps()});
}

void Dxgkrnl::resubmit(unsigned node, std::vector<uint64_t> fences) {
  // A fault on the node is recovered first: the reset drops what followed the faulted
  // buffer, and those buffers are not resubmitted (recover() removes them).
  while (recovering_[node]) sc_core::wait(*node_progress_[node]);
  for (uint64_t f : fences) {
    if (!preempted_[node].erase(f)) continue;
    const auto it = work_[node].find(f);
    if (it == work_[node].end()) continue;
    outstanding_[node].insert(f);
    ++preempt_stats_.resubmitted;
    submit_buffer(node, f, it->second.duration_ps, it->second.bytes, it->second.outcome);
  }
  preempting_[node] = false;
  node_progress_[node]->notify(sc_core::SC_ZERO_TIME);
}

void Dxgkrnl::node_thread(unsigned node, NodeLoad load, uint64_t seed, uint64_t until_ps) {
  std::mt19937_64 rng(seed * 7919 + node);
  std::exponential_distribution<double> gap(1.0 / load.mean_gap_us);
  std::uniform_real_distribution<double> dur(load.min_duration_us, load.max_duration_us);
  std::uniform_real_distribution<double> u01(0, 1);
  for (;;) {
    wait(sc_core::sc_time::from_value(static_cast<uint64_t>(gap(rng) * 1e6)));
    waiting_for_slot_[node] = inflight_[node].size() >= load.max_in_flight;
    if (waiting_for_slot_[node] && outstanding_[node].empty())
      idle_since_[node] = static_cast<int64_t>(now_ps());
    while ((inflight_[node].size() >= load.max_in_flight || recovering_[node] || preempting_[node]) &&
           now_ps() < until_ps)
      wait(*node_progress_[node]);
    waiting_for_slot_[node] = false;
    if (idle_since_[node] >= 0) {  // the engine sat idle until the DPC freed this slot
      const uint64_t waited = now_ps() - static_cast<uint64_t>(idle_since_[node]);
      NodeDpcWait& w = dpc_wait_[node];
      ++w.spans;
      w.total_ps += waited;
      w.max_ps = std::max(w.max_ps, waited);
      idle_since_[node] = -1;
    }
    if (now_ps() >= until_ps) return;
    const uint64_t fence = next_fence_[node]++;
    outstanding_[node].insert(fence);
    inflight_[node].insert(fence);
    const double roll = u01(rng);
    const auto outcome =
        roll < load.fault_probability ? GpuSubmission::Outcome::kFault : GpuSubmission::Outcome::kComplete;
    const uint64_t duration = static_cast<uint64_t>(dur(rng) * 1e6);
    const uint32_t bytes = static_cast<uint32_t>(rng() % (uint64_t{load.max_result_bytes} + 1));
    ++submitted_;
    work_[node][fence] = {duration, bytes, outcome};
    if (on_submit_) on_submit_(node, static_cast<uint32_t>(fence), now_ps());
    submit_buffer(node, fence, duration, bytes, outcome);
  }
}

bool Dxgkrnl::idle() const {
  for (const auto& o : outstanding_) {
    if (!o.empty()) return false;
  }
  return true;
}

void Dxgkrnl::finish() {
  for (unsigned n = 0; n < num_nodes_; ++n) {
    for (uint64_t f : preempted_[n]) {
      violations_.push_back({now_ps(), -1, "preempted-never-resubmitted",
                             "node " + std::to_string(n) + " fence " +
                                 std::to_string(static_cast<uint32_t>(f)) +
                                 " was preempted and never resubmitted"});
    }
    for (uint64_t f : outstanding_[n]) {
      violations_.push_back({now_ps(), -1, "fence-never-reported",
                             "node " + std::to_string(n) + " fence " +
                                 std::to_string(static_cast<uint32_t>(f)) + " was never reported"});
    }
  }
}

}  // namespace irqlab::dxgkrnl
