#include "system_workload.hpp"

#include <cstdio>
#include <string>

namespace irqlab::platform {

namespace regs = irqlab::regs::irq_ctrl;

RandomWorkload::RandomWorkload(sc_core::sc_module_name name, Platform& p, const WorkloadOptions& opt)
    : sc_core::sc_module(name), p_(p), opt_(opt) {
  for (unsigned n = 0; n < p.engines.size(); ++n) {
    sc_core::sc_spawn_options o;
    sc_core::sc_spawn([this, n] { node_thread(n); }, ("node" + std::to_string(n)).c_str(), &o);
  }
  for (unsigned h = 0; h < opt.head_hz.size(); ++h) {
    heads_.push_back(std::make_unique<gpu::DisplayHead>(("head" + std::to_string(h)).c_str(), h,
                                                        opt.head_hz[h], p.lookahead_ps(), p.pulse_sink(),
                                                        opt.start_ps));
  }
}

void RandomWorkload::node_thread(unsigned node) {
  std::mt19937_64 rng(opt_.seed * 1000 + node);
  wait(started_);
  gpu::EngineNode& e = *p_.engines[node];
  uint32_t fence = 0;
  for (;;) {
    const uint64_t gap = rng() % (2 * opt_.mean_gap_ps);
    wait(sc_core::sc_time::from_value(gap));
    const uint64_t now = sc_core::sc_time_stamp().value();
    if (now > opt_.until_ps) return;
    gpu::Submission s;
    s.fence = ++fence;
    s.duration_ps = 1'000'000 + rng() % opt_.max_duration_ps;
    s.result_bytes = static_cast<uint32_t>(rng() % (opt_.max_result_bytes + 1));
    const unsigned roll = rng() % 100;
    s.outcome = roll < 94   ? gpu::Outcome::kComplete
                : roll < 97 ? gpu::Outcome::kPreempt
                            : gpu::Outcome::kFault;
    e.submit(s);
    ++submissions_;
    // Keep at most one buffer queued behind the running one, as a scheduler would.
    if (e.busy_until_ps() > now + s.duration_ps) {
      wait(sc_core::sc_time::from_value(e.busy_until_ps() - now - s.duration_ps));
    }
  }
}

OrderChecker::OrderChecker(Platform& p) : p_(p) {
  p.memory.set_observer([this](uint64_t addr, uint32_t len, uint64_t t) {
    for (unsigned n = 0; n < p_.engines.size(); ++n) {
      if (addr == Layout::fence_addr(n) && len == 8) landed_[{n, p_.memory.read64(addr)}] = t;
    }
  });
  for (auto& cpu : p.cpus) {
    cpu->add_interrupt_listener([this](const host::HostCpu::Delivery& d) {
      // When the MSI took effect at the root complex, not when the CPU took it: the LAPIC's
      // own latency must not hide an MSI that overtook its fence.
      deliveries_.push_back({static_cast<unsigned>(d.vector - VectorPlan::apic_vector(0)), d.arrived_ps});
    });
  }
}

// For the k-th delivery of node n's vector, the k-th MSI the controller issued for that
// vector (cycle c) reflects every pulse up to cycle c - 3; the last DMA_COMPLETED fence
// among them must already be in host memory when the interrupt is delivered.
OrderChecker::Report OrderChecker::check() const {
  Report r;
  const auto& events = p_.controller.events();
  std::map<unsigned, std::vector<uint64_t>> issued;  // vector -> issue cycles
  for (const auto& e : events) {
    if (e.kind == bridge::BridgeEvent::kMsi) issued[static_cast<unsigned>(e.a)].push_back(e.cycle);
  }
  std::map<unsigned, size_t> seen;
  r.msis_delivered = deliveries_.size();
  for (const auto& d : deliveries_) {
    const size_t k = seen[d.vector]++;
    if (d.vector >= p_.engines.size() || k >= issued[d.vector].size()) continue;
    const unsigned node = d.vector;
    const uint64_t c = issued[d.vector][k];
    const uint64_t bit = regs::sources::DMA_COMPLETED.lsb + node;
    const bridge::BridgeEvent* last = nullptr;
    for (const auto& e : events) {
      if (e.kind == bridge::BridgeEvent::kPulse && e.a == bit && e.cycle + 3 <= c) last = &e;
    }
    if (!last) continue;
    ++r.msis_checked;
    const auto it = landed_.find({node, last->b});
    const bool ok = it != landed_.end() && it->second <= d.at_ps;
    if (!ok) {
      if (r.violations++ == 0) {
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "node %u fence %llu: MSI (issued cycle %llu) took effect at the root complex at %llu "
                      "ps, fence %s",
                      node, static_cast<unsigned long long>(last->b), static_cast<unsigned long long>(c),
                      static_cast<unsigned long long>(d.at_ps),
                      it == landed_.end() ? "never landed"
                                          : ("landed at " + std::to_string(it->second) + " ps").c_str());
        r.first_violation = buf;
      }
    }
  }
  return r;
}

}  // namespace irqlab::platform
