// Outputs of a GPU-P run: summary.txt (what a reader needs first), migration.json (every
// migration's stages, pause time and straddling latencies), guests.csv (per guest) and
// verdict.json (pass/fail with every violation).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gpup_run.hpp"
#include "output_files.hpp"
#include "report.hpp"

namespace irqlab::gpup {

namespace {

double us(uint64_t ps) {
  return static_cast<double>(ps) / 1e6;
}

// Nearest rank of `v`, which is sorted.
uint64_t percentile(const std::vector<uint64_t>& v, double p) {
  if (v.empty()) return 0;
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

// A guest's completion-to-notify latencies, sorted (read back from its spool).
std::vector<uint64_t> latencies(const GuestRecord& g) {
  std::vector<uint64_t> v;
  v.reserve(g.handled.size());
  g.handled.for_each([&v](const GuestRecord::Handled& h) { v.push_back(h.notify_ps - h.pulse_ps); });
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

namespace {

// The migration lines of summary.txt and their migration.json record.
nlohmann::json describe_migration(const MigrationRecord& m, std::ostringstream& s) {
  char b[256];
  std::snprintf(b, sizeof b,
                "  migration vm %u: GPU %u VF %u -> GPU %u VF %u at %.3f ms: pause time %.2f us "
                "(drain+quiesce %.2f, save %.2f, restore %.2f, resume %.2f)\n",
                m.vm, m.from_gpu, m.from_vf, m.to_gpu, m.to_vf, us(m.pause_ps) / 1000,
                us(m.resumed_ps - m.pause_ps), us(m.quiesced_ps - m.pause_ps), us(m.saved_ps - m.quiesced_ps),
                us(m.restored_ps - m.saved_ps), us(m.resumed_ps - m.restored_ps));
  s << b;
  std::snprintf(
      b, sizeof b,
      "    pending at pause %u, delivered after resume %u; status bits carried 0x%x; %u doorbells held; "
      "%zu straddling interrupts, latency max %.2f us\n",
      m.pending_at_pause, m.replayed_after_resume, m.status_at_pause, m.held_submissions,
      m.straddling_latency_ps.size(),
      us(m.straddling_latency_ps.empty()
             ? 0
             : *std::max_element(m.straddling_latency_ps.begin(), m.straddling_latency_ps.end())));
  s << b;
  nlohmann::json lat = nlohmann::json::array();
  for (uint64_t l : m.straddling_latency_ps) lat.push_back(us(l));
  return {{"vm", m.vm},
          {"from", {{"gpu", m.from_gpu}, {"vf", m.from_vf}}},
          {"to", {{"gpu", m.to_gpu}, {"vf", m.to_vf}}},
          {"pause_at_us", us(m.pause_ps)},
          {"pause_time_us", us(m.resumed_ps - m.pause_ps)},
          {"stages_us",
           {{"drain_and_quiesce", us(m.quiesced_ps - m.pause_ps)},
            {"save", us(m.saved_ps - m.quiesced_ps)},
            {"restore", us(m.restored_ps - m.saved_ps)},
            {"resume", us(m.resumed_ps - m.restored_ps)}}},
          {"status_at_pause", m.status_at_pause},
          {"pending_at_pause", m.pending_at_pause},
          {"delivered_after_resume", m.replayed_after_resume},
          {"source_messages_after_quiesce", m.source_msis_after_quiesce},
          {"held_doorbells", m.held_submissions},
          {"ddi_table_writes", m.ddi_writes},
          {"straddling_latency_us", lat}};
}

// summary.txt's first lines: the system, the VF messages and the guests' latency.
void describe_run(const GpupResult& r, std::ostringstream& s) {
  const auto& gp = r.scenario.gpup;
  char b[256];
  s << "irqlab GPU-P run: " << r.scenario.name << " (seed " << r.scenario.seed << ", profile "
    << r.scenario.profile << ")\n";
  std::snprintf(b, sizeof b, "  %u GPU instance(s) x %u VFs, %u guest VM(s), %.3f ms simulated\n", gp.gpus,
                gp.vfs, gp.guests, us(r.end_ps) / 1000);
  s << b;
  uint64_t msis = 0;
  for (uint64_t m : r.msis_by_requester) msis += m;
  std::snprintf(
      b, sizeof b,
      "  %llu VF messages at the root complex; DxgkDdiWriteVirtualizedInterrupt calls: %llu (%llu failed)\n",
      static_cast<unsigned long long>(msis), static_cast<unsigned long long>(r.ddi_calls),
      static_cast<unsigned long long>(r.ddi_failures));
  s << b;
  std::vector<uint64_t> all;  // every guest's, sorted
  for (const auto& g : r.guests) {
    g.handled.for_each([&all](const GuestRecord::Handled& h) { all.push_back(h.notify_ps - h.pulse_ps); });
  }
  std::sort(all.begin(), all.end());
  std::snprintf(
      b, sizeof b,
      "  completion -> DxgkCbNotifyInterrupt in the guest: n=%zu p50 %.2f us p99 %.2f us max %.2f us\n",
      all.size(), us(percentile(all, 0.5)), us(percentile(all, 0.99)), us(percentile(all, 1.0)));
  s << b;
}

void write_guests_csv(const GpupResult& r, std::ostream& csv) {
  char b[256];
  csv << "vm,submitted,completion_events,notifies,p50_us,p99_us,max_us\n";
  for (const auto& g : r.guests) {
    const auto l = latencies(g);
    std::snprintf(b, sizeof b, "%u,%llu,%llu,%llu,%.3f,%.3f,%.3f\n", g.vm,
                  static_cast<unsigned long long>(g.submitted), static_cast<unsigned long long>(g.interrupts),
                  static_cast<unsigned long long>(g.notifies), us(percentile(l, 0.5)),
                  us(percentile(l, 0.99)), us(percentile(l, 1.0)));
    csv << b;
  }
}

}  // namespace

// The columns write_guests_csv writes: vm,submitted,completion_events,notifies,p50_us,p99_us,max_us.
GuestsTotals read_guests_csv(const std::string& path) {
  GuestsTotals t;
  std::ifstream g(path);
  std::string line;
  std::getline(g, line);  // the header
  while (std::getline(g, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    if (f.size() < 7) continue;
    t.completions += std::strtoull(f[2].c_str(), nullptr, 10);
    t.p99_max_us = std::max(t.p99_max_us, std::strtod(f[5].c_str(), nullptr));
  }
  return t;
}

namespace {

// The migration checks in the verdict: one per property, each naming the first offender.
void add_migration_checks(const GpupResult& r, run::Report& rep) {
  auto failures_with = [&r](const std::string& what) {
    std::string first;
    unsigned n = 0;
    for (const auto& f : r.failures) {
      if (f.find(what) == std::string::npos) continue;
      if (n++ == 0) first = f;
    }
    return std::make_pair(n, first);
  };
  const auto quiet = failures_with("after it quiesced"), once = failures_with("pending at pause but"),
             table = failures_with("the restore wrote");
  const std::string n = std::to_string(r.migrations.size()) + " migration(s)";
  std::vector<run::Check> c = {
      {"migration-source-quiet-after-quiesce", quiet.first == 0, quiet.first ? quiet.second : n},
      {"migration-pending-delivered-once", once.first == 0, once.first ? once.second : n},
      {"migration-table-rewritten", table.first == 0, table.first ? table.second : n},
      {"gpup-ddi-succeeded", r.ddi_failures == 0,
       std::to_string(r.ddi_failures) + " of " + std::to_string(r.ddi_calls) +
           " DxgkDdiWriteVirtualizedInterrupt calls failed"}};
  for (auto& x : c) {
    if (r.run.hang) x = {x.name, true, "not evaluated: the run hung", true};
    rep.passed &= x.passed;
    rep.checks.push_back(x);
  }
}

}  // namespace

std::string write_gpup_outputs(const GpupResult& r, const std::string& dir, bool* passed) {
  run::Report rep = run::analyse(r.run);
  add_migration_checks(r, rep);
  const bool ok = rep.passed && r.passed();
  std::ostringstream s;
  describe_run(r, s);
  nlohmann::json mj = nlohmann::json::array();
  for (const auto& m : r.migrations) mj.push_back(describe_migration(m, s));
  s << "  verdict: " << (ok ? "PASS" : "FAIL") << " (" << r.violations.size() << " verifier violations, "
    << r.failures.size() << " migration check failures)\n";
  for (const auto& x : r.violations) s << "    " << x.rule << ": " << x.detail << "\n";
  for (const auto& f : r.failures) s << "    " << f << "\n";
  s << "\n";
  run::OutputExtras extras;
  extras.summary_head = s.str();
  extras.write = [&](run::OutputFiles& files, nlohmann::json& verdict) {
    files.open("migration.json") << mj.dump(2) << "\n";
    write_guests_csv(r, files.open("guests.csv"));
    verdict["passed"] = ok;
    verdict["migration_failures"] = r.failures;
    verdict["ddi_failures"] = r.ddi_failures;
  };
  if (passed) *passed = ok;
  return run::write_outputs(r.run, rep, dir, extras);
}

}  // namespace irqlab::gpup
