#include "report.hpp"

#include "fault_checks.hpp"

#include "gnuplot.hpp"
#include "output_files.hpp"
#include "topology.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string_view>
#include <type_traits>

#include "irq_ctrl_regs.hpp"
#include "nic_stack.hpp"
#include "source_info.hpp"
#include "xpdm_stack.hpp"

namespace irqlab::run {

namespace regs = irqlab::regs::irq_ctrl;
using nlohmann::json;

json stats(std::vector<double> v, uint64_t censored) {
  json j;
  const size_t n = v.size() + censored;
  j["count"] = n;
  j["censored"] = censored;
  if (n == 0) return j;
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) -> json {  // nearest rank over finished and censored values
    const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * n));
    const size_t i = rank == 0 ? 0 : rank - 1;
    return i < v.size() ? json(v[i]) : json(nullptr);
  };
  double sum = 0;
  for (double x : v) sum += x;
  j["min"] = v.empty() ? json(nullptr) : json(v.front());
  j["mean"] = v.empty() ? json(nullptr) : json(sum / v.size());  // of the finished ones
  j["p50"] = pct(50);
  j["p90"] = pct(90);
  j["p99"] = pct(99);
  j["p999"] = pct(99.9);
  j["max"] = censored || v.empty() ? json(nullptr) : json(v.back());
  return j;
}

namespace {

double num(const json& j, const char* k) {
  return j.contains(k) && j[k].is_number() ? j[k].get<double>() : 0.0;
}

json exec_stats_json(const ExecStats& e) {
  json j{{"count", e.count}};
  if (!e.count) return j;
  j["min_us"] = e.min_ps / 1e6;
  j["mean_us"] = e.sum_ps / 1e6 / e.count;
  j["max_us"] = e.max_ps / 1e6;
  j["buckets_us"] = {{"0-1", e.buckets[0]},
                     {"1-10", e.buckets[1]},
                     {"10-100", e.buckets[2]},
                     {"100-1000", e.buckets[3]},
                     {">1000", e.buckets[4]}};
  return j;
}

// The NIC (seed 003): its traffic and its MiniportMessageInterrupt-to-DPC latency.
json nic_summary(const RunResult& r) {
  const NicResult& n = r.nic;
  std::vector<double> us;
  us.reserve(n.isr_to_dpc_us.size());
  n.isr_to_dpc_us.for_each([&us](double v) { us.push_back(v); });
  json runs = json::object();
  for (const auto& [k, c] : n.dpc_runs)
    runs["message " + std::to_string(k.first) + " on CPU " + std::to_string(k.second)] = c;
  return {{"queues", r.scenario.nic.queues},
          {"packets", n.packets},
          {"dropped", n.dropped},
          {"indicated", n.indicated},
          {"message_interrupts", n.interrupts},
          {"message_interrupt_to_dpc_us", stats(std::move(us), n.censored)},
          {"dpc_runs", runs}};
}

// LatencyMon's interrupt-to-DPC measure: an ISR's entry to the start of the DPC it queued.
json isr_to_dpc(const RunResult& r) {
  std::vector<double> us;
  us.reserve(r.isr_to_dpc_us.size());
  r.isr_to_dpc_us.for_each([&us](double v) { us.push_back(v); });
  return stats(std::move(us), r.isr_to_dpc_censored);
}

void add_rule_checks(const RunResult& r, Report& rep) {
  static const char* kWddmRules[] = {"isr-forbidden-callback",
                                     "notify-outside-isr",
                                     "notify-wrong-message",
                                     "notify-reentrant",
                                     "crtc-before-dma",
                                     "notify-without-queue-dpc",
                                     "dpc-missing-notify-dpc",
                                     "notify-dpc-outside-dpc",
                                     "isr-true-without-dismiss",
                                     "fence-never-submitted",
                                     "fence-twice-or-out-of-order",
                                     "fence-never-reported",
                                     "dma-faulted-reserved",
                                     "engine-reset-failed",
                                     "preemption-unrequested",
                                     "preempted-never-resubmitted",
                                     "dpc-once-per-queueing"};
  const bool xpdm = r.scenario.driver_model == "xpdm";
  const std::vector<const char*> rules =
      xpdm ? std::vector<const char*>(std::begin(kXpdmRules), std::end(kXpdmRules))
           : std::vector<const char*>(std::begin(kWddmRules), std::end(kWddmRules));
  std::vector<const char*> all = rules;
  if (r.scenario.nic.enabled) all.insert(all.end(), std::begin(kNdisRules), std::end(kNdisRules));
  for (const char* rule : all) {
    std::vector<const dxgkrnl::Violation*> v;
    for (const auto& x : r.violations) {
      if (x.rule == rule) v.push_back(&x);
    }
    std::string detail = v.empty() ? ""
                                   : std::to_string(v.size()) + " violation(s); first at " +
                                         std::to_string(v[0]->t_ps) + " ps on CPU " +
                                         std::to_string(v[0]->cpu) + ": " + v[0]->detail;
    rep.checks.push_back({rule, v.empty(), detail});
  }
}

// The counted interrupts that reached their DPC late or never, and the first of them.
struct Lateness {
  uint64_t late = 0, never = 0;
  uint64_t first_irq = UINT64_MAX, first_ps = 0;
  const char* first_source = "";
  bool first_never = false;
  void note(uint64_t irq_id, uint64_t raised_ps, const char* source, bool never_reached) {
    (never_reached ? never : late) += 1;
    if (irq_id > first_irq) return;
    first_irq = irq_id;
    first_ps = raised_ps;
    first_source = source;
    first_never = never_reached;
  }
};

// Every counted source interrupt must reach a DPC within the bound; the first one that
// did not (late, or never) is named.
void add_reach_checks(const RunResult& r, Report& rep, const Lateness& k) {
  const double bound_us = r.scenario.dpc_bound_ms * 1e3;
  std::string detail;
  if (k.late + k.never > 0) {
    char b[240];
    std::snprintf(b, sizeof b, "first: irq_id %llu (%s, raised at %.3f us) %s; ",
                  static_cast<unsigned long long>(k.first_irq), k.first_source, k.first_ps / 1e6,
                  k.first_never ? "never reached a DPC" : "reached its DPC late");
    detail = b;
  }
  char b[200];
  std::snprintf(b, sizeof b, "%llu of %llu interrupts over %.0f us, %llu never reached a DPC",
                static_cast<unsigned long long>(k.late), static_cast<unsigned long long>(rep.counted),
                bound_us, static_cast<unsigned long long>(k.never));
  rep.checks.push_back({"interrupt-reaches-dpc", k.late == 0 && k.never == 0, detail + b});
  const double covered = rep.counted ? double(rep.traced()) / rep.counted : 1.0;
  std::snprintf(b, sizeof b,
                "%llu of %llu source interrupts traced to a DPC (%.2f%%; at least 99%% required)",
                static_cast<unsigned long long>(rep.traced()), static_cast<unsigned long long>(rep.counted),
                covered * 100);
  // No source pulse at all (vsyncs are pulses too) passes only when nothing was submitted
  // that could raise one: a run shorter than the first buffer and the first vsync.
  const bool nothing_due = rep.counted == 0 && r.submitted == 0;
  if (nothing_due)
    std::snprintf(b, sizeof b, "no source interrupts: nothing was submitted and no vsync was due");
  rep.checks.push_back({"latency-coverage", (covered >= 0.99 && rep.counted > 0) || nothing_due, b});
}

// `finished_vsyncs`: vsyncs raised by `deadline` that reached their DPC.
void add_end_checks(const RunResult& r, Report& rep, uint64_t deadline, uint64_t finished_vsyncs) {
  const uint64_t P = r.gpu_period_ps;
  // Every vsync before the drain ends must have been reported (merged reports count).
  // (Vsyncs in the last half drain before StopDevice may still be in flight; after it the
  // adapter is masked by design.)
  uint64_t vsync_missing = 0, vsync_total = finished_vsyncs, first_missing = 0;
  for (const auto& u : r.unfinished) {
    if (!describe_source(u.bit).head || u.cycle * P > deadline) continue;
    ++vsync_total;
    if (!u.reported && vsync_missing++ == 0) first_missing = u.irq_id;
  }
  rep.checks.push_back({"vsync-never-reported", vsync_missing == 0,
                        vsync_missing ? std::to_string(vsync_missing) + " of " + std::to_string(vsync_total) +
                                            " vsyncs never reported (first irq_id " +
                                            std::to_string(first_missing) + ")"
                                      : std::to_string(vsync_total) + " vsyncs reported"});
  // After StopDevice (mask, disable, drain) the adapter must not interrupt again: no MSI
  // sent and no ISR of the adapter run.
  const uint64_t late_msis = r.msis_after_stop;
  rep.checks.push_back(
      {"no-spurious-interrupts", r.spurious_interrupts == 0,
       std::to_string(r.spurious_interrupts) +
           " interrupts on the adapter's vectors that no ISR claimed (a dismiss that had "
           "not reached the device when the ISR returned re-raises a level-triggered line)"});
  // GPU-P guests keep their VFs to the end of the run (no StopDevice is modelled there).
  if (r.scenario.gpup.enabled) return;
  const bool quiet = r.stopped_ps != 0 && late_msis == 0 && r.dispatch.isrs_after_stop == 0;
  rep.checks.push_back({"stop-device-quiesces", quiet,
                        r.stopped_ps == 0 ? "DxgkDdiStopDevice never returned"
                                          : std::to_string(late_msis) + " MSIs and " +
                                                std::to_string(r.dispatch.isrs_after_stop) +
                                                " adapter ISRs after StopDevice"});
}

void add_intx_check(const RunResult& r, Report& rep) {
  // The other device on the line: every interrupt serviced, none starved (over 1 ms).
  constexpr uint64_t kStarvedPs = 1'000'000'000;
  const bool ok = r.peer_raised == r.peer_serviced && r.peer_max_wait_ps < kStarvedPs;
  char buf[200];
  std::snprintf(
      buf, sizeof buf,
      "the device sharing INTA#: %llu raised, %llu serviced, %llu merged, longest wait %.1f us; our "
      "ISR declined %llu interrupts that were not ours",
      static_cast<unsigned long long>(r.peer_raised), static_cast<unsigned long long>(r.peer_serviced),
      static_cast<unsigned long long>(r.peer_merged), r.peer_max_wait_ps / 1e6,
      static_cast<unsigned long long>(r.isrs_declined));
  rep.checks.push_back({"shared-line-nothing-lost", ok, buf});
}

// One figure per counted interrupt (GPU cycles from stamp `from` to `to`, converted by `in`
// when given), read from the run's spool, its statistics, then the array is gone: a long
// run holds one array of doubles at a time.
json latency_stats(const RunResult& r, const Report& rep, int from, int to, uint64_t censored,
                   const std::function<double(double)>& in = nullptr) {
  const uint64_t P = r.gpu_period_ps;
  std::vector<double> v;
  v.reserve(rep.traced());
  r.latencies.for_each([&](const Latency& l) {
    if (!rep.counts(l)) return;
    const double cycles = double(l.t_ps[to] - l.t_ps[from]) / P;
    v.push_back(in ? in(cycles) : cycles);
  });
  return stats(std::move(v), censored);
}

// interrupt_to_dpc_cycles by a key of each interrupt (source, vector, CPU).
json grouped_stats(const RunResult& r, const Report& rep,
                   const std::function<std::string(const Latency&)>& key) {
  std::map<std::string, std::vector<double>> by;
  std::map<std::string, size_t> sizes;  // exact sizes first: no growth slack on long runs
  r.latencies.for_each([&](const Latency& l) {
    if (rep.counts(l)) ++sizes[key(l)];
  });
  for (const auto& [k, n] : sizes) by[k].reserve(n);
  r.latencies.for_each([&](const Latency& l) {
    if (rep.counts(l)) by[key(l)].push_back(double(l.t_ps[5] - l.t_ps[0]) / r.gpu_period_ps);
  });
  json j;
  for (auto& [k, v] : by) j[k] = stats(std::move(v));
  return j;
}

void summarise(const RunResult& r, Report& rep) {
  const uint64_t P = r.gpu_period_ps;
  json& sum = rep.summary;
  sum["interrupt_to_dpc_cycles"] = latency_stats(r, rep, 0, 5, rep.censored);
  sum["interrupt_to_dpc_ns"] =
      latency_stats(r, rep, 0, 5, rep.censored, [P](double c) { return c * P / 1000.0; });
  sum["interrupt_to_dpc_cpu_cycles"] =
      latency_stats(r, rep, 0, 5, rep.censored, [P, &r](double c) { return c * P * r.cpu_ghz / 1000.0; });
  sum["excluded_near_stop"] = rep.excluded;
  const json by_source = grouped_stats(r, rep, [](const Latency& l) { return std::string(l.source); });
  if (!by_source.is_null()) sum["by_source"] = by_source;
  const json by_vector = grouped_stats(r, rep, [](const Latency& l) { return std::to_string(l.vector); });
  if (!by_vector.is_null()) sum["by_vector"] = by_vector;
  const json by_cpu = grouped_stats(r, rep, [](const Latency& l) { return std::to_string(l.cpu); });
  if (!by_cpu.is_null()) sum["by_cpu"] = by_cpu;
  const json by_function = grouped_stats(r, rep, [](const Latency& l) { return function_name(l.function); });
  if (!by_function.is_null()) sum["by_function"] = by_function;
  const json by_guest = grouped_stats(r, rep, [](const Latency& l) {
    return l.guest < 0 ? std::string("host") : "vm" + std::to_string(l.guest);
  });
  if (r.scenario.gpup.enabled && !by_guest.is_null()) sum["by_guest"] = by_guest;
  for (int i = 0; i < 6; ++i) sum["stages_cycles"][kStageNames[i]] = latency_stats(r, rep, i, i + 1, 0);
  sum["isr_to_dpc_us"] = isr_to_dpc(r);
  if (r.scenario.nic.enabled) sum["nic"] = nic_summary(r);
  for (const auto& [d, e] : r.dispatch.isr_by_driver) sum["isr_times_by_driver"][d] = exec_stats_json(e);
  for (const auto& [d, e] : r.dispatch.dpc_by_driver) sum["dpc_times_by_driver"][d] = exec_stats_json(e);
  json merged = json::object();
  uint64_t merged_total = 0;
  for (const auto& [v, n] : r.dispatch.merged_by_vector) {
    char k[8];
    std::snprintf(k, sizeof k, "0x%02x", v);
    merged[k] = n;
    merged_total += n;
  }
  sum["apic_merged"] = {{"total", merged_total}, {"by_vector", merged}};
  sum["ipis"] = r.dispatch.ipis;
  json wait = json::array();
  for (const auto& w : r.engine_wait) {
    wait.push_back({{"spans", w.spans},
                    {"total_us", w.total_ps / 1e6},
                    {"mean_us", w.spans ? w.total_ps / 1e6 / w.spans : 0.0},
                    {"max_us", w.max_ps / 1e6}});
  }
  sum["engine_wait_for_dpc_by_node"] = wait;
  const auto& f = r.gpu_faults;
  sum["gpu_page_faults"] = {{"faults", f.page_faults},
                            {"engine_resets", f.resets},
                            {"dropped_buffers", f.dropped_buffers},
                            {"recovery_mean_us", f.resets ? f.recovery_total_ps / 1e6 / f.resets : 0.0},
                            {"recovery_max_us", f.recovery_max_ps / 1e6}};
  sum["doorbells"] = r.doorbells;
  const auto& p = r.preemptions;
  sum["preemptions"] = {{"requests", p.requests},
                        {"answered", p.answered},
                        {"preempted_buffers", p.preempted_buffers},
                        {"resubmitted", p.resubmitted},
                        {"latency_mean_us", p.answered ? p.latency_total_ps / 1e6 / p.answered : 0.0},
                        {"latency_max_us", p.latency_max_ps / 1e6}};
}

}  // namespace

Report analyse(const RunResult& r) {
  Report rep;
  const uint64_t P = r.gpu_period_ps;
  // Sources raised within half a drain of StopDevice may legitimately still be in flight.
  const uint64_t stop = r.stopped_ps ? r.stopped_ps : r.end_ps;
  const uint64_t half_drain_before_stop =
      stop - std::min(stop, static_cast<uint64_t>(r.scenario.drain_ms * 1e9 / 2));
  rep.due_ps = r.hang ? UINT64_MAX : half_drain_before_stop;
  const uint64_t bound = static_cast<uint64_t>(r.scenario.dpc_bound_ms * 1e9);
  Lateness k;
  uint64_t finished_vsyncs = 0;
  r.latencies.for_each([&](const Latency& l) {
    finished_vsyncs += std::string_view(l.source) == "CRTC_VSYNC" && l.t_ps[0] <= half_drain_before_stop;
    if (!rep.counts(l)) {
      ++rep.excluded;
      return;
    }
    ++rep.counted;
    if (l.t_ps[5] - l.t_ps[0] > bound) k.note(l.irq_id, l.t_ps[0], l.source, false);
  });
  for (const auto& u : r.unfinished) {  // censored: counted, never finished
    if (u.cycle * P > rep.due_ps) {
      ++rep.excluded;
      continue;
    }
    ++rep.counted;
    ++rep.censored;
    k.note(u.irq_id, u.cycle * P, describe_source(u.bit).name, true);
  }
  summarise(r, rep);

  if (r.hang) {
    // A hung run is judged by the hang alone: what it left undone is not the driver's fault.
    // A bugcheck (an XPDM ISR's forbidden call) stops the system like a hang stops the run.
    const bool bugcheck = r.hang.kind == "bugcheck";
    rep.checks.push_back({bugcheck ? "no-bugcheck" : "no-hang", false,
                          bugcheck ? r.hang.detail : r.hang.kind + ": " + r.hang.detail});
    add_rule_checks(r, rep);
    for (auto& c : rep.checks) {
      if (c.name != "no-hang" && c.name != "no-bugcheck")
        c = {c.name, true, bugcheck ? "not evaluated: the system bugchecked" : "not evaluated: the run hung",
             true};
    }
    add_fault_checks(r, rep);  // an injected fault is often why it hung: still named
    rep.passed = false;
    return rep;
  }
  rep.checks.push_back({"no-hang", true, "no CPU stuck, every request completed, time advanced"});
  add_rule_checks(r, rep);
  add_end_checks(r, rep, half_drain_before_stop, finished_vsyncs);
  if (r.intx_mode) add_intx_check(r, rep);
  add_reach_checks(r, rep, k);
  add_fault_checks(r, rep);
  for (const auto& c : rep.checks) rep.passed &= c.passed;
  return rep;
}

namespace {

void write_events(const RunResult& r, std::ostream& f) {
  std::vector<const Event*> ev;
  for (const auto& e : r.events) ev.push_back(&e);
  std::stable_sort(ev.begin(), ev.end(), [](const Event* a, const Event* b) {
    if (a->t_ps != b->t_ps) return a->t_ps < b->t_ps;
    return a->stream != b->stream ? a->stream < b->stream : a->seq < b->seq;
  });
  for (const auto* e : ev)
    f << "{\"t_ps\":" << e->t_ps << ",\"gpu_cycle\":" << e->t_ps / r.gpu_period_ps << "," << e->json << "}\n";
}

// A value as dump(1) writes it at `depth` inside the document.
void dump_at(std::ostream& f, const json& v, int depth) {
  const std::string pad = "\n" + std::string(static_cast<size_t>(depth), ' ');
  const std::string text = v.dump(1);
  size_t from = 0;  // whole lines at a time: a character at a time cost a tenth of the run
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', from)) {
    f.write(text.data() + from, static_cast<std::streamsize>(nl - from));
    f << pad;
    from = nl + 1;
  }
  f.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
}

// One interrupt of latency.json's "interrupts", as dump_at(json record, 2) would write it
// (keys sorted, nlohmann's number format), without building the JSON tree: as trees the
// records cost a fifth of the run.
void write_latency_record(std::ostream& f, const RunResult& r, const Latency& l) {
  const uint64_t P = r.gpu_period_ps;
  const uint64_t total_ps = l.t_ps[5] - l.t_ps[0];
  auto real = [](double v) { return json(v).dump(); };
  auto field = [](const char* k, const std::string& v) {
    return std::string("   \"") + k + "\": " + v + ",\n";
  };
  const bool head = std::string_view(l.source) == "CRTC_VSYNC";
  std::string s = "{\n" + field("cpu", std::to_string(l.cpu));
  s += field("function", "\"" + function_name(l.function) + "\"");
  if (l.guest >= 0) s += field("guest", std::to_string(l.guest));
  if (head) s += field("head", std::to_string(l.index));
  s += field("interrupt_to_dpc_cpu_cycles", real(total_ps * r.cpu_ghz / 1000.0));
  s += field("interrupt_to_dpc_cycles", real(double(total_ps) / P));
  s += field("interrupt_to_dpc_ns", real(total_ps / 1000.0));
  s += field("irq_id", std::to_string(l.irq_id));
  if (!head) s += field("node", std::to_string(l.index));
  s += field("source", json(std::string(l.source)).dump());
  s += "   \"stages\": {\n";
  static constexpr int kSorted[] = {5, 3, 4, 2, 1, 0};  // kStageNames in key order
  for (int n = 0; n < 6; ++n) {
    const int i = kSorted[n];
    const uint64_t d = l.t_ps[i + 1] - l.t_ps[i];
    s += std::string("    \"") + kStageNames[i] +
         "\": {\n     \"cpu_cycles\": " + real(d * r.cpu_ghz / 1000.0) +
         ",\n     \"gpu_cycles\": " + real(double(d) / P) + ",\n     \"ns\": " + real(d / 1000.0) +
         "\n    }" + (n < 5 ? ",\n" : "\n");
  }
  s += "   },\n" + field("t_source_ps", std::to_string(l.t_ps[0]));
  s += "   \"vector\": " + std::to_string(l.vector) + "\n  }";
  f << s;
}

void write_latency_csv(const RunResult& r, const Report& rep, std::ostream& csv) {
  const uint64_t P = r.gpu_period_ps;
  csv << "irq_id,source,index,vector,cpu,interrupt_to_dpc_cycles,interrupt_to_dpc_cpu_cycles,interrupt_to_"
         "dpc_ns";
  for (const char* s : kStageNames) csv << "," << s << "_cycles";
  csv << ",function,guest\n";
  r.latencies.for_each([&](const Latency& l) {
    if (!rep.counts(l)) return;
    const uint64_t total_ps = l.t_ps[5] - l.t_ps[0];
    char buf[128];
    std::snprintf(buf, sizeof buf, "%llu,%s,%u,%u,%u,%.1f,%.1f,%.3f",
                  static_cast<unsigned long long>(l.irq_id), l.source, l.index, l.vector, l.cpu,
                  double(total_ps) / P, total_ps * r.cpu_ghz / 1000.0, total_ps / 1000.0);
    csv << buf;
    for (int i = 0; i < 6; ++i) csv << "," << double(l.t_ps[i + 1] - l.t_ps[i]) / P;
    csv << "," << function_name(l.function) << ",";
    if (l.guest >= 0) csv << l.guest;  // empty: the host's own driver
    csv << "\n";
  });
}

// The run's PCIe functions, the driver of each and the guest it serves: what the records'
// and breakdowns' "function" and "guest" name.
json topology_json(const RunResult& r) {
  const platform::Topology t = platform::topology_of(r.scenario);
  json fns = json::array();
  for (const auto& f : t.functions()) {
    json j{{"name", f.name},
           {"requester_id", f.requester},
           {"driver", f.driver},
           {"msix_vectors", f.msix_vectors}};
    if (f.guest >= 0) j["guest"] = f.guest;
    fns.push_back(j);
  }
  return {{"cpus", t.cpus}, {"profile", t.profile}, {"functions", fns}, {"shared_line", t.shared_line}};
}

// latency.json is written record by record (no tree of every interrupt is built); the
// bytes are those of the whole document dumped with indent 1, keys in order.
void write_latency(const RunResult& r, const Report& rep, OutputFiles& files) {
  write_latency_csv(r, rep, files.open("latency.csv"));
  const json counts{{"submissions", r.submitted},
                    {"sources", r.sources_raised},
                    {"counted", rep.counted},
                    {"censored", rep.censored},
                    {"excluded_near_stop", rep.excluded},
                    {"msis", r.msi_count},
                    {"isrs", r.isr_count},
                    {"dpcs", r.dpc_count},
                    {"sim_ps", r.end_ps}};
  std::ostream& f = files.open("latency.json");
  f << "{\n \"counts\": ";
  dump_at(f, counts, 1);
  f << ",\n \"cpu_ghz\": " << json(r.cpu_ghz).dump() << ",\n \"gpu_clock_period_ps\": " << r.gpu_period_ps
    << ",\n \"interrupts\": ";
  bool first = true;  // in the order their DPCs ended
  r.latencies.for_each([&](const Latency& l) {
    if (!rep.counts(l)) return;
    f << (first ? "[\n  " : ",\n  ");
    first = false;
    write_latency_record(f, r, l);
  });
  f << (first ? "[]" : "\n ]");
  f << ",\n \"summary\": ";
  dump_at(f, rep.summary, 1);
  f << ",\n \"topology\": ";
  dump_at(f, topology_json(r), 1);
  f << "\n}\n";
}

// Chrome trace-event format (opens in Perfetto): ISR and DPC spans on one track per CPU,
// source pulses on per-engine and per-head tracks, and a flow from each pulse to its DPC.
// trace.json is written one event at a time (nothing proportional to the run is built
// first); the bytes are those of the whole document dumped at once.
class TraceStream {
 public:
  explicit TraceStream(std::ostream& f) : f_(f) { f_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":["; }
  ~TraceStream() { f_ << "]}\n"; }
  TraceStream(const TraceStream&) = delete;
  TraceStream& operator=(const TraceStream&) = delete;
  void push_back(const json& e) {
    if (!first_) f_ << ',';
    first_ = false;
    f_ << e.dump();
  }

 private:
  std::ostream& f_;
  bool first_ = true;
};

// Chrome/Perfetto trace-event metadata: process and thread names for every track used.
void trace_metadata(const RunResult& r, TraceStream& ev) {
  auto process = [&ev](int pid, const char* name) {
    ev.push_back({{"ph", "M"}, {"pid", pid}, {"name", "process_name"}, {"args", {{"name", name}}}});
  };
  auto thread = [&ev](int pid, unsigned tid, const std::string& name) {
    ev.push_back(
        {{"ph", "M"}, {"pid", pid}, {"tid", tid}, {"name", "thread_name"}, {"args", {{"name", name}}}});
  };
  process(1, "CPUs");
  process(2, "GPU engines");
  process(3, "Display heads");
  for (unsigned c = 0; c < r.scenario.cpus; ++c) thread(1, c, "CPU " + std::to_string(c));
  if (r.scenario.gpup.enabled) {  // each guest's vCPU on the track after the host CPUs'
    for (unsigned v = 0; v < r.scenario.gpup.guests; ++v)
      thread(1, r.scenario.cpus + v, "vm " + std::to_string(v) + " vCPU 0");
  }
  for (unsigned n = 0; n < r.scenario.nodes; ++n) thread(2, n, "engine node " + std::to_string(n));
  for (unsigned h = 0; h < r.scenario.head_hz.size(); ++h) thread(3, h, "head " + std::to_string(h));
}

// The metadata, then the events the run made (trace_events.hpp) in the time order they
// became known: each slice when it ended, each flow when its DPC ended.
void write_trace(const RunResult& r, std::ostream& f) {
  TraceStream ev(f);
  trace_metadata(r, ev);  // never empty: the run's events follow with a comma each
  r.trace_events.copy_to(f);
}

// Histogram and stage breakdown, drawn by gnuplot into latency.svg (renamed into place
// with the other outputs). The data and the script stay beside it: `gnuplot latency.gp`
// in the directory redraws it. Returns why it was not drawn, or "" when it was.
std::string write_plot(const RunResult& r, const Report& rep, OutputFiles& files) {
  constexpr double kBinUs = 0.25;
  if (rep.traced() == 0) return "no interrupt reached its DPC, nothing to plot";
  const std::string& dir = files.dir();
  {
    std::ofstream d(dir + "/latency_hist.dat"), s(dir + "/latency_stages.dat");
    // Binned here, not by gnuplot: gnuplot holds every point it reads, so a long run's
    // plot would cost memory in proportion to its interrupts.
    std::map<int64_t, uint64_t> bins;  // 0.25 us bins of the interrupt-to-DPC latency
    r.latencies.for_each([&](const Latency& l) {
      if (rep.counts(l)) ++bins[static_cast<int64_t>(std::floor((l.t_ps[5] - l.t_ps[0]) / 1e6 / kBinUs))];
    });
    for (const auto& [b, n] : bins) d << b * kBinUs << " " << n << "\n";
    for (int i = 0; i < 5; ++i) {
      s << kStageNames[i] << " "
        << num(rep.summary["stages_cycles"][kStageNames[i]], "mean") * r.gpu_period_ps / 1e6 << "\n";
    }
    d.close();
    s.close();
    if (!d || !s) throw OutputError(dir + "/latency_*.dat: write failed (disk full or unwritable)");
  }
  std::ofstream g(dir + "/latency.gp");
  g << "if (!exists('outfile')) outfile = 'latency.svg'\n"
    << "set terminal svg size 1100,450 dynamic font 'sans,11'\n"
    << "set output outfile\n"
    << "set termoption noenhanced\n"
    << "set multiplot layout 1,2 title "
    << gnuplot_string("irqlab: interrupt-to-DPC latency (" + r.scenario.name + ")") << "\n"
    << "set title 'histogram'\nset xlabel 'source pulse to DPC start (us)'\nset ylabel 'interrupts'\n"
    << "set logscale y\nset yrange [0.8:*]\n"
    << "set boxwidth " << kBinUs << "\nset style fill solid 0.6\n"
    << "plot 'latency_hist.dat' using ($1 + " << kBinUs / 2 << "):2 with boxes notitle\n"
    << "unset logscale y\nset yrange [0:*]\n"
    << "set title 'mean time per stage'\nset xlabel ''\nset ylabel 'us'\nset style data histograms\n"
    << "set xtics rotate by -30\nset boxwidth 0.7\n"
    << "plot 'latency_stages.dat' using 2:xtic(1) notitle\n"
    << "unset multiplot\n";
  g.close();
  if (!g) throw OutputError(dir + "/latency.gp: write failed (disk full or unwritable)");
  const std::string svg = files.external("latency.svg");
  // gnuplot reads the data by name from the directory: chdir through its own `cd`.
  const auto abs = [](const std::string& p) { return std::filesystem::absolute(p).string(); };
  const int rc = run_gnuplot(abs(dir + "/latency.gp"),
                             "cd " + gnuplot_string(abs(dir)) + "; outfile = " + gnuplot_string(abs(svg)));
  if (rc == -1) return "gnuplot could not be started";
  return rc == 0 ? "" : "gnuplot failed (exit " + std::to_string(rc) + ")";
}

}  // namespace

namespace {

std::string cell(const json& j, const char* k, double scale, const char* fmt) {
  if (!j.contains(k) || !j[k].is_number()) return "censored";
  char b[32];
  std::snprintf(b, sizeof b, fmt, j[k].get<double>() * scale);
  return b;
}

void write_latency_text(const RunResult& r, const Report& rep, std::ostringstream& os) {
  const json& s = rep.summary["interrupt_to_dpc_cycles"];
  const uint64_t P = r.gpu_period_ps;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "\ninterrupt-to-DPC latency (source pulse to DPC start), n = %llu interrupts, %llu censored "
                "(never reached a DPC), %llu raised too close to StopDevice (not counted):\n",
                static_cast<unsigned long long>(rep.counted), static_cast<unsigned long long>(rep.censored),
                static_cast<unsigned long long>(rep.excluded));
  os << buf << "            cycles        ns\n";
  for (const char* k : {"min", "mean", "p50", "p90", "p99", "p999", "max"}) {
    std::snprintf(buf, sizeof buf, "  %-5s %10s %9s\n", k, cell(s, k, 1, "%.0f").c_str(),
                  cell(s, k, P / 1000.0, "%.0f").c_str());
    os << buf;
  }
  os << "\nmean per stage (GPU cycles / ns):\n";
  for (const char* st : kStageNames) {
    const double c = num(rep.summary["stages_cycles"][st], "mean");
    std::snprintf(buf, sizeof buf, "  %-16s %9.0f %9.0f\n", st, c, c * P / 1000.0);
    os << buf;
  }
  os << "\nby source (p50 / p99 cycles):\n";
  for (auto& [k, v] : rep.summary["by_source"].items()) {
    std::snprintf(buf, sizeof buf, "  %-14s %6llu  %8.0f / %8.0f\n", k.c_str(),
                  static_cast<unsigned long long>(num(v, "count")), num(v, "p50"), num(v, "p99"));
    os << buf;
  }
  const json& l = rep.summary["isr_to_dpc_us"];
  std::snprintf(buf, sizeof buf,
                "\nISR-to-DPC (LatencyMon's measure: ISR entry to the start of the DPC it queued), n = %llu, "
                "%llu censored:\n  p50 %s us, p99 %s us, max %s us\n",
                static_cast<unsigned long long>(num(l, "count")),
                static_cast<unsigned long long>(num(l, "censored")), cell(l, "p50", 1, "%.2f").c_str(),
                cell(l, "p99", 1, "%.2f").c_str(), cell(l, "max", 1, "%.2f").c_str());
  os << buf;
}

// ISR and DPC execution times per driver, with the buckets `xperf -a dpcisr` prints.
void write_nic_text(const RunResult& r, const Report& rep, std::ostringstream& os) {
  if (!r.scenario.nic.enabled) return;
  const json& n = rep.summary["nic"];
  const json& l = n["message_interrupt_to_dpc_us"];
  char buf[320];
  std::snprintf(
      buf, sizeof buf,
      "\nNIC (NDIS, MSI-X, %u receive queues): %llu packets, %llu dropped at a full ring, %llu indicated; "
      "%llu MiniportMessageInterrupt calls\n  MessageInterrupt-to-DPC, n = %llu, %llu censored: p50 %s us, "
      "p99 %s us, max %s us\n",
      r.scenario.nic.queues, static_cast<unsigned long long>(r.nic.packets),
      static_cast<unsigned long long>(r.nic.dropped), static_cast<unsigned long long>(r.nic.indicated),
      static_cast<unsigned long long>(r.nic.interrupts), static_cast<unsigned long long>(num(l, "count")),
      static_cast<unsigned long long>(num(l, "censored")), cell(l, "p50", 1, "%.2f").c_str(),
      cell(l, "p99", 1, "%.2f").c_str(), cell(l, "max", 1, "%.2f").c_str());
  os << buf << "  DPC runs:";
  for (const auto& [k, c] : r.nic.dpc_runs) os << " m" << k.first << "/cpu" << k.second << " " << c;
  os << "\n";
  if (!rep.summary.contains("gpu_without_nic")) return;
  const json& w = rep.summary["gpu_without_nic"];
  if (w.contains("error")) {
    os << "  GPU interrupt-to-DPC without the NIC: " << w["error"].get<std::string>() << "\n";
    return;
  }
  const json& with = rep.summary["interrupt_to_dpc_ns"];
  const json& without = w["interrupt_to_dpc_ns"];
  std::snprintf(
      buf, sizeof buf,
      "  GPU interrupt-to-DPC with the NIC: p50 %s us, p99 %s us; without it (%s): p50 %s us, p99 %s us\n",
      cell(with, "p50", 1e-3, "%.2f").c_str(), cell(with, "p99", 1e-3, "%.2f").c_str(),
      w["directory"].get<std::string>().c_str(), cell(without, "p50", 1e-3, "%.2f").c_str(),
      cell(without, "p99", 1e-3, "%.2f").c_str());
  os << buf;
}

void write_dispatch_text(const RunResult& r, const Report& rep, std::ostringstream& os) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "\nlocal APIC: %llu requests merged into a pending IRR bit; IPIs sent: %llu\n",
                static_cast<unsigned long long>(num(rep.summary["apic_merged"], "total")),
                static_cast<unsigned long long>(r.dispatch.ipis));
  os << buf;
  uint64_t spans = 0, total = 0, worst = 0;
  for (const auto& w : r.engine_wait) {
    spans += w.spans;
    total += w.total_ps;
    worst = std::max(worst, w.max_ps);
  }
  std::snprintf(
      buf, sizeof buf,
      "engines idle waiting for the DPC to free a slot: %.1f us in %llu spans (mean %.2f us, max %.2f "
      "us), all nodes\n",
      total / 1e6, static_cast<unsigned long long>(spans), spans ? total / 1e6 / spans : 0.0, worst / 1e6);
  os << buf;
  const auto& f = r.gpu_faults;
  std::snprintf(buf, sizeof buf,
                "GPU page faults: %llu, engine resets: %llu (recovery mean %.2f us, max %.2f us), buffers "
                "dropped: %llu; doorbells rung over MMIO: %llu\n",
                static_cast<unsigned long long>(f.page_faults), static_cast<unsigned long long>(f.resets),
                f.resets ? f.recovery_total_ps / 1e6 / f.resets : 0.0, f.recovery_max_ps / 1e6,
                static_cast<unsigned long long>(f.dropped_buffers),
                static_cast<unsigned long long>(r.doorbells));
  os << buf;
  const auto& p = r.preemptions;
  std::snprintf(
      buf, sizeof buf,
      "preemption requests: %llu, answered: %llu (request to DMA_PREEMPTED mean %.2f us, max %.2f us); "
      "buffers preempted: %llu, resubmitted: %llu\n",
      static_cast<unsigned long long>(p.requests), static_cast<unsigned long long>(p.answered),
      p.answered ? p.latency_total_ps / 1e6 / p.answered : 0.0, p.latency_max_ps / 1e6,
      static_cast<unsigned long long>(p.preempted_buffers), static_cast<unsigned long long>(p.resubmitted));
  os << buf << "ISR and DPC times by driver (us; as xperf -a dpcisr):\n"
     << "  kind driver              count    min     mean      max |   <1   1-10 10-100 100-1k  >1k\n";
  auto rows = [&](const char* kind, const std::map<std::string, ExecStats>& m) {
    for (const auto& [d, e] : m) {
      if (!e.count) continue;
      std::snprintf(
          buf, sizeof buf, "  %-4s %-18s %6llu %6.2f %8.2f %8.2f | %5llu %6llu %6llu %6llu %4llu\n", kind,
          d.c_str(), static_cast<unsigned long long>(e.count), e.min_ps / 1e6, e.sum_ps / 1e6 / e.count,
          e.max_ps / 1e6, static_cast<unsigned long long>(e.buckets[0]),
          static_cast<unsigned long long>(e.buckets[1]), static_cast<unsigned long long>(e.buckets[2]),
          static_cast<unsigned long long>(e.buckets[3]), static_cast<unsigned long long>(e.buckets[4]));
      os << buf;
    }
  };
  rows("ISR", r.dispatch.isr_by_driver);
  rows("DPC", r.dispatch.dpc_by_driver);
}

}  // namespace

json read_latency_without_records(const std::string& path) {
  std::ifstream f(path);
  const json::parser_callback_t skip_records = [](int depth, json::parse_event_t e, json& parsed) {
    return !(depth == 1 && e == json::parse_event_t::key && parsed == "interrupts");
  };
  return json::parse(f, skip_records, false);
}

std::string write_outputs(const RunResult& r, const Report& rep, const std::string& dir,
                          const OutputExtras& extras) {
  OutputFiles files(dir);
  if (r.events_file.empty()) {
    write_events(r, files.open("events.jsonl"));
  } else {  // streamed by the run to the temporary that commit() renames
    if (r.events_write_failed || files.external("events.jsonl") != r.events_file)
      throw OutputError(r.events_file + ": events.jsonl write failed (disk full or unwritable)");
  }
  write_latency(r, rep, files);
  write_trace(r, files.open("trace.json"));
  const std::string not_plotted = write_plot(r, rep, files);

  json checks = json::array();
  for (const auto& c : rep.checks) {
    checks.push_back({{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
    if (c.skipped) checks.back()["skipped"] = true;
  }
  json violations = json::array();
  for (const auto& v : r.violations) {
    violations.push_back({{"t_ps", v.t_ps}, {"cpu", v.cpu}, {"rule", v.rule}, {"detail", v.detail}});
  }
  json verdict{{"passed", rep.passed},
               {"hang", r.hang ? json{{"kind", r.hang.kind}, {"detail", r.hang.detail}, {"t_ps", r.hang.t_ps}}
                               : json(nullptr)},
               {"checks", checks},
               {"violations", violations},
               {"warnings", {{"isr_over_25us", r.isr_over_25us}, {"dpc_over_100us", r.dpc_over_100us}}}};
  if (r.scenario.driver_model == "xpdm") verdict["warnings"]["isr_stalls_over_limit"] = r.stalls_over_warning;
  if (extras.write) extras.write(files, verdict);
  files.open("verdict.json") << verdict.dump(1) << "\n";

  // summary.txt: what a person reads first.
  const uint64_t P = r.gpu_period_ps;
  std::ostringstream os;
  char buf[256];
  os << extras.summary_head << "irqlab run: " << r.scenario.name << (r.intx_mode ? " [INTx]" : "")
     << (r.scenario.driver_model == "xpdm" ? " [XPDM]" : "") << " (profile " << r.scenario.profile << ", "
     << r.scenario.cpus << " CPUs at " << r.cpu_ghz << " GHz, seed " << r.scenario.seed << ")\n";
  std::snprintf(buf, sizeof buf,
                "simulated %.1f ms; GPU clock %.0f MHz; controller stepped %llu cycles, skipped %llu\n",
                r.end_ps / 1e9, 1e6 / P, static_cast<unsigned long long>(r.cycles_stepped),
                static_cast<unsigned long long>(r.cycles_skipped));
  os << buf;
  std::snprintf(
      buf, sizeof buf,
      "submissions %llu, source interrupts %llu, MSIs %llu, ISRs %llu, DPCs %llu, background interrupts "
      "%llu\n",
      static_cast<unsigned long long>(r.submitted), static_cast<unsigned long long>(r.sources_raised),
      static_cast<unsigned long long>(r.msi_count), static_cast<unsigned long long>(r.isr_count),
      static_cast<unsigned long long>(r.dpc_count), static_cast<unsigned long long>(r.bg_interrupts));
  os << buf;
  write_latency_text(r, rep, os);
  write_nic_text(r, rep, os);
  write_dispatch_text(r, rep, os);
  os << "\nchecks: " << (rep.passed ? "ALL PASSED" : "FAILED") << "\n";
  if (r.hang.kind == "bugcheck")
    os << "  BUGCHECK: " << r.hang.detail << "\n";
  else if (r.hang)
    os << "  HANG (" << r.hang.kind << "): " << r.hang.detail << "\n";
  for (const auto& c : rep.checks) {
    if (!c.passed && c.name != "no-hang" && c.name != "no-bugcheck")
      os << "  FAIL " << c.name << ": " << c.detail << "\n";
  }
  for (const auto& c : rep.checks) {  // an injected fault's effect is news even when contained
    if (c.passed && c.name.rfind("fault-", 0) == 0) os << "  pass " << c.name << ": " << c.detail << "\n";
  }
  os << "warnings: ISRs over 25 us: " << r.isr_over_25us << ", DPCs over 100 us: " << r.dpc_over_100us;
  if (r.scenario.driver_model == "xpdm")
    os << ", ISR stalls over " << r.scenario.stall_warn_us << " us: " << r.stalls_over_warning;
  os << "\n";
  if (!not_plotted.empty()) os << "note: latency.svg not drawn: " << not_plotted << "\n";
  files.open("summary.txt") << os.str();
  std::string written;
  for (const auto& name : files.commit()) written += " " + name;
  os << "outputs in " << dir << "/:" << written << "\n";
  return os.str();
}

}  // namespace irqlab::run
