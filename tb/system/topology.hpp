// What a run's system is made of, read from the scenario once: the host's CPUs, the GPUs
// (each a PF and 0..64 VFs, each function with its own controller instance and driver
// model), the guest VMs on VFs, the devices sharing the GPU's INTx line, and other PCIe
// functions (the NIC). The System is built from this; each model's settings come down
// from it, never back up from the software.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "run_model.hpp"
#include "scenario.hpp"

namespace irqlab::platform {

/// One PCIe function and the driver that handles its interrupts.
struct FunctionSpec {
  uint16_t requester = 0;  ///< its requester ID (bus << 8 | ARI function number)
  std::string name;        ///< "gpu0.pf", "gpu1.vf3", "nic" (the name events and reports use)
  std::string driver;      ///< "wddm", "xpdm", "gpup-host" (the PF of a GPU-P GPU), "guest wddm", "ndis"
  unsigned msix_vectors = 0;
  int guest = -1;  ///< the VM whose driver handles it (-1: the host's)
};

struct GpuSpec {
  unsigned index = 0;
  FunctionSpec pf;
  std::vector<FunctionSpec> vfs;  ///< SR-IOV virtual functions (GPU-P), on the PF's link
};

struct GuestSpec {
  unsigned vm = 0;
  unsigned gpu = 0, vf = 0;  ///< where it starts (live migration may move it)
};

struct Topology {
  std::string profile;  ///< PCIe and host timing (config/pcie_profiles.yaml)
  unsigned cpus = 4;
  std::vector<GpuSpec> gpus;
  std::vector<GuestSpec> guests;
  std::vector<std::string> shared_line;  ///< devices beside the GPU on its INTx line
  unsigned nic_queues = 0;               ///< the NIC on its own root port (0: none)
  bool gpup() const { return !guests.empty() || (!gpus.empty() && !gpus[0].vfs.empty()); }
  /// Every PCIe function, GPU by GPU (PF, then VFs), then the NIC.
  std::vector<FunctionSpec> functions() const;
};

Topology topology_of(const run::Scenario& sc);

/// Bus gpu + 1, ARI function number (0: the PF, n + 1: VF n).
inline uint16_t requester_id(unsigned gpu, unsigned function) {
  return static_cast<uint16_t>(((gpu + 1) << 8) | function);
}

}  // namespace irqlab::platform
