// Scenario loading: every documented key parses; an unknown key, a wrong type or an
// out-of-range value is refused with file:line and the key.
#include <gtest/gtest.h>

#include "scenario.hpp"

namespace irqlab::run {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_scenario(yaml, "s.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Scenario, FullScenarioParses) {
  const Scenario s = parse_scenario(R"(name: t
description: every key
profile: gen3x8
seed: 9
duration_ms: 5
drain_ms: 1
cpus: 2
cpu_ghz: 2.5
interrupt_cpu: 1
dpc_cpu: 0
quantum_cycles: 64
engines: {nodes: 2, mean_gap_us: 10, duration_us: [1, 5], max_result_bytes: 512, preempt_requests_per_ms: 2, fault_probability: 0.05}
display: {heads_hz: [60]}
kernel: {interrupt_entry_cycles: 100, interrupt_exit_cycles: 50, dpc_dispatch_cycles: 70}
driver: {fault: none, isr_prologue_cycles: 1, isr_per_source_cycles: 2, isr_epilogue_cycles: 3, dpc_body_cycles: 4}
background:
  - {name: nic, cpu: all, vector: 0x60, rate_hz: 100, isr_us: {dist: fixed, value: 1}, dpc_us: {dist: uniform, min: 1, max: 2}}
waves: {start_us: 10, end_us: 20}
)",
                                    "t.yaml");
  EXPECT_EQ(s.profile, "gen3x8");
  EXPECT_EQ(s.cpus, 2u);
  EXPECT_EQ(s.interrupt_cpu, 1u);
  EXPECT_EQ(s.nodes, 2u);
  EXPECT_DOUBLE_EQ(s.max_duration_us, 5);
  EXPECT_DOUBLE_EQ(s.preempt_per_ms, 2);
  EXPECT_EQ(s.head_hz.size(), 1u);
  ASSERT_EQ(s.background.size(), 1u);
  EXPECT_EQ(s.background[0].vector, 0x60u);
  EXPECT_EQ(s.background[0].cpu, -1);
  EXPECT_EQ(s.background[0].dpc_us.kind, Distribution::kUniform);
  EXPECT_EQ(s.dpc_body_cycles, 4u);
  EXPECT_DOUBLE_EQ(s.waves_end_us, 20);
}

TEST(Scenario, BuiltinsParse) {
  for (const auto& b : builtin_scenarios()) EXPECT_NO_THROW(parse_scenario(b.yaml, b.name)) << b.name;
}

TEST(Scenario, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("name: x\nengines:\n  nodez: 2\n"),
            "s.yaml:3: key 'engines.nodez': unknown key; did you mean 'nodes'? (allowed: doorbell, "
            "duration_us, fault_probability, "
            "first_fence, max_result_bytes, "
            "mean_gap_us, nodes, preempt_requests_per_ms, queue_depth)");
  EXPECT_EQ(error_of("name: x\nengines:\n  doorbell: bell\n"),
            "s.yaml:3: key 'engines.doorbell': 'bell' is not mmio or modelled");
  EXPECT_EQ(error_of("cpus: four\n"), "s.yaml:1: key 'cpus': expected a number, got 'four'");
  EXPECT_EQ(error_of("cpus: 2\ninterrupt_cpu: 5\n"),
            "s.yaml:2: key 'interrupt_cpu': value 5 out of range [0, 1]");
  EXPECT_EQ(error_of("engines: {nodes: 9}\n"), "s.yaml:1: key 'engines.nodes': value 9 out of range [1, 4]");
  EXPECT_EQ(error_of("duration_ms: -3\n"),
            "s.yaml:1: key 'duration_ms': value -3 out of range [0.01, 10000]");
  EXPECT_EQ(error_of("display: {heads_hz: [60, 60, 60]}\n"),
            "s.yaml:1: key 'display.heads_hz': expected a list of at most 2 rates");
  EXPECT_NE(
      error_of("background:\n  - {rate_hz: 5, isr_us: {dist: gamma, mean: 1}}\n")
          .find("s.yaml:2: key 'background[0].isr_us.dist': 'gamma' is not exponential, uniform or fixed"),
      std::string::npos);
  EXPECT_NE(error_of("engines: {duration_us: [5, 1]}\n").find("key 'engines.duration_us[1]'"),
            std::string::npos);
  EXPECT_NE(error_of("name: [unclosed\n").find("s.yaml:"), std::string::npos);
  EXPECT_THROW(load_scenario("/nonexistent/x.yaml"), ScenarioError);
  EXPECT_EQ(
      error_of("profile: gen9x1\n"),
      "s.yaml:1: key 'profile': no profile 'gen9x1' in config/pcie_profiles.yaml (known: gen3x8, gen4x16, "
      "gen5x16)");
  EXPECT_EQ(error_of("- a\n- b\n"),
            "s.yaml:1: key '(top level)': a scenario is a mapping of keys (see docs/scenarios.md)");
  EXPECT_EQ(error_of("shared_line: {rate_hz: 5}\n"),
            "s.yaml:1: key 'shared_line': needs interrupt_mode: intx");
  EXPECT_EQ(error_of("interrupt_mode: msy\n"),
            "s.yaml:1: key 'interrupt_mode': 'msy' is not msix, msi or intx");
  EXPECT_EQ(error_of("interrupt_mode: msi\nmsi_messages: 3\n"),
            "s.yaml:2: key 'msi_messages': 3 is not a power of two");
  EXPECT_EQ(error_of("msi_messages: 4\n"), "s.yaml:1: key 'msi_messages': needs interrupt_mode: msi");
}

TEST(Scenario, GpupErrorsNameFileLineAndKey) {
  const std::string g = "gpup: {vfs: 4, gpus: 2}\nmigrations:\n";
  EXPECT_EQ(error_of(g + "  - {vf: 7, at_ms: 1}\n"),
            "s.yaml:3: key 'migrations[0].vf': VF 7 does not exist: GPU 0 has gpup.vfs = 4 (indices 0..3)");
  EXPECT_EQ(error_of(g + "  - {vf: 1, to_vf: 4}\n"),
            "s.yaml:3: key 'migrations[0].to_vf': VF index 4 is past gpup.vfs (4)");
  EXPECT_EQ(error_of(g + "  - {vf: 1, to_gpu: 2}\n"),
            "s.yaml:3: key 'migrations[0].to_gpu': GPU 2 does not exist (gpup.gpus = 2)");
  EXPECT_EQ(
      error_of("gpup: {vfs: 4, guests: 2}\nmigrations:\n  - {vf: 3}\n"),
      "s.yaml:3: key 'migrations[0].vf': VF 3 runs no guest (gpup.guests = 2): there is nothing to migrate");
  EXPECT_EQ(error_of("gpup: {vfs: 65}\n"), "s.yaml:1: key 'gpup.vfs': value 65 out of range [1, 64]");
  EXPECT_EQ(error_of("gpup: {vfs: 2, guests: 3}\n"),
            "s.yaml:1: key 'gpup.guests': 3 guests need VF indices past gpup.vfs (2)");
  EXPECT_EQ(error_of("migrations: []\n"), "s.yaml:1: key 'migrations': needs a gpup: section");
  EXPECT_EQ(error_of("gpup: {vfs: 4, gpus: 1}\nmigrations:\n  - {vf: 0}\n"),
            "s.yaml:3: key 'migrations[0].to_gpu': GPU 1 does not exist (gpup.gpus = 1)");
  EXPECT_EQ(run::parse_scenario("gpup: {vfs: 64}\n", "t").gpup.guests, 64u) << "one guest per VF by default";
}

}  // namespace
}  // namespace irqlab::run

namespace irqlab::run {
namespace {

TEST(Scenario, HostDispatchKeys) {
  const Scenario s = parse_scenario(R"(cpus: 4
kernel: {insert_queue_dpc_cycles: 7, spinlock_acquire_cycles: 8, spinlock_release_cycles: 9, ipi_send_cycles: 10,
         ipi_receive_cycles: 11, ipi_latency_ns: 500, clock_tick_us: 1000, maximum_dpc_queue_depth: 2,
         minimum_dpc_rate: 0, cpus_idle_at_passive: false, dxgk_notify_interrupt_cycles: 12, dxgk_notify_dpc_cycles: 13}
driver: {dpc_target: 3, dpc_importance: medium_high, dpc_objects: per_message_per_cpu, dpc_per_fence_cycles: 5,
         dpc_per_vsync_cycles: 6}
checks: {dpc_bound_ms: 0.5}
watchdog: {routine_limit_ms: 2, completion_timeout_ms: 20, stall_wall_s: 5}
faults: {drop_read_completion: 9, stall_at_ms: 3}
engines: {first_fence: 4294967000}
)",
                                    "t.yaml");
  EXPECT_EQ(s.dpc_cpu, 3);
  EXPECT_EQ(s.dpc_importance, 3u) << "MediumHighImportance is 3 in wdm.h";
  EXPECT_TRUE(s.dpc_per_message_per_cpu);
  EXPECT_EQ(s.insert_queue_dpc_cycles, 7u);
  EXPECT_DOUBLE_EQ(s.ipi_latency_ns, 500);
  EXPECT_FALSE(s.cpus_idle_at_passive);
  EXPECT_EQ(s.notify_dpc_cycles, 13u);
  EXPECT_EQ(s.dpc_per_vsync_cycles, 6u);
  EXPECT_DOUBLE_EQ(s.dpc_bound_ms, 0.5);
  EXPECT_DOUBLE_EQ(s.completion_timeout_ms, 20);
  EXPECT_EQ(s.drop_read_completion, 9u);
  EXPECT_EQ(s.first_fence, 4294967000u);
  const Scenario d = parse_scenario("name: d\n", "d.yaml");
  EXPECT_EQ(d.dpc_cpu, -1) << "KeInsertQueueDpc's default: the current processor";
  EXPECT_EQ(d.dpc_importance, 1u) << "MediumImportance";
  EXPECT_EQ(parse_scenario("dpc_cpu: same\n", "x").dpc_cpu, -1);
}

TEST(Scenario, FaultKnobs) {
  const Scenario s =
      parse_scenario(R"(faults: {spurious_msi_every_us: 20, stuck_source: {bit: 3, at_ms: 0.25},
         drop_msi: 7, corrupt_tlp_every: 40, link_replay: false, completion_timeout_us: 100,
         message_slots: 2, message_drop_when_full: true}
checks: {storm_limit_per_ms: 40}
)",
                     "f.yaml");
  EXPECT_DOUBLE_EQ(s.spurious_msi_every_us, 20);
  EXPECT_EQ(s.stuck_source_bit, 3);
  EXPECT_DOUBLE_EQ(s.stuck_at_ms, 0.25);
  EXPECT_EQ(s.drop_msi, 7u);
  EXPECT_EQ(s.corrupt_tlp_every, 40u);
  EXPECT_FALSE(s.link_replay);
  EXPECT_DOUBLE_EQ(s.completion_timeout_us, 100);
  EXPECT_EQ(s.message_slots, 2u);
  EXPECT_TRUE(s.message_drop_when_full);
  EXPECT_DOUBLE_EQ(s.storm_limit_per_ms, 40);
  const Scenario d = parse_scenario("name: d\n", "d.yaml");
  EXPECT_EQ(d.stuck_source_bit, -1) << "every fault is off by default";
  EXPECT_TRUE(d.link_replay);
  EXPECT_EQ(d.message_slots, 0u);
  EXPECT_DOUBLE_EQ(d.completion_timeout_us, 0);
}

TEST(Scenario, FaultKnobErrors) {
  EXPECT_EQ(error_of("faults: {stuck_source: {at_ms: 1}}\n"),
            "s.yaml:1: key 'faults.stuck_source': needs bit: the INTR_STATUS bit that is stuck");
  EXPECT_EQ(error_of("faults: {stuck_source: {bit: 29}}\n"),
            "s.yaml:1: key 'faults.stuck_source.bit': value 29 out of range [0, 28]");
  EXPECT_EQ(error_of("faults: {completion_timeout_us: 10}\n"),
            "s.yaml:1: key 'faults.completion_timeout_us': value 10 out of range [50, 6.4e+07]");
  EXPECT_EQ(error_of("faults: {link_replay: sometimes}\n"),
            "s.yaml:1: key 'faults.link_replay': expected true or false, got 'sometimes'");
  EXPECT_EQ(error_of("faults: {message_slots: 0}\n"),
            "s.yaml:1: key 'faults.message_slots': value 0 out of range [1, 4096]");
}

TEST(Scenario, HostDispatchErrors) {
  EXPECT_EQ(error_of("driver: {dpc_importance: urgent}\n"),
            "s.yaml:1: key 'driver.dpc_importance': 'urgent' is not low, medium, medium_high or high");
  EXPECT_EQ(error_of("cpus: 2\ndriver: {dpc_target: 2}\n"),
            "s.yaml:2: key 'driver.dpc_target': value 2 out of range [0, 1]");
  EXPECT_EQ(error_of("watchdog: {completion_timeout_ms: 0.01}\n"),
            "s.yaml:1: key 'watchdog.completion_timeout_ms': value 0.01 out of range [0.05, 64000]");
  EXPECT_EQ(error_of("kernel: {cpus_idle_at_passive: maybe}\n"),
            "s.yaml:1: key 'kernel.cpus_idle_at_passive': expected true or false, got 'maybe'");
}

}  // namespace
}  // namespace irqlab::run

// libsystemc.so refers to sc_main; this test never starts SystemC, but a sanitizer build
// keeps the library linked, so the reference must resolve.
extern "C" int sc_main(int, char**) {
  return 0;
}

namespace irqlab::run {
namespace {

TEST(Closest, SuggestsOnlyPlausibleTypos) {
  const std::vector<std::string> keys{"nodes", "mean_gap_us", "duration_us", "doorbell"};
  EXPECT_EQ(closest("nodse", keys), "nodes");
  EXPECT_EQ(closest("mean_gapus", keys), "mean_gap_us");
  EXPECT_EQ(closest("durations_us", keys), "duration_us");
  EXPECT_EQ(closest("banana", keys), "");
  EXPECT_EQ(closest("", keys), "");
}

}  // namespace
}  // namespace irqlab::run
