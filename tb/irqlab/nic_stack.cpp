#include "nic_stack.hpp"

#include <cstdio>
#include <string>

#include "enumeration.hpp"
#include "irq_ctrl_regs.hpp"
#include "lapic.hpp"

namespace irqlab::run {

namespace regs = irqlab::regs::irq_ctrl;

namespace {
constexpr uint8_t kNicVector0 = 0x70;  ///< message q on vector 0x70 + q (IRQL 7, under the GPU's 8)
constexpr uint64_t kNicWindow = 0xE000'0000;

uint64_t now_ps() {
  return static_cast<uint64_t>(sc_core::sc_time_stamp().value());
}

ndis::NdisFault ndis_fault(const std::string& s) {
  if (s == "one-dpc-per-cpu") return ndis::NdisFault::kOneDpcPerCpu;
  if (s == "one-dpc-per-message") return ndis::NdisFault::kOneDpcPerMessage;
  if (s == "ignores-target-processors") return ndis::NdisFault::kIgnoresTargetProcessors;
  return ndis::NdisFault::kNone;
}
}  // namespace

NicVerifier::NicVerifier(RunResult& r, uint64_t bound_ps) : r_(r), bound_ps_(bound_ps) {}

void NicVerifier::violation(int cpu, const char* rule, const std::string& detail) {
  violations_.push_back({now_ps(), cpu, rule, detail});
}

void NicVerifier::interrupt_entered(unsigned cpu, ndis::ULONG) {
  ++r_.nic.interrupts;
  isr_entry_[cpu] = now_ps();
}

// Seed 003: "MiniportMessageInterrupt should always return TRUE after processing the
// interrupt because message interrupts are not shared."
void NicVerifier::interrupt_returned(unsigned cpu, ndis::ULONG message, bool claimed) {
  if (!claimed)
    violation(static_cast<int>(cpu), "ndis-message-interrupt-true",
              "MiniportMessageInterrupt returned FALSE for message " + std::to_string(message) +
                  " (message interrupts are not shared: it must return TRUE)");
}

void NicVerifier::dpc_asked(ndis::ULONG message, unsigned cpu) {
  const auto e = isr_entry_.find(cpu);
  outstanding_.emplace(Key{message, cpu}, Asked{now_ps(), e != isr_entry_.end() ? e->second : now_ps()});
}

// Seed 003: NDIS 6.1 and later queue DPCs for different messages on one CPU separately, and
// one message's DPCs on different CPUs separately: a request may merge only with a queued
// DPC of its own message and CPU.
void NicVerifier::dpc_queued(ndis::ULONG message, unsigned cpu, const void* object, bool inserted) {
  if (inserted) {
    owner_[object] = {message, cpu};
    return;
  }
  const auto o = owner_.find(object);
  if (o == owner_.end() || o->second == Key{message, cpu}) return;
  const auto [m, c] = o->second;
  char b[200];
  if (m != message) {
    std::snprintf(b, sizeof b,
                  "the DPC for message %u on CPU %u merged into the one queued for message %u on CPU %u",
                  message, cpu, m, c);
    violation(static_cast<int>(cpu), "ndis-dpc-per-message", b);
  } else {
    std::snprintf(b, sizeof b, "the DPC for message %u on CPU %u merged into the one queued for it on CPU %u",
                  message, cpu, c);
    violation(static_cast<int>(cpu), "ndis-dpc-per-cpu", b);
  }
}

void NicVerifier::dpc_ran(unsigned cpu, ndis::ULONG message) {
  ++r_.nic.dpc_runs[{message, cpu}];
  const auto it = outstanding_.find({message, cpu});
  if (it == outstanding_.end()) return;
  r_.nic.isr_to_dpc_us.push_back((now_ps() - it->second.isr_entry_ps) / 1e6);
  outstanding_.erase(it);
}

// Seed 003: TargetProcessors and NdisMQueueDpc ask for a DPC on each CPU named; each must run
// there (within the DPC bound; the last ones of the run may still be queued).
void NicVerifier::finish(uint64_t end_ps) {
  r_.nic.censored = outstanding_.size();
  for (const auto& [k, a] : outstanding_) {
    if (a.asked_ps + bound_ps_ > end_ps) continue;
    char b[200];
    std::snprintf(b, sizeof b, "a DPC for message %u on CPU %u, asked for at %.3f us, never ran there",
                  k.first, k.second, a.asked_ps / 1e6);
    violations_.push_back({a.asked_ps, static_cast<int>(k.second), "ndis-target-processors", b});
  }
}

NicTraffic::NicTraffic(const NicSettings& s, platform::NicEndpoint& nic, uint64_t seed, uint64_t end_ps)
    : s_(s),
      nic_(nic),
      rng_(seed * 6364136223846793005ull + 1442695040888963407ull),
      end_ps_(end_ps),
      produced_(s.queues, 0),
      returned_(s.queues, 0) {}

void NicTraffic::start() {
  if (s_.rate_pps > 0) sc_core::sc_spawn([this] { run(); }, "nic_wire");
}

// Bursts arrive as a Poisson process (mean gap burst / rate); a burst's size is geometric
// with mean `burst`; each packet's flow hash picks its queue (RSS).
void NicTraffic::run() {
  std::exponential_distribution<double> gap(s_.rate_pps / s_.burst);
  std::geometric_distribution<unsigned> extra(1.0 / s_.burst);
  const uint64_t packet_ps = static_cast<uint64_t>(s_.packet_ns * 1000);
  for (;;) {
    const double g = gap(rng_);
    if (now_ps() + g * 1e12 >= end_ps_) return;
    sc_core::wait(sc_core::sc_time::from_value(static_cast<uint64_t>(g * 1e12)));
    const unsigned n = 1 + extra(rng_);
    for (unsigned i = 0; i < n; ++i) {
      const uint64_t flow = rng_();
      const unsigned q = static_cast<unsigned>((flow ^ (flow >> 29) ^ (flow >> 47)) % s_.queues);
      ++packets_;
      if (produced_[q] - returned_[q] >= s_.ring) {
        ++dropped_;
        continue;
      }
      gpu::Submission p;
      p.fence = ++produced_[q];
      p.duration_ps = packet_ps;
      p.result_bytes = s_.packet_bytes;
      nic_.rx[q]->submit(p);
    }
  }
}

NicStack::NicStack(const Scenario& sc, RunResult& r, kernel::Kernel& k, platform::NicEndpoint& nic)
    : sc_(sc),
      r_(r),
      k_(k),
      nic_(nic),
      env_(k),
      ndis_(k, ndis_fault(sc.nic.ndis_fault)),
      miniport_(ndis_, env_, ndis::NicCosts{},
                sc.nic.fault == "returns-false" ? ndis::NicFault::kReturnsFalse : ndis::NicFault::kNone,
                sc.nic.target_processors, sc.nic.with_queue_dpc),
      verifier_(r, static_cast<uint64_t>(sc.dpc_bound_ms * 1e9)),
      traffic_(sc.nic, nic, sc.seed, static_cast<uint64_t>(sc.duration_ms * 1e9)) {
  ndis_.set_observer(&verifier_);
  miniport_.set_ring_sink([this](unsigned q, uint32_t producer) { traffic_.returned(q, producer); });
}

void NicStack::start(pcie::RootComplex& rc) {
  namespace x = regs::msix;
  const auto f = pcie::enumerate(rc, kNicWindow, pcie::function_id(nic_.port, 0));
  std::vector<uint8_t> vectors;
  for (unsigned q = 0; q < sc_.nic.queues; ++q) {
    // The OS's part of IoConnectInterruptEx for MSI-X: message q to CPU q's local APIC.
    const uint64_t e = f.bar0_base + f.table_offset + uint64_t{q} * x::kEntryBytes;
    const auto apic = static_cast<uint8_t>(q % sc_.cpus);
    const auto vector = static_cast<uint8_t>(kNicVector0 + q);
    env_.WRITE_REGISTER_ULONG(e + x::MSG_ADDR_LO::kOffset, static_cast<uint32_t>(host::msi_address(apic)));
    env_.WRITE_REGISTER_ULONG(e + x::MSG_ADDR_HI::kOffset,
                              static_cast<uint32_t>(host::msi_address(apic) >> 32));
    env_.WRITE_REGISTER_ULONG(e + x::MSG_DATA::kOffset, host::msi_data(vector));
    env_.WRITE_REGISTER_ULONG(e + x::VECTOR_CTRL::kOffset, 0);
    vectors.push_back(vector);
  }
  ndis_.register_message_interrupts("nic", vectors, &ndis::NicMiniport::MiniportMessageInterrupt,
                                    &ndis::NicMiniport::MiniportMessageInterruptDpc, miniport_.context());
  miniport_.initialize(f.bar0_base, sc_.nic.queues, ndis_.interrupt_handle());
  pcie::set_msix_control(rc, f, true, false);
  traffic_.start();
}

void NicStack::collect(uint64_t end_ps) {
  verifier_.finish(end_ps);
  r_.violations.insert(r_.violations.end(), verifier_.violations().begin(), verifier_.violations().end());
  r_.nic.packets = traffic_.packets();
  r_.nic.dropped = traffic_.dropped();
  r_.nic.indicated = miniport_.packets_indicated();
}

}  // namespace irqlab::run
