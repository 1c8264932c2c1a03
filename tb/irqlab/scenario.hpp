// Scenarios of `irqlab run`: YAML, every key documented in docs/scenarios.md. Loading is
// strict: an unknown key, a wrong type or an out-of-range value throws ScenarioError
// naming the file, line and key.
#pragma once

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace irqlab::run {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Distribution {
  enum Kind { kFixed, kUniform, kExponential } kind = kExponential;
  double a = 1;  ///< fixed value, uniform min, or exponential mean (microseconds)
  double b = 0;  ///< uniform max
};

struct BackgroundSource {
  std::string name = "background";
  int cpu = -1;  ///< -1: every CPU
  unsigned vector = 0x60;
  double rate_hz = 0;
  Distribution isr_us{Distribution::kExponential, 2, 0};
  Distribution dpc_us{Distribution::kExponential, 10, 0};
};

/// `nic:` (seed 003): a NIC on its own root port with the controller RTL, one MSI-X message
/// per receive queue, NDIS's MSI handling and an NDIS miniport (docs/nic.md).
struct NicSettings {
  bool enabled = false;
  unsigned queues = 0;             ///< 0: one per CPU (at most 8: the controller's DMA sources)
  double rate_pps = 200'000;       ///< packets per second, arriving in bursts
  double burst = 8;                ///< mean packets per burst (geometric)
  unsigned packet_bytes = 256;     ///< DMA'd to host memory per packet
  double packet_ns = 100;          ///< the receive engine's time per packet
  unsigned ring = 256;             ///< descriptors per queue (a full ring drops packets)
  uint32_t target_processors = 0;  ///< CPUs that get the queue's DPC too
  bool with_queue_dpc = false;     ///< asked for with NdisMQueueDpc instead of TargetProcessors
  std::string fault = "none";      ///< the miniport's: none, returns-false
  std::string ndis_fault =
      "none";  ///< NDIS's: none, one-dpc-per-cpu, one-dpc-per-message, ignores-target-processors
};

struct Scenario {
  std::string name = "default";
  std::string description;
  std::string profile = "gen4x16";
  uint64_t seed = 1;
  double duration_ms = 50;  ///< submissions stop here
  double drain_ms = 2;      ///< then everything in flight finishes
  unsigned cpus = 4;
  double cpu_ghz = 3.0;
  unsigned interrupt_cpu = 0;
  // the adapter's DPC (driver.dpc_target / dpc_importance / dpc_objects)
  int dpc_cpu = -1;             ///< KeSetTargetProcessorDpcEx; -1: none, the current processor
  unsigned dpc_importance = 1;  ///< KDPC_IMPORTANCE: 0 low, 1 medium, 2 high, 3 medium-high
  bool dpc_per_message_per_cpu = false;
  uint64_t quantum_cycles = 256;
  unsigned msix_vectors = 64;  ///< MSI-X table entries of the controller build: 64 or 2048
  // engines
  unsigned nodes = 4;
  double mean_gap_us = 20;
  double min_duration_us = 2, max_duration_us = 40;
  uint32_t max_result_bytes = 8192;
  double preempt_per_ms = 1, fault_probability = 0.01;  ///< preemption requests per ms per node
  uint32_t first_fence = 1;  ///< first fence ID of each node (near 2^32 to test the wrap)
  /// mmio: dxgkrnl submits through DxgkDdiSubmitCommand, which rings the front end's
  /// doorbell over the link; a page fault halts the engine until DxgkDdiResetEngine.
  /// modelled: the doorbell is a modelled delay and faulting engines keep running.
  bool doorbell_mmio = true;
  unsigned queue_depth = 2;  ///< buffers per node submitted and not yet retired by the DPC
  // display
  std::vector<double> head_hz = {60, 144};
  // kernel, dxgkrnl and driver costs (CPU cycles) and DPC policies; docs/timing.md
  uint64_t interrupt_entry_cycles = 600, interrupt_exit_cycles = 400, dpc_dispatch_cycles = 900;
  uint64_t insert_queue_dpc_cycles = 150, spinlock_acquire_cycles = 40, spinlock_release_cycles = 20;
  uint64_t ipi_send_cycles = 400, ipi_receive_cycles = 300;
  double ipi_latency_ns = 1000;
  double clock_tick_us = 15625;
  unsigned maximum_dpc_queue_depth = 4, minimum_dpc_rate = 3;
  bool cpus_idle_at_passive = true;  ///< false: CPUs always run threads (no idle-loop draining)
  uint64_t notify_interrupt_cycles = 300, notify_dpc_cycles = 600;
  uint64_t isr_prologue_cycles = 250, isr_per_source_cycles = 120, isr_epilogue_cycles = 150,
           dpc_body_cycles = 600, dpc_per_fence_cycles = 300, dpc_per_vsync_cycles = 400;
  std::string driver_fault = "none";
  /// driver.model: "wddm" (the display miniport under dxgkrnl) or "xpdm" (a video miniport
  /// under videoprt.sys, line-based; docs/xpdm.md).
  std::string driver_model = "wddm";
  double stall_warn_us = 5;  ///< driver.stall_warn_us: an ISR's VideoPortStallExecution over it is a warning
  double isr_stall_fail_us = 50;   ///< checks.isr_stall_fail_us: over it, xpdm-isr-stall fails
  uint32_t moderation_cycles = 0;  ///< programmed into VEC_MOD of message 0 by the driver
  std::vector<BackgroundSource> background;
  NicSettings nic;
  bool intx_mode = false;          ///< interrupt_mode: intx (MSI-X left disabled)
  bool msi_mode = false;           ///< interrupt_mode: msi (the MSI capability instead of MSI-X)
  unsigned msi_messages = 1;       ///< vectors the OS allocates in MSI mode (power of two, 1..32)
  double shared_line_rate_hz = 0;  ///< a second device on the INTx line (0: none)
  Distribution shared_line_isr_us{Distribution::kFixed, 1, 0};
  // GPU-P (the `gpup:` section): when set, `irqlab run` assembles the GPU-P system instead
  struct Migration {
    unsigned vf = 0;      ///< the VF on GPU 0 whose guest migrates
    double at_ms = 1;     ///< when the pause begins
    unsigned to_gpu = 1;  ///< destination GPU instance
    unsigned to_vf = 0;   ///< destination VF
  };
  struct Gpup {
    bool enabled = false;
    unsigned gpus = 2;                       ///< GPU instances (1..8)
    unsigned vfs = 4;                        ///< VFs per GPU instance (1..64)
    unsigned guests = 0;                     ///< VMs, on VFs 0..guests-1 of GPU 0 (0: one per VF)
    double guest_mean_gap_us = 20;           ///< per guest: mean gap between submissions
    double vm_exit_us = 1.5;                 ///< host ISR cost to forward an interrupt into a guest
    bool kmd_skips_pending_restore = false;  ///< gpup.kmd_fault: a deliberately broken host KMD (tests)
    std::vector<Migration> migrations;
  } gpup;
  // checks and the watchdog
  double dpc_bound_ms = 1;            ///< interrupt-reaches-dpc: source to DPC start
  double storm_limit_per_ms = 100;    ///< fault-stuck-source: adapter ISRs per ms a storm may reach
  double routine_limit_ms = 10;       ///< a CPU in one ISR or DPC longer than this is hung
  double completion_timeout_ms = 50;  ///< a non-posted request without completion (PCIe CTO)
  double stall_wall_s = 60;           ///< wall time without simulated progress: stalled
  // fault injection (tests of the watchdog)
  uint64_t drop_read_completion = 0;  ///< the Nth MMIO read of the GPU is never completed (0: off)
  double stall_at_ms = -1;            ///< a model process loops in zero time from here (-1: off)
  uint64_t repeat_every_nth_dpc = 0;  ///< a broken kernel runs every Nth DPC twice (0: off)
  // fault injection (the platform's; each has its fault-* check)
  double spurious_msi_every_us = 0;     ///< a spurious MSI (no status bit set) this often (0: off)
  int stuck_source_bit = -1;            ///< INTR_STATUS bit driven every cycle (-1: off)
  double stuck_at_ms = 0;               ///< from here
  uint64_t drop_msi = 0;                ///< the Nth MSI to reach the root complex is discarded (0: off)
  uint64_t corrupt_tlp_every = 0;       ///< every Nth TLP on the GPU's link has a bad LCRC (0: off)
  bool link_replay = true;              ///< false: a broken link loses corrupted TLPs (tests)
  double completion_timeout_us = 0;     ///< root complex Completion Timeout for MMIO reads (0: off)
  unsigned message_slots = 0;           ///< controller messages the function's transmit queue holds (0: any)
  bool message_drop_when_full = false;  ///< a broken bridge that drops messages without a slot (tests)
  // waveform window (when --waves asks for one)
  double waves_start_us = 0, waves_end_us = -1;
};

/// Parse a scenario from YAML text; `origin` names it in error messages (a path or
/// "builtin:NAME").
/// `sets`: KEY=VALUE overrides (`irqlab run --set`), dotted keys, YAML values, applied on
/// top of the text and validated like it (errors name the key and "--set").
Scenario parse_scenario(const std::string& yaml, const std::string& origin,
                        const std::vector<std::string>& sets = {});
Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets = {});
/// A JSON Schema of the scenario format, recorded from the loader's own checks.
nlohmann::json scenario_schema();
/// Every key with the value `s` holds (defaults filled in), as a scenario file that
/// reproduces the run (scenario.effective.yaml).
std::string effective_yaml(const Scenario& s);
/// Set a dotted key (`engines.nodes`) of a scenario's YAML tree, creating maps on the way.
void set_scenario_key(YAML::Node root, const std::string& dotted, const YAML::Node& value);

/// The candidate nearest to `word` by edit distance, if it is a plausible typo of it
/// (edit distance at most a third of the word, at least 2); "" otherwise.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

struct Builtin {
  const char* name;
  const char* description;
  const char* yaml;
};
const std::vector<Builtin>& builtin_scenarios();

}  // namespace irqlab::run
