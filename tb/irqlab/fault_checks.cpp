#include "fault_checks.hpp"

#include <cstdarg>
#include <cstdio>
#include <string>

#include "source_info.hpp"

namespace irqlab::run {

namespace {

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
  char b[512];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(b, sizeof b, f, ap);
  va_end(ap);
  return b;
}

using ull = unsigned long long;

// An ISR that found nothing pending must change nothing: no dismiss (it would clear
// events that arrive meanwhile), no report. DxgkDdiInterruptRoutine: the ISR "should
// return FALSE as quickly as possible" when its device did not interrupt; our messages
// are the adapter's own, so the WDDM miniport claims them, but acts on nothing.
void spurious_check(const RunResult& r, Report& rep) {
  const EmptyIsrs& e = r.faults.empty_isrs;
  const uint64_t empty = e.found_nothing, acted = e.acted;
  const uint64_t n = r.faults.spurious_injected;
  std::string d =
      fmt("%llu spurious MSIs injected; %llu adapter ISRs found nothing pending; %llu of them dismissed "
          "or reported something",
          ull(n), ull(empty), ull(acted));
  if (acted)
    d += fmt(" (first: ISR %llu on CPU %u at %.3f us wrote 0x%08x to INTR_STATUS)", ull(e.first_seq),
             e.first_cpu, e.first_enter_ps / 1e6, e.first_dismissed);
  if (n > 0 && empty == 0) d += "; none reached an ISR with nothing pending: the fault was not exercised";
  rep.checks.push_back({"fault-spurious-msi", acted == 0 && (n == 0 || empty > 0), d});
}

// A stuck source re-raises its bit every cycle: without moderation the controller sends a
// message per cycle and the storm fills the link (MMIO reads wait behind it). The check
// names the source and its message rate, which moderation (VEC_MOD) must hold under
// checks.storm_limit_per_ms.
void stuck_check(const RunResult& r, Report& rep) {
  const auto& s = r.scenario;
  const auto from = static_cast<uint64_t>(s.stuck_at_ms * 1e9);
  const uint64_t msis = r.faults.msis_since_stuck;
  const double span_ms = r.end_ps > from ? (r.end_ps - from) / 1e9 : 0;
  const double rate = span_ms > 0 ? msis / span_ms : 0;
  const SourceInfo info = describe_source(static_cast<unsigned>(s.stuck_source_bit));
  rep.checks.push_back(
      {"fault-stuck-source", rate <= s.storm_limit_per_ms,
       fmt("INTR_STATUS bit %d (%s %s %u) stuck from %.3f ms: %llu MSIs (%.1f per ms; limit %.1f "
           "per ms) and %llu adapter ISRs in %.3f ms; moderation interval %u cycles",
           s.stuck_source_bit, info.name, info.head ? "head" : "node", info.index, s.stuck_at_ms, ull(msis),
           rate, s.storm_limit_per_ms, ull(r.faults.stuck_isrs), span_ms, s.moderation_cycles)});
}

// The lost MSI is named with the interrupts that were waiting for it; each must still be
// reported within checks.dpc_bound_ms (a later MSI's ISR reads every pending bit), or the
// check names the first that was not.
void dropped_msi_check(const RunResult& r, Report& rep) {
  const auto& f = r.faults;
  if (!f.msi_dropped_ps) {
    rep.checks.push_back(
        {"fault-dropped-msi", true,
         fmt("MSI #%llu never came: the run sent fewer; nothing dropped", ull(r.scenario.drop_msi))});
    return;
  }
  const auto bound = static_cast<uint64_t>(r.scenario.dpc_bound_ms * 1e9);
  std::string ids, lost;
  uint64_t missed = 0;
  for (const PendingSource& s : f.pending_at_drop) {
    const uint64_t raised = s.cycle * r.gpu_period_ps;
    ids += (ids.empty() ? "" : ",") + std::to_string(s.irq_id);
    const bool reported = s.reported_ps != 0;
    const uint64_t after = reported ? s.reported_ps - raised : 0;
    if ((!reported || after > bound) && missed++ == 0) {
      lost = fmt("; irq_id %llu (%s, raised at %.3f us) ", ull(s.irq_id), describe_source(s.bit).name,
                 raised / 1e6) +
             (reported ? fmt("was reported only %.3f us later (bound %.3f us)", after / 1e6, bound / 1e6)
                       : std::string("was never reported"));
    }
  }
  rep.checks.push_back(
      {"fault-dropped-msi", missed == 0,
       fmt("MSI #%llu dropped at the root complex at %.3f us with irq_ids [%s] pending; %llu of "
           "them not reported within the bound",
           ull(r.scenario.drop_msi), f.msi_dropped_ps / 1e6, ids.c_str(), ull(missed)) +
           lost});
}

// PCIe 3.6.2: a TLP with a bad LCRC is NAKed and replayed from the retry buffer: latency
// added, nothing lost.
void replay_check(const RunResult& r, Report& rep) {
  const auto& u = r.faults.upstream;
  const auto& d = r.faults.downstream;
  const bool ok = u.lost + d.lost == 0 && u.replays == u.corrupted && d.replays == d.corrupted;
  rep.checks.push_back(
      {"fault-link-replay", ok,
       fmt("upstream: %llu TLPs corrupted, %llu replayed, %llu lost; downstream: %llu corrupted, "
           "%llu replayed, %llu lost; %.3f us spent waiting for NAKs",
           ull(u.corrupted), ull(u.replays), ull(u.lost), ull(d.corrupted), ull(d.replays), ull(d.lost),
           (u.replay_ps + d.replay_ps) / 1e6)});
}

// A timed-out read answers all ones; a driver that takes that for INTR_PENDING dismisses
// bits no source has (and reports what never happened).
void timeout_check(const RunResult& r, Report& rep) {
  const auto& f = r.faults;
  std::string d = fmt("%llu MMIO reads timed out after %.0f us and returned all ones", ull(f.timeouts.size()),
                      r.scenario.completion_timeout_us);
  if (!f.timeouts.empty()) {
    const auto& t = f.timeouts.front();
    d += fmt(" (first: CPU %d, address 0x%llx, issued at %.3f us)", t.what.cpu, ull(t.what.addr),
             t.what.issued_ps / 1e6);
  }
  d += fmt("; W1Cs of INTR_STATUS with bits no source has: %llu", ull(f.w1c_reserved));
  if (f.w1c_reserved)
    d += fmt(" (first at %.3f us: the driver acted on all-ones data)", f.first_w1c_reserved_ps / 1e6);
  rep.checks.push_back({"fault-completion-timeout", f.w1c_reserved == 0, d});
}

// Back-pressure: a message waits in the controller while the function's transmit queue
// has no slot; every message still arrives, in order.
void backpressure_check(const RunResult& r, Report& rep) {
  const auto& f = r.faults;
  const uint64_t dropped_by_rc = f.msi_dropped_ps ? 1 : 0;
  const uint64_t in_flight = f.messages_emitted - f.messages_arrived;
  const bool ok = f.messages_lost_in_bridge == 0 && f.message_order_breaks == 0 && in_flight == 0;
  std::string d =
      fmt("%u slots: %llu messages held for %llu cycles in all; %llu emitted, %llu reached the root "
          "complex (%llu dropped there by drop_msi), %llu lost in the bridge, %llu still in flight",
          r.scenario.message_slots, ull(f.messages_held), ull(f.message_hold_cycles), ull(f.messages_emitted),
          ull(f.messages_arrived), ull(dropped_by_rc), ull(f.messages_lost_in_bridge), ull(in_flight));
  d += f.message_order_breaks ? fmt("; order broken %llu times (first at message %llu)",
                                    ull(f.message_order_breaks), ull(f.first_order_break))
                              : "; order kept";
  rep.checks.push_back({"fault-message-backpressure", ok, d});
}

}  // namespace

void add_fault_checks(const RunResult& r, Report& rep) {
  const Scenario& s = r.scenario;
  if (s.spurious_msi_every_us > 0) spurious_check(r, rep);
  if (s.stuck_source_bit >= 0) stuck_check(r, rep);
  if (s.drop_msi) dropped_msi_check(r, rep);
  if (s.corrupt_tlp_every) replay_check(r, rep);
  if (s.completion_timeout_us > 0) timeout_check(r, rep);
  if (s.message_slots) backpressure_check(r, rep);
  const auto& f = r.faults;
  auto link = [](const pcie::LinkStats& l) {
    return nlohmann::json{{"corrupted", l.corrupted},
                          {"replays", l.replays},
                          {"lost", l.lost},
                          {"replay_wait_us", l.replay_ps / 1e6}};
  };
  rep.summary["faults"] = {{"spurious_msis", f.spurious_injected},
                           {"msi_dropped", f.msi_dropped_ps != 0},
                           {"link_upstream", link(f.upstream)},
                           {"link_downstream", link(f.downstream)},
                           {"completion_timeouts", f.timeouts.size()},
                           {"messages_held", f.messages_held},
                           {"message_hold_cycles", f.message_hold_cycles},
                           {"stuck_source_isrs", f.stuck_isrs}};
}

}  // namespace irqlab::run
