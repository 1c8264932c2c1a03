// Drives one Verilated build of irq_ctrl_top from the port structs. Included only by
// the per-build translation units, so each sees one Verilated class.
#pragma once

#include <verilated.h>

#include <memory>
#include <type_traits>

#include "reproducible_fst.hpp"
#include "rtl_model.hpp"

class VerilatedFstC;

namespace irqlab::irqctrl {

/// Word n of a packed [N-1:0][31:0] port: Verilator makes it a scalar when N is 1.
template <typename Port>
void set_packed_word(Port& port, unsigned n, uint32_t value) {
  if constexpr (std::is_integral_v<Port>) {
    (void)n;
    port = value;
  } else {
    port[n] = value;
  }
}

template <class V, class Tracer>
class VlIrqCtrl final : public RtlModel {
 public:
  VlIrqCtrl(const Config& cfg, const TraceOptions& trace) : cfg_(cfg), trace_(trace) {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->traceEverOn(!trace.path.empty());
    top_ = std::make_unique<V>(ctx_.get(), "irq_ctrl");
    if (!trace.path.empty()) {
      tfp_ = std::make_unique<Tracer>();
      top_->trace(tfp_.get(), 99);
      tfp_->open(trace.path.c_str());
    }
    reset();
  }
  ~VlIrqCtrl() override {
    top_->final();
    if (tfp_) {
      tfp_->close();
      if constexpr (std::is_same_v<Tracer, VerilatedFstC>) waves::stamp_fixed_fst_date(trace_.path);
    }
  }

  // rst_ni must see a falling edge (Verilator starts it at 0, which is no edge) and is
  // held low across one clock edge, then released with the clock low.
  void reset() override {
    apply(Inputs{});
    top_->timer_i = 0;
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->eval();
    top_->rst_ni = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
    top_->clk_i = 0;
    top_->eval();
    top_->rst_ni = 1;
    top_->eval();
    cycle_ = 0;
    dump(0);
  }

  Outputs outputs() const override {
    Outputs o;
    o.awready = top_->awready_o;
    o.wready = top_->wready_o;
    o.bvalid = top_->bvalid_o;
    o.bresp = top_->bresp_o;
    o.arready = top_->arready_o;
    o.rvalid = top_->rvalid_o;
    o.rdata = top_->rdata_o;
    o.rresp = top_->rresp_o;
    o.msg_valid = top_->msg_valid_o;
    o.msg_addr = top_->msg_addr_o;
    o.msg_data = top_->msg_data_o;
    o.msg_vector = top_->msg_vector_o;
    o.intx = top_->intx_o;
    o.intx_status = top_->intx_status_o;
    o.idle = top_->idle_o;
    o.wake = top_->wake_o;
    o.msi_pending = top_->msi_pending_o;
    o.intr_status = top_->intr_status_o;
    return o;
  }

  // Inputs are applied with the clock low (first half of the cycle), then the rising
  // edge samples them; the waveform shows both halves.
  void step(const Inputs& in) override {
    const uint64_t t = (cycle_ + 1) * trace_.clock_period_ps;
    apply(in);
    top_->timer_i = cycle_;  // the GPU's global timer: the cycle this edge ends
    top_->clk_i = 0;
    top_->eval();
    dump(t - trace_.clock_period_ps / 2);
    top_->clk_i = 1;
    top_->eval();
    dump(t);
    ++cycle_;
  }

  uint64_t cycle() const override { return cycle_; }
  void skip_idle(uint64_t cycles) override { cycle_ += cycles; }
  const Config& config() const override { return cfg_; }

 private:
  void apply(const Inputs& in) {
    top_->dma_completed_i = in.dma_completed;
    top_->dma_preempted_i = in.dma_preempted;
    top_->dma_faulted_i = in.dma_faulted;
    for (unsigned n = 0; n < cfg_.num_nodes; ++n) {
      set_packed_word(top_->dma_completed_fence_i, n, in.dma_completed_fence[n]);
      set_packed_word(top_->dma_preempted_fence_i, n, in.dma_preempted_fence[n]);
      set_packed_word(top_->dma_faulted_fence_i, n, in.dma_faulted_fence[n]);
    }
    top_->vsync_i = in.vsync;
    top_->pf_i = in.pf;
    top_->pf_fence_i = in.pf_fence;
    top_->pf_node_i = in.pf_node;
    top_->pf_va_i = in.pf_va;
    top_->cfg_msix_enable_i = in.cfg_msix_enable;
    top_->cfg_msix_func_mask_i = in.cfg_msix_func_mask;
    top_->cfg_intx_disable_i = in.cfg_intx_disable;
    top_->cfg_msi_enable_i = in.cfg_msi_enable;
    top_->cfg_msi_mme_i = in.cfg_msi_mme;
    top_->cfg_msi_addr_i = in.cfg_msi_addr;
    top_->cfg_msi_data_i = in.cfg_msi_data;
    top_->cfg_msi_mask_i = in.cfg_msi_mask;
    top_->awvalid_i = in.awvalid;
    top_->awaddr_i = in.awaddr;
    top_->awprot_i = in.awprot;
    top_->wvalid_i = in.wvalid;
    top_->wdata_i = in.wdata;
    top_->wstrb_i = in.wstrb;
    top_->bready_i = in.bready;
    top_->arvalid_i = in.arvalid;
    top_->araddr_i = in.araddr;
    top_->rready_i = in.rready;
    top_->msg_ready_i = in.msg_ready;
  }

  void dump(uint64_t t_ps) {
    if (tfp_ && cycle_ >= trace_.start_cycle && cycle_ - trace_.start_cycle < trace_.cycles) {
      tfp_->dump(t_ps);
    }
  }

  Config cfg_;
  TraceOptions trace_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<V> top_;
  std::unique_ptr<Tracer> tfp_;
  uint64_t cycle_ = 0;
};

}  // namespace irqlab::irqctrl
