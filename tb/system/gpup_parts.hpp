// The pieces of the GPU-P topology: a GPU instance (its PF's management aperture and N
// SR-IOV VFs behind one root port, each VF with its own config space, BAR, RTL controller
// with MSI-X table and PBA, engine context and requester ID) and a guest VM (a vCPU with
// its own kernel, dxgkrnl and the unchanged #4 driver, its BAR mapped onto the VF it runs
// on, its MSI-X table accesses trapped to the host's dxgkrnl).
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "display_miniport.hpp"
#include "dxgkrnl.hpp"
#include "engine_node.hpp"
#include "enumeration.hpp"
#include "gpup_host.hpp"
#include "gpup_run.hpp"
#include "host_cpu.hpp"
#include "irq_ctrl_bridge.hpp"
#include "kernel.hpp"
#include "kernel_environment.hpp"
#include "link_direction.hpp"
#include "topology.hpp"

namespace irqlab::gpup {

inline constexpr uint64_t kMmioWindow = 0xC000'0000;
inline constexpr uint64_t kGuestMemory = 0x4000'0000;  ///< guest v's fence at + v * kGuestStride
inline constexpr uint64_t kGuestStride = 0x10'0000;
inline constexpr uint8_t kGuestVector = 0x80;  ///< what each guest's OS assigns its message 0
inline constexpr uint8_t kFirstHostVector = 0x60;
inline constexpr uint32_t kVfBar = irqlab::regs::irq_ctrl::kBarBytes;

using platform::requester_id;

/// The PF's BAR0: VF n's registers at n * kVfBar, reached with privileged accesses.
class VfAperture : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<VfAperture> socket;
  /// The PF's own interrupt controller is not part of the GPU-P system: its message input
  /// is bound here and never used.
  tlm_utils::simple_initiator_socket<VfAperture> pf_messages;
  explicit VfAperture(sc_core::sc_module_name n);
  std::vector<bridge::IrqCtrlBridge*> vfs;

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
};

struct VfSlot {
  std::unique_ptr<pcie::DeviceFunction> fn;
  std::unique_ptr<bridge::IrqCtrlBridge> ctrl;
  std::unique_ptr<gpu::EngineNode> engine;
  unsigned fid = 0;
  int guest = -1;  ///< the VM running on this VF, or -1
  pcie::EnumeratedFunction enumerated;
  std::string name;  ///< "gpu0.vf3" (run::function_name of its requester ID)
  /// The migration checks, made as the controller reports (its port log is not kept).
  struct Watch {
    /// Its messages and pulses not yet in SystemC's past (the controller runs ahead): a
    /// quiesce or resume at the present must still see them.
    std::deque<std::pair<uint64_t, bool>> ahead;  ///< (time, is a pulse)
    uint64_t quiesced_ps = UINT64_MAX;            ///< as a source: its messages after this count
    unsigned* after_quiesce = nullptr;
    uint64_t resumed_ps = UINT64_MAX;  ///< as a destination: its messages from here to its first pulse
    unsigned* replayed = nullptr;
    bool replay_open = false;
  } watch;
};

/// One GPU instance behind its own root port: the PF (management aperture) and N VFs.
struct GpuInstance {
  /// `idle_skip`, `broken_skip`: the run's (RunOptions), for every VF's bridge.
  GpuInstance(const platform::GpuSpec& spec, const pcie::LinkTiming& timing, const pcie::PcieProfile& prof,
              bool idle_skip = true, bool broken_skip = false);
  /// The device's functions share the link: requests by config target or BAR, completions
  /// by requester ID.
  pcie::DeviceFunction& route(const pcie::Tlp& t);
  unsigned index;
  pcie::LinkDirection down, up;
  VfAperture aperture;
  std::unique_ptr<pcie::DeviceFunction> pf;
  std::vector<VfSlot> slots;
  pcie::EnumeratedFunction pf_enum;
  unsigned port = 0;

 private:
  void add_vf(const platform::FunctionSpec& vf, const pcie::LinkTiming& timing,
              const bridge::BridgeOptions& bo);
};

struct Guest;

/// The guest's register access: its BAR is mapped (second-level translation) onto the
/// VF it currently runs on; MSI-X table accesses trap to dxgkrnl on the host; while the
/// VM is paused for migration the vCPU stalls.
class GuestEnv : public run::KernelEnvironment {
 public:
  GuestEnv(Guest& g, kernel::Kernel& k) : run::KernelEnvironment(k), g_(g) {}
  uint32_t READ_REGISTER_ULONG(uint64_t a) override;
  void WRITE_REGISTER_ULONG(uint64_t a, uint32_t v) override;

 private:
  /// The offset into the guest's MSI-X table that `a` addresses, if it does.
  bool in_table(uint64_t a, uint32_t* offset) const;
  /// The VF's address for guest address `a`, once the VM runs (the vCPU stalls while paused).
  uint64_t translate(uint64_t a);
  Guest& g_;
};

/// Doorbells of the guest's engine context: to the VF it runs on, held while paused.
class GuestSubmission : public wddm::GpuSubmission {
 public:
  explicit GuestSubmission(Guest& g) : g_(g) {}
  void submit(uint32_t node, uint32_t fence, uint64_t duration_ps, uint32_t bytes, Outcome o) override;

 private:
  Guest& g_;
};

/// One guest VM: a vCPU with its own kernel, dxgkrnl and the unchanged #4 driver.
struct Guest {
  Guest(unsigned i, dxgkrnl::GpupHost& host_side, const run::Scenario& sc);
  uint64_t fence_addr() const { return kGuestMemory + vm * kGuestStride; }
  uint64_t result_addr() const { return fence_addr() + 0x1000; }
  /// StartDevice, the driver caps, the guest's scheduler (a process of its own).
  void boot(const run::Scenario& sc, uint64_t until_ps);

  unsigned vm;
  dxgkrnl::GpupHost& host;
  host::HostCpu vcpu;
  kernel::Kernel k;
  GuestEnv env;
  GuestSubmission submission;
  dxgkrnl::Dxgkrnl dx;
  kmd::DisplayMiniport kmd;
  VfSlot* slot = nullptr;  ///< the VF it runs on now
  uint64_t guest_bar = 0;  ///< guest-physical BAR0 (the first VF's address, kept across migration)
  uint32_t table_offset = 0;
  bool paused = false;
  bool booted = false;  ///< the guest driver's StartDevice returned
  sc_core::sc_event resumed, up;
  std::deque<gpu::Submission> held;
  GuestRecord record;
  std::deque<std::pair<uint32_t, uint64_t>> pulse_ps;  ///< (fence, completion pulse time), in fence order
  unsigned source_msis_after_quiesce = 0;  ///< its migration's checks (a VM migrates at most once)
  unsigned replayed_after_resume = 0;
};

}  // namespace irqlab::gpup
