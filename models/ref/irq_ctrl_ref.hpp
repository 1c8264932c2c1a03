// C++ reference model of irq_ctrl_top, cycle-accurate at its ports: fed the same
// Inputs each cycle as the RTL, it gives the same Outputs each cycle. It is written to
// be read as the block's specification; docs/rtl.md explains the same rules in prose.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "irq_ctrl_ports.hpp"

namespace irqlab::irqctrl {

/// Deliberate defects, so tests can prove that the lockstep bench notices a wrong model.
enum class RefFault {
  kNone,
  kModerationOffByOne,  ///< next message of a vector allowed one cycle early
  kClearBeatsEvent,     ///< a W1C clear in the event's cycle loses the event
  kNoReplayOnUnmask,    ///< unmasking leaves the pending bit set and sends nothing
};

/// What the stimulus made the block do; a lockstep run can require each to be non-zero.
struct Coverage {
  uint64_t source_events = 0;
  uint64_t messages_issued = 0;
  uint64_t messages_backpressured = 0;  ///< cycles with a message held by !msg_ready
  uint64_t masked_to_pba = 0;           ///< requests parked in the PBA while masked
  uint64_t pba_replays = 0;             ///< pending bits sent after an unmask
  uint64_t pba_cleared_by_service = 0;  ///< masked pending bits cleared as their events were serviced
  uint64_t merged_triggers = 0;         ///< triggers that joined an outstanding request
  uint64_t moderation_holds = 0;        ///< cycles a ready request waited for its interval
  uint64_t w1c_clear_with_event = 0;    ///< a clear and a new event for one bit in one cycle
  uint64_t writes_ok = 0;
  uint64_t writes_refused = 0;
  uint64_t reads = 0;
  uint64_t table_writes = 0;
  uint64_t intx_cycles = 0;
  uint64_t function_mask_cycles = 0;
  uint64_t idle_cycles = 0;    ///< cycles a simulator could have skipped
  uint64_t msi_messages = 0;   ///< messages sent in MSI (not MSI-X) mode
  uint64_t paused_cycles = 0;  ///< cycles with MIG_CTRL.PAUSE set
  uint64_t restores = 0;       ///< accepted MIG_STATUS_SET / MIG_PBA_SET / capture-register writes
};

class IrqCtrlRef final : public PortModel {
 public:
  explicit IrqCtrlRef(const Config& cfg, RefFault fault = RefFault::kNone);

  void reset() override;
  Outputs outputs() const override;
  void step(const Inputs& in) override;
  void skip_idle(uint64_t cycles) override { s_.timer += cycles; }
  const Config& config() const override { return cfg_; }
  const Coverage& coverage() const { return cov_; }

 private:
  struct Access {  // the decode of one written dword
    enum Kind {
      kNone,
      kStatus,
      kEnable,
      kMaster,
      kRoute,
      kReadOnly,
      kTable,
      kPba,
      kModeration,
      kMigCtrl,
      kStatusSet,
      kPbaSet,
      kCompletedFence,
      kPreemptedFence,
      kFaultedFence,
      kVsyncCount,
      kPfFence,
      kPfNode,
      kPfVaLo,
      kPfVaHi
    };
    Kind kind = kNone;
    unsigned index = 0;  // route source, table vector or moderation vector
    bool refused = false;
  };
  struct State {
    // bus front end
    bool aw_full = false, w_full = false, bvalid = false, rvalid = false;
    uint32_t awaddr = 0;
    bool aw_priv = false;
    uint64_t wdata = 0, rdata = 0;
    uint8_t wstrb = 0, bresp = kRespOkay;
    uint64_t timer = 0;  ///< timer_i: the GPU's global timer, cycles since reset
    // sources
    uint32_t status = 0, enable = 0, evt_last = 0, pend_last = 0;
    bool master = false;
    bool paused = false;  ///< MIG_CTRL.PAUSE
    std::vector<uint16_t> route;
    std::array<uint32_t, regs::kNumNodesMax> completed_fence{}, preempted_fence{}, faulted_fence{};
    std::array<uint32_t, regs::kNumHeadsMax> vsync_count{};
    uint32_t pf_fence = 0;
    uint8_t pf_node = 0;
    uint64_t pf_va = 0;
    // MSI-X
    std::vector<uint32_t> addr_lo, addr_hi, data;
    std::vector<bool> mask, req, pba;
    std::vector<bool> live;  ///< per vector: an enabled, set status bit is routed to it (last cycle)
    std::vector<uint16_t> interval;
    std::vector<uint64_t> deadline;  ///< timer value at which the vector's interval ends
    bool cfg_enable = false, cfg_func_mask = false, cfg_intx_disable = false;
    bool msi_enable = false;
    uint8_t msi_mme = 0;
    uint64_t msi_addr = 0;
    uint16_t msi_data = 0;
    uint32_t msi_mask = 0;
    bool msg_valid = false;
    uint64_t msg_addr = 0;
    uint32_t msg_data = 0;
    uint16_t msg_vector = 0;
  };

  uint32_t implemented_sources() const;
  uint32_t pending(const State& s) const;
  bool masked(const State& s, unsigned v) const;
  static unsigned msi_vector_mask(const State& s) { return (1u << s.msi_mme) - 1; }
  bool quiescent() const;
  uint64_t wake() const;
  bool interval_ended(unsigned v) const { return s_.timer >= s_.deadline[v]; }
  Access decode_write(uint32_t addr, uint32_t value) const;
  uint32_t read_dword(uint32_t addr) const;
  void bus_and_registers(const Inputs& in, State& next, uint32_t& w1c, uint32_t& set);
  void commit_dword(const Access& acc, uint32_t addr, uint32_t d, State& next, uint32_t& w1c, uint32_t& set);
  void sources(const Inputs& in, uint32_t w1c, uint32_t set, State& next, std::vector<bool>& trig);
  /// Vectors with an enabled, set status bit routed to them in state s.
  void live_vectors(const State& s, std::vector<bool>& live) const;
  void msix_engine(const Inputs& in, const std::vector<bool>& trig, State& next);

  Config cfg_;
  RefFault fault_;
  State s_;
  State next_;                              // scratch: the state after this edge
  std::vector<bool> trig_;                  // scratch: vectors triggered this edge
  std::vector<bool> pba_set_;               // scratch: MIG_PBA_SET bits written this edge
  std::vector<bool> live_;                  // scratch: live vectors of the current state
  mutable std::vector<bool> live_scratch_;  // scratch of quiescent()
  Coverage cov_;
};

}  // namespace irqlab::irqctrl
