#include "topology.hpp"

#include "irq_ctrl_regs.hpp"
#include "nic_endpoint.hpp"
#include "rtl_model.hpp"

namespace irqlab::platform {

namespace {

FunctionSpec function(unsigned gpu, unsigned fn, const std::string& driver, unsigned vectors, int guest) {
  const uint16_t rid = requester_id(gpu, fn);
  return {rid, run::function_name(rid), driver, vectors, guest};
}

// GPU-P: gpup.gpus instances of a PF (the host's GPU-P KMD) and gpup.vfs VFs, a guest
// on each of GPU 0's first gpup.guests VFs.
void add_gpup(const run::Scenario& sc, Topology& t) {
  for (unsigned g = 0; g < sc.gpup.gpus; ++g) {
    GpuSpec gpu{g, function(g, 0, "gpup-host", 1, -1), {}};
    for (unsigned v = 0; v < sc.gpup.vfs; ++v) {
      const int guest = g == 0 && v < sc.gpup.guests ? static_cast<int>(v) : -1;
      gpu.vfs.push_back(function(g, v + 1, "guest wddm", irqctrl::vf_config().num_vectors, guest));
    }
    t.gpus.push_back(gpu);
  }
  for (unsigned v = 0; v < sc.gpup.guests; ++v) t.guests.push_back({v, 0, v});
}

}  // namespace

Topology topology_of(const run::Scenario& sc) {
  Topology t;
  t.profile = sc.profile;
  t.cpus = sc.cpus;
  if (sc.gpup.enabled) {
    add_gpup(sc, t);
    return t;
  }
  t.gpus.push_back({0, function(0, 0, sc.driver_model, sc.msix_vectors, -1), {}});
  if (sc.intx_mode && sc.shared_line_rate_hz > 0) t.shared_line.push_back("peer");
  if (sc.nic.enabled) t.nic_queues = sc.nic.queues;
  return t;
}

std::vector<FunctionSpec> Topology::functions() const {
  std::vector<FunctionSpec> v;
  for (const auto& g : gpus) {
    v.push_back(g.pf);
    v.insert(v.end(), g.vfs.begin(), g.vfs.end());
  }
  if (nic_queues) v.push_back({NicEndpoint::kRequester, "nic", "ndis", nic_queues, -1});
  return v;
}

}  // namespace irqlab::platform
