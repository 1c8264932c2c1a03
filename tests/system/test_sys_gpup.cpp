// GPU-P virtual functions and live migration under load. Parameters (CTest passes them):
//   --seed N                      scenario seed; the migration instant is drawn from it
//   --set GPUP_VFS=N              VFs per GPU instance (default 4; 64 in system.gpup.vfs64)
//   --set GPUP_GAP_US=X           mean gap between a guest's submissions (2: a continuous burst)
//   --set GPUP_KMD_FAULT=skip-pending-restore   the host KMD loses the PBA: the run must fail
// The scoreboard is the guests' dxgkrnl verifiers (no fence lost or reported twice) plus
// the migration checks (every message pending at pause delivered once after resume,
// nothing from the source after it quiesced).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <set>
#include <string>

#include "gpup_run.hpp"
#include "scenario.hpp"
#include "system.hpp"

namespace irqlab::gpup {
namespace {

std::string env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

TEST(GpupMigration, VfsInterruptThroughTheirOwnTablesAndMigrationLosesNothing) {
  const uint64_t seed = std::stoull(env("IRQLAB_SEED", "1"));
  const unsigned vfs = static_cast<unsigned>(std::stoul(env("IRQLAB_GPUP_VFS", "4")));
  const std::string gap = env("IRQLAB_GPUP_GAP_US", "20");
  const std::string fault = env("IRQLAB_GPUP_KMD_FAULT", "none");
  std::mt19937_64 rng(seed);
  const double at_ms = std::uniform_real_distribution<double>(0.3, 1.5)(rng);
  const unsigned migrating = static_cast<unsigned>(rng() % vfs);
  const unsigned to_vf = static_cast<unsigned>(rng() % vfs);
  std::printf("seed %llu: %u VFs, VF %u migrates at %.4f ms to GPU 1 VF %u, mean gap %s us\n",
              static_cast<unsigned long long>(seed), vfs, migrating, at_ms, to_vf, gap.c_str());
  const std::string yaml =
      "name: gpup-test\nduration_ms: 2\nseed: " + std::to_string(seed) +
      "\ngpup:\n  vfs: " + std::to_string(vfs) + "\n  gpus: 2\n  guest_mean_gap_us: " + gap +
      "\n  kmd_fault: " + fault + "\nmigrations:\n  - {vf: " + std::to_string(migrating) +
      ", at_ms: " + std::to_string(at_ms) + ", to_gpu: 1, to_vf: " + std::to_string(to_vf) + "}\n";
  run::RunOptions opt;
  opt.scenario = run::parse_scenario(yaml, "test");
  run::System sys(opt);  // the GPU-P topology, built as every run builds its system
  sys.run();
  ASSERT_NE(sys.gpup(), nullptr);
  const GpupResult& r = *sys.gpup();

  if (fault != "none") {  // a host KMD that loses the pending bits: the checks must say so
    ASSERT_EQ(r.migrations.size(), 1u);
    ASSERT_GT(r.migrations[0].pending_at_pause, 0u) << "pick a seed whose pause catches a pending message";
    EXPECT_EQ(r.migrations[0].replayed_after_resume, 0u);
    ASSERT_FALSE(r.failures.empty());
    EXPECT_NE(r.failures[0].find("pending at pause but 0 delivered after resume"), std::string::npos)
        << r.failures[0];
    EXPECT_FALSE(r.passed());
    return;
  }

  for (const auto& v : r.violations) ADD_FAILURE() << v.rule << ": " << v.detail;
  for (const auto& f : r.failures) ADD_FAILURE() << f;
  EXPECT_EQ(r.ddi_failures, 0u);

  // Every VF of both GPUs has its own requester ID; only VFs running a guest send messages.
  ASSERT_EQ(r.requester_ids.size(), 2u * vfs);
  EXPECT_EQ(std::set<uint16_t>(r.requester_ids.begin(), r.requester_ids.end()).size(), 2u * vfs);
  for (unsigned v = 0; v < vfs; ++v) EXPECT_GT(r.msis_by_requester[v], 0u) << "GPU 0 VF " << v;
  EXPECT_GT(r.msis_by_requester[vfs + to_vf], 0u) << "the destination VF sends with its own requester ID";

  ASSERT_EQ(r.migrations.size(), 1u);
  const MigrationRecord& m = r.migrations[0];
  EXPECT_LT(m.pause_ps, m.quiesced_ps);
  EXPECT_LE(m.quiesced_ps, m.saved_ps);
  EXPECT_LE(m.saved_ps, m.restored_ps);
  EXPECT_LE(m.restored_ps, m.resumed_ps);
  EXPECT_LT(m.resumed_ps - m.pause_ps, 750'000'000'000ull) << "pause time over the 750 ms target";
  EXPECT_EQ(m.replayed_after_resume, m.pending_at_pause);
  EXPECT_EQ(m.ddi_writes, 4u) << "every table entry rewritten through the DDI";

  // The migrated guest keeps running on the destination: fences completed there are reported.
  ASSERT_EQ(r.guests.size(), vfs);
  unsigned after = 0;
  r.guests[migrating].handled.for_each(
      [&](const GuestRecord::Handled& h) { after += h.pulse_ps > m.resumed_ps; });
  EXPECT_GT(after, 0u);
  for (const auto& g : r.guests) EXPECT_GT(g.handled.size(), 0u) << "vm " << g.vm;
}

}  // namespace
}  // namespace irqlab::gpup
