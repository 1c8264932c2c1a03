// Port-level view of irq_ctrl_top, shared by the C++ reference model and the adapter
// that drives the Verilated RTL, so both see the same values at the same cycle.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "irq_ctrl_regs.hpp"

namespace irqlab::irqctrl {

namespace regs = irqlab::regs::irq_ctrl;

/// Build-time parameters of one controller instance.
struct Config {
  unsigned num_nodes = regs::kNumNodesDefault;
  unsigned num_heads = regs::kNumHeadsDefault;
  unsigned num_vectors = regs::kNumVectorsDefault;
};

inline constexpr uint8_t kRespOkay = 0;
inline constexpr uint8_t kRespSlvErr = 2;

/// Everything sampled at one rising clock edge. Pulse inputs are bit masks, bit n for
/// node n (or head h).
struct Inputs {
  uint8_t dma_completed = 0;
  uint8_t dma_preempted = 0;
  uint8_t dma_faulted = 0;
  std::array<uint32_t, regs::kNumNodesMax> dma_completed_fence{};
  std::array<uint32_t, regs::kNumNodesMax> dma_preempted_fence{};
  std::array<uint32_t, regs::kNumNodesMax> dma_faulted_fence{};
  uint8_t vsync = 0;
  bool pf = false;
  uint32_t pf_fence = 0;
  uint8_t pf_node = 0;
  uint64_t pf_va = 0;

  bool cfg_msix_enable = false;
  bool cfg_msix_func_mask = false;
  bool cfg_intx_disable = false;
  bool cfg_msi_enable = false;
  uint8_t cfg_msi_mme = 0;  ///< log2 of the MSI vectors allocated
  uint64_t cfg_msi_addr = 0;
  uint16_t cfg_msi_data = 0;
  uint32_t cfg_msi_mask = 0;

  bool awvalid = false;
  uint32_t awaddr = 0;
  uint8_t awprot = 0;  ///< AXI AWPROT; bit 0 = privileged (the host's migration path)
  bool wvalid = false;
  uint64_t wdata = 0;
  uint8_t wstrb = 0;
  bool bready = false;
  bool arvalid = false;
  uint32_t araddr = 0;
  bool rready = false;

  bool msg_ready = false;
};

/// The inputs that come from the function's PCI configuration space.
struct CfgInputs {
  bool msix_enable = false, msix_func_mask = false, intx_disable = false;
  bool msi_enable = false;
  uint8_t msi_mme = 0;
  uint64_t msi_addr = 0;
  uint16_t msi_data = 0;
  uint32_t msi_mask = 0;
  void apply(Inputs& in) const {
    in.cfg_msix_enable = msix_enable;
    in.cfg_msix_func_mask = msix_func_mask;
    in.cfg_intx_disable = intx_disable;
    in.cfg_msi_enable = msi_enable;
    in.cfg_msi_mme = msi_mme;
    in.cfg_msi_addr = msi_addr;
    in.cfg_msi_data = msi_data;
    in.cfg_msi_mask = msi_mask;
  }
};

/// Every output of the block. All of them are functions of state only.
struct Outputs {
  bool awready = false;
  bool wready = false;
  bool bvalid = false;
  uint8_t bresp = 0;
  bool arready = false;
  bool rvalid = false;
  uint64_t rdata = 0;
  uint8_t rresp = 0;
  bool msg_valid = false;
  uint64_t msg_addr = 0;
  uint32_t msg_data = 0;
  uint16_t msg_vector = 0;
  bool intx = false;
  bool intx_status = false;
  bool idle = false;           ///< state cannot change until an input does or the timer reaches wake
  uint64_t wake = UINT64_MAX;  ///< earliest deadline of an unmasked request (none: all ones)
  uint32_t msi_pending = 0;    ///< MSI Pending Bits
  uint32_t intr_status = 0;    ///< INTR_STATUS, observed (the dismiss check reads it)
};

/// One output that differs between two models.
struct Mismatch {
  std::string signal;
  uint64_t a = 0;
  uint64_t b = 0;
};

/// Lists every output that differs between a and b, by port name.
std::vector<Mismatch> compare(const Outputs& a, const Outputs& b);

/// Anything with irq_ctrl_top's ports that advances one clock edge at a time: the
/// reference model or a Verilated build.
class PortModel {
 public:
  virtual ~PortModel() = default;
  /// The state rst_ni leaves behind.
  virtual void reset() = 0;
  /// Outputs during the current cycle (a function of state only).
  virtual Outputs outputs() const = 0;
  /// One rising clock edge with these inputs.
  virtual void step(const Inputs& in) = 0;
  virtual const Config& config() const = 0;
  /// `cycles` clock edges with unchanged inputs while outputs().idle, ending no later than
  /// the cycle outputs().wake: the state cannot change, so only the timer and cycle
  /// bookkeeping (e.g. a waveform's time axis) move.
  virtual void skip_idle(uint64_t cycles) { (void)cycles; }
};

}  // namespace irqlab::irqctrl
