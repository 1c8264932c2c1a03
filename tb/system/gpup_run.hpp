// `irqlab run` for a scenario with a `gpup:` section: two GPU instances, each with a PF
// and N SR-IOV virtual functions (own config space, BAR, RTL controller with MSI-X table
// and PBA, engine context, requester ID), one guest VM per VF running the #4 driver,
// dxgkrnl's host-side interception of the guests' MSI-X tables, and live migrations.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dxgkrnl.hpp"
#include "run_model.hpp"
#include "scenario.hpp"
#include "topology.hpp"
#include "watchdog.hpp"

namespace irqlab::gpup {

/// One live migration as it happened (times in ps).
struct MigrationRecord {
  unsigned vm = 0, from_gpu = 0, from_vf = 0, to_gpu = 0, to_vf = 0;
  uint64_t pause_ps = 0, quiesced_ps = 0, saved_ps = 0, restored_ps = 0, resumed_ps = 0;
  uint32_t status_at_pause = 0;        ///< INTR_STATUS saved (raised, not yet dismissed by the guest)
  unsigned pending_at_pause = 0;       ///< PBA bits saved (messages owed)
  unsigned held_submissions = 0;       ///< doorbells that arrived during the pause
  unsigned replayed_after_resume = 0;  ///< destination messages before its first new event
  unsigned source_msis_after_quiesce = 0;
  unsigned ddi_writes = 0;                      ///< DxgkDdiWriteVirtualizedInterrupt calls of the restore
  std::vector<uint64_t> straddling_latency_ps;  ///< completion -> notify, for events before the resume
};

struct GuestRecord {
  unsigned vm = 0;
  uint64_t submitted = 0, interrupts = 0,
           notifies = 0;  ///< doorbells, completion events, DxgkCbNotifyInterrupt calls
  /// Per completed fence: the completion pulse and the DxgkCbNotifyInterrupt that reported
  /// it (in a spool file: nothing per interrupt stays in memory).
  struct Handled {
    uint64_t pulse_ps, notify_ps;
  };
  run::Spool<Handled> handled;
};

struct GpupResult {
  run::Scenario scenario;
  uint64_t end_ps = 0;
  std::vector<MigrationRecord> migrations;
  std::vector<GuestRecord> guests;
  std::vector<dxgkrnl::Violation> violations;  ///< every guest's dxgkrnl verifier
  std::vector<std::string> failures;           ///< migration checks that failed (and a hang)
  uint64_t ddi_calls = 0, ddi_failures = 0;
  std::vector<uint16_t> requester_ids;      ///< of every VF, GPU by GPU (distinct)
  std::vector<uint64_t> msis_by_requester;  ///< messages seen at the root complex per VF
  /// What every run records (events.jsonl, latency records, trace events, counters): the
  /// guests' interrupts, each record with its VF and guest.
  run::RunResult run;
  bool passed() const { return violations.empty() && failures.empty() && ddi_failures == 0; }
};

/// Elaborate the GPU-P topology and run it (once per process: SystemC), with events.jsonl's
/// path, the spool directory, the waveform and the stall handler as for any run.
GpupResult run_gpup(const run::RunOptions& opt, const platform::Topology& topo);
/// The same with everything kept in memory and no waveform (directed tests).
GpupResult run_gpup(const run::Scenario& s, std::function<void(const run::Hang&)> on_stall = {});

/// Every run's outputs (events.jsonl, latency.json/csv/svg, trace.json, verdict.json,
/// summary.txt: run::write_outputs) with the migration report beside them (migration.json,
/// guests.csv) and the migration checks in the verdict. Returns the summary; `passed`
/// receives the verdict.
std::string write_gpup_outputs(const GpupResult& r, const std::string& dir, bool* passed = nullptr);

/// What a sweep or a benchmark needs of a run's guests.csv: the guests' completions and the
/// worst guest's p99 (zeros when the file is missing).
struct GuestsTotals {
  uint64_t completions = 0;
  double p99_max_us = 0;
};
GuestsTotals read_guests_csv(const std::string& path);

}  // namespace irqlab::gpup
