// The PF topology's software pieces (tb/system/pf_system builds them): the adapter's
// vectors and DPC, the driver fault names, the engines as dxgkrnl's submission target, host
// memory as dxgkrnl fills it, the PnP manager, and devices that interrupt without PCIe.
#pragma once

#include <systemc>

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "display_miniport.hpp"
#include "host_memory.hpp"
#include "kernel.hpp"
#include "platform.hpp"
#include "poisson_gap.hpp"
#include "scenario.hpp"
#include "scenario_settings.hpp"
#include "video_port_model.hpp"

namespace irqlab::run {

inline constexpr uint8_t kAdapterVector = 0x80;   ///< message 0 (IRQL 8)
inline constexpr uint8_t kMessage1Vector = 0x98;  ///< only faulty drivers use message 1 (IRQL 9)
inline constexpr const char* kAdapterDpc = "dxgk_adapter_dpc";

/// The adapter's DPC: dxgkrnl's for the WDDM miniport, videoprt's for the XPDM one.
inline bool adapter_dpc(const kernel::Kdpc& d) {
  return d.name == kAdapterDpc || d.name == videoport::VideoPortModel::kDpcName;
}

/// driver.fault's name -> the miniport's fault; throws ScenarioError naming the known ones.
kmd::DriverFault parse_fault(const std::string& s);

class EngineSubmission : public wddm::GpuSubmission {
 public:
  explicit EngineSubmission(platform::Platform& p) : p_(p) {}
  void submit(uint32_t node, uint32_t fence, uint64_t duration_ps, uint32_t bytes, Outcome o) override {
    p_.engines[node]->submit(engine_work(fence, duration_ps, bytes, o));
  }

 private:
  platform::Platform& p_;
};

/// Host memory as dxgkrnl fills it (a CPU store: no link traffic).
class SystemMemoryOf : public wddm::SystemMemory {
 public:
  explicit SystemMemoryOf(host::HostMemory& m) : m_(m) {}
  void write(uint64_t pa, const void* data, uint32_t bytes) override {
    m_.write(pa, static_cast<const uint8_t*>(data), bytes, pcie::now_ps());
  }

 private:
  host::HostMemory& m_;
};

/// A draw of `d` (microseconds).
double sample_us(const Distribution& d, std::mt19937_64& rng);

/// PnP manager: start the adapter, then stop it when asked (after the drain).
class PnpManager : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(PnpManager);
  PnpManager(sc_core::sc_module_name n, std::function<void()> start, std::function<void()> stop)
      : sc_core::sc_module(n), start_(std::move(start)), stop_(std::move(stop)) {
    SC_THREAD(run);
  }
  sc_core::sc_event stop_requested;

 private:
  void run() {
    start_();
    wait(stop_requested);
    stop_();
  }
  std::function<void()> start_, stop_;
};

/// A device that is not on PCIe here (background load): Poisson interrupts to its vector
/// on chosen CPUs; its ISR and DPC each cost a sampled time.
class BackgroundDevice {
 public:
  BackgroundDevice(kernel::Kernel& k, const BackgroundSource& b, const Scenario& sc, size_t i,
                   uint64_t& count)
      : k_(k), b_(b) {
    for (unsigned c = 0; c < k.num_cpus(); ++c) {
      auto st = std::make_unique<PerCpu>();
      st->rng.seed(sc.seed * 1'000'003 + i * 131 + c);
      st->dpc.name = b.name + "_dpc";
      st->dpc.target_cpu = static_cast<int>(c);
      st->dpc.routine = [this, s = st.get()] { k_.cost(cycles(sample_us(b_.dpc_us, s->rng))); };
      cpus_.push_back(std::move(st));
    }
    k.connect_interrupt(b.name, static_cast<uint8_t>(b.vector), 0, [this] {
      PerCpu& s = *cpus_[k_.current_cpu()->index()];
      k_.cost(cycles(sample_us(b_.isr_us, s.rng)));
      k_.insert_queue_dpc(s.dpc);
      return true;
    });
    const uint64_t end = static_cast<uint64_t>(sc.duration_ms * 1e9);
    for (unsigned c = 0; c < k.num_cpus(); ++c) {
      if (b.cpu >= 0 && static_cast<unsigned>(b.cpu) != c) continue;
      sc_core::sc_spawn([this, c, end, &count] { generate(c, end, count); },
                        (b.name + "_gen" + std::to_string(c)).c_str());
    }
  }

 private:
  struct PerCpu {
    std::mt19937_64 rng;
    kernel::Kdpc dpc;
  };
  uint64_t cycles(double us) const { return static_cast<uint64_t>(us * k_.config().cpu_ghz * 1000); }
  void generate(unsigned c, uint64_t end, uint64_t& count) {
    if (b_.rate_hz <= 0) return;
    std::exponential_distribution<double> gap(b_.rate_hz);
    std::mt19937_64& rng = cpus_[c]->rng;
    for (;;) {
      if (pcie::now_ps() >= end) return;
      sc_core::wait(sc_core::sc_time::from_value(host::bounded_gap_ps(gap(rng), end - pcie::now_ps())));
      if (pcie::now_ps() >= end) return;
      ++count;
      host::MsiMessage m;
      m.dest_apic_id = static_cast<uint8_t>(c);
      m.vector = static_cast<uint8_t>(b_.vector);
      k_.cpu(c).hw().deliver(m, pcie::now_ps());
    }
  }
  kernel::Kernel& k_;
  BackgroundSource b_;
  std::vector<std::unique_ptr<PerCpu>> cpus_;
};

}  // namespace irqlab::run
