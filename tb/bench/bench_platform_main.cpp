// irq_bench_platform: mode (c) of irq_bench. The controller inside this project's
// SystemC bridge (one thread, temporal decoupling, exact idle skipping), fed the same
// schedule through its announcement interface with a lookahead of 128 GPU cycles.
// Prints {"mcycles_per_s", "checksum", "messages", "stepped", "skipped"}.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <systemc>

#include "bench_schedule.hpp"
#include "irq_ctrl_bridge.hpp"
#include "rtl_model.hpp"
#include "tlm_payload.hpp"

namespace {

using namespace irqlab;

class Feeder : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Feeder);
  tlm_utils::simple_initiator_socket<Feeder> mmio{"mmio"};
  tlm_utils::simple_target_socket<Feeder> msi{"msi"};
  Feeder(sc_core::sc_module_name n, bridge::IrqCtrlBridge& b, const std::vector<bench::ScheduledInput>& s,
         uint64_t period, uint64_t lookahead)
      : sc_core::sc_module(n), b_(b), s_(s), period_(period), lookahead_(lookahead) {
    msi.register_b_transport(this, &Feeder::on_msi);
    SC_THREAD(run);
  }

 private:
  void on_msi(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  void run() {
    // MSI-X Enable, which the other modes drive from reset: in place before any input.
    irqctrl::CfgInputs cfg;
    cfg.msix_enable = true;
    b_.post_config((bench::kFirstCycle - 1) * period_, cfg);
    for (const auto& e : s_) {
      const uint64_t at = e.cycle * period_;
      const uint64_t announce = at - lookahead_;
      const uint64_t now = sc_core::sc_time_stamp().value();
      if (announce > now) wait(sc_core::sc_time::from_value(announce - now));
      if (e.kind == bench::ScheduledInput::kPulse) {
        bridge::SourcePulse p;
        p.index = e.node;
        p.fence = e.fence;
        b_.post_pulse(at, p);
      } else {
        uint32_t v = e.value;
        tlm::tlm_generic_payload gp;
        pcie::prepare_payload(gp, tlm::TLM_WRITE_COMMAND, e.addr, &v, 4);
        sc_core::sc_time delay = sc_core::sc_time::from_value(at - sc_core::sc_time_stamp().value());
        mmio->b_transport(gp, delay);
      }
    }
  }
  bridge::IrqCtrlBridge& b_;
  const std::vector<bench::ScheduledInput>& s_;
  uint64_t period_, lookahead_;
};

}  // namespace

int sc_main(int argc, char** argv) {
  bench::WorkloadSpec spec;
  if (argc > 1) spec.cycles = std::strtoull(argv[1], nullptr, 10);
  if (argc > 2) spec.seed = std::strtoull(argv[2], nullptr, 10);
  const uint64_t period = 625, lookahead = 128 * period;
  bridge::BridgeOptions opt;
  opt.gpu_period_ps = period;
  opt.lookahead_ps = lookahead;
  bridge::IrqCtrlBridge b("irq_ctrl", irqctrl::make_rtl_model(irqctrl::RtlBuild::kDefaultFst), opt);
  const auto schedule = bench::make_schedule(spec, irqctrl::Config{});
  Feeder f("feeder", b, schedule, period, lookahead);
  f.mmio.bind(b.mmio);
  b.msi.bind(f.msi);
  // Cycle c's inputs are announced at c*P - lookahead, so the schedule starts later.
  static_assert(bench::kFirstCycle * 625 >= 128 * 625, "first input must lie beyond the lookahead");
  bench::Checksum sum;
  b.set_event_observer([&sum](const bridge::BridgeEvent& e) {
    if (e.kind == bridge::BridgeEvent::kMsi) sum.message(e.cycle, static_cast<uint16_t>(e.a), e.b, e.c);
  });
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start(sc_core::sc_time::from_value(spec.cycles * period));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "{\"mcycles_per_s\": %.4f, \"checksum\": \"%016llx\", \"messages\": %llu, \"stepped\": %llu, "
      "\"skipped\": %llu}\n",
      spec.cycles / s / 1e6, static_cast<unsigned long long>(sum.value()),
      static_cast<unsigned long long>(sum.count()), static_cast<unsigned long long>(b.stats().cycles_stepped),
      static_cast<unsigned long long>(b.stats().cycles_skipped));
  return 0;
}
