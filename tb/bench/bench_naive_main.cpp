// irq_bench_naive: mode (b) of irq_bench. The Verilated --sc model, clocked by an
// sc_clock, with the schedule applied by a clocked SC_METHOD: the way a co-simulation
// is often first written. Prints {"mcycles_per_s", "checksum", "messages"}.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <systemc>

#include "Virq_ctrl_sc.h"
#include "bench_schedule.hpp"

namespace {

using namespace irqlab;

SC_MODULE(Driver) {
  sc_core::sc_in<bool> clk;
  sc_core::sc_signal<bool> rst_ni{"rst_ni"};
  sc_core::sc_signal<uint32_t> dma_completed{"dma_completed"}, dma_preempted{"dma_preempted"},
      dma_faulted{"dma_faulted"}, vsync{"vsync"}, pf_node{"pf_node"}, awaddr{"awaddr"}, awprot{"awprot"},
      wstrb{"wstrb"}, araddr{"araddr"}, bresp{"bresp"}, rresp{"rresp"}, pf_fence{"pf_fence"},
      msg_data{"msg_data"}, msg_vector{"msg_vector"}, msi_mme{"msi_mme"}, msi_data{"msi_data"},
      msi_mask{"msi_mask"}, msi_pending{"msi_pending"}, intr_status{"intr_status"};
  sc_core::sc_signal<sc_dt::sc_bv<128>> cmpl_fence{"cmpl_fence"}, pre_fence{"pre_fence"},
      flt_fence{"flt_fence"};
  sc_core::sc_signal<bool> pf{"pf"}, msix_en{"msix_en"}, fm{"fm"}, intx_dis{"intx_dis"}, awvalid{"awvalid"},
      wvalid{"wvalid"}, bready{"bready"}, arvalid{"arvalid"}, rready{"rready"}, msg_ready{"msg_ready"},
      awready{"awready"}, wready{"wready"}, bvalid{"bvalid"}, arready{"arready"}, rvalid{"rvalid"},
      msg_valid{"msg_valid"}, intx{"intx"}, intx_status{"intx_status"}, idle{"idle"}, msi_en{"msi_en"};
  sc_core::sc_signal<uint64_t> pf_va{"pf_va"}, wdata{"wdata"}, rdata{"rdata"}, msg_addr{"msg_addr"},
      msi_addr{"msi_addr"}, timer{"timer"}, wake{"wake"};

  std::vector<bench::ScheduledInput> schedule;
  bench::ScheduleDriver* driver = nullptr;
  bench::Checksum sum;
  uint64_t negedges = 0, cycles = 0;

  SC_CTOR(Driver) {
    SC_METHOD(on_negedge);
    sensitive << clk.neg();
    dont_initialize();
  }

  // At negedge k the outputs of k posedges are visible; the first posedge is reset.
  void on_negedge() {
    const uint64_t k = negedges++;
    if (k == 0) {
      rst_ni.write(true);
      msix_en.write(true);
      bready.write(true);
      rready.write(true);
      msg_ready.write(true);
      return;
    }
    const uint64_t c = k - 1;
    irqctrl::Outputs o;
    o.awready = awready.read();
    o.wready = wready.read();
    o.bvalid = bvalid.read();
    o.msg_valid = msg_valid.read();
    if (o.msg_valid)
      sum.message(c, static_cast<uint16_t>(msg_vector.read()), msg_addr.read(), msg_data.read());
    if (c == cycles) {
      sc_core::sc_stop();
      return;
    }
    irqctrl::Inputs in;
    driver->apply(c, o, in);
    timer.write(c);  // the GPU's global timer: the cycle the next posedge ends
    dma_completed.write(in.dma_completed);
    if (in.dma_completed) {
      sc_dt::sc_bv<128> f;
      for (unsigned n = 0; n < 4; ++n) f.range(32 * n + 31, 32 * n) = in.dma_completed_fence[n];
      cmpl_fence.write(f);
    }
    awvalid.write(in.awvalid);
    awaddr.write(in.awaddr);
    awprot.write(in.awprot);
    wvalid.write(in.wvalid);
    wdata.write(in.wdata);
    wstrb.write(in.wstrb);
  }
};

}  // namespace

int sc_main(int argc, char** argv) {
  bench::WorkloadSpec spec;
  if (argc > 1) spec.cycles = std::strtoull(argv[1], nullptr, 10);
  if (argc > 2) spec.seed = std::strtoull(argv[2], nullptr, 10);
  const uint64_t period_ps = 625;
  sc_core::sc_clock clk("clk", sc_core::sc_time::from_value(period_ps), 0.5, sc_core::SC_ZERO_TIME, false);
  Virq_ctrl_sc dut("dut");
  Driver d("driver");
  d.schedule = bench::make_schedule(spec, irqctrl::Config{});
  bench::ScheduleDriver drv(d.schedule);
  d.driver = &drv;
  d.cycles = spec.cycles;
  d.clk(clk);
  dut.clk_i(clk);
  dut.rst_ni(d.rst_ni);
  dut.dma_completed_i(d.dma_completed);
  dut.dma_completed_fence_i(d.cmpl_fence);
  dut.dma_preempted_i(d.dma_preempted);
  dut.dma_preempted_fence_i(d.pre_fence);
  dut.dma_faulted_i(d.dma_faulted);
  dut.dma_faulted_fence_i(d.flt_fence);
  dut.vsync_i(d.vsync);
  dut.pf_i(d.pf);
  dut.pf_fence_i(d.pf_fence);
  dut.pf_node_i(d.pf_node);
  dut.pf_va_i(d.pf_va);
  dut.cfg_msix_enable_i(d.msix_en);
  dut.cfg_msix_func_mask_i(d.fm);
  dut.cfg_intx_disable_i(d.intx_dis);
  dut.awvalid_i(d.awvalid);
  dut.awready_o(d.awready);
  dut.awaddr_i(d.awaddr);
  dut.awprot_i(d.awprot);
  dut.wvalid_i(d.wvalid);
  dut.wready_o(d.wready);
  dut.wdata_i(d.wdata);
  dut.wstrb_i(d.wstrb);
  dut.bvalid_o(d.bvalid);
  dut.bready_i(d.bready);
  dut.bresp_o(d.bresp);
  dut.arvalid_i(d.arvalid);
  dut.arready_o(d.arready);
  dut.araddr_i(d.araddr);
  dut.rvalid_o(d.rvalid);
  dut.rready_i(d.rready);
  dut.rdata_o(d.rdata);
  dut.rresp_o(d.rresp);
  dut.msg_valid_o(d.msg_valid);
  dut.msg_ready_i(d.msg_ready);
  dut.msg_addr_o(d.msg_addr);
  dut.msg_data_o(d.msg_data);
  dut.msg_vector_o(d.msg_vector);
  dut.intx_o(d.intx);
  dut.intx_status_o(d.intx_status);
  dut.idle_o(d.idle);
  dut.timer_i(d.timer);
  dut.wake_o(d.wake);
  dut.cfg_msi_enable_i(d.msi_en);
  dut.cfg_msi_mme_i(d.msi_mme);
  dut.cfg_msi_addr_i(d.msi_addr);
  dut.cfg_msi_data_i(d.msi_data);
  dut.cfg_msi_mask_i(d.msi_mask);
  dut.msi_pending_o(d.msi_pending);
  dut.intr_status_o(d.intr_status);
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"mcycles_per_s\": %.4f, \"checksum\": \"%016llx\", \"messages\": %llu}\n",
              spec.cycles / s / 1e6, static_cast<unsigned long long>(d.sum.value()),
              static_cast<unsigned long long>(d.sum.count()));
  return 0;
}
