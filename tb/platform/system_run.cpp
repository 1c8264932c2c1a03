#include "system_run.hpp"

#include <cstdlib>
#include <random>
#include <sstream>

#include "enumeration.hpp"

namespace irqlab::platform {

namespace {

pcie::PcieProfile pick_profile(const SystemRunOptions& opt) {
  pcie::PcieProfile p = pcie::load_profile(pcie::default_profile_path(), opt.profile);
  if (opt.random_profile) {
    std::mt19937_64 rng(opt.seed ^ 0x5EED);
    static constexpr unsigned kWidths[] = {1, 2, 4, 8, 16};
    static constexpr uint32_t kSizes[] = {128, 256, 512, 1024};
    p.gen = 1 + rng() % 5;
    p.width = kWidths[rng() % 5];
    p.mps = kSizes[rng() % 4];
    p.mrrs = kSizes[rng() % 4];
    // The host side too: a root complex, memory, IOMMU or LAPIC slow or fast must not let
    // an MSI overtake the fence write before it.
    auto ns = [&rng](uint64_t hi) { return (rng() % (hi + 1)) * 1000; };
    p.rc_ingress_ps = ns(500);
    p.mem_write_ps = ns(1500);
    p.llc_read_ps = ns(600);
    p.lapic_latency_ps = ns(300);
    p.iommu = rng() % 2;
    p.iotlb_entries = 1 + static_cast<unsigned>(rng() % 8);  // small: misses happen
    p.iotlb_miss_ps = ns(1000);
    p.posted_credits = 1 + static_cast<unsigned>(rng() % 64);
    p.name = "random-gen" + std::to_string(p.gen) + "x" + std::to_string(p.width);
  }
  return p;
}

class Host : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Host);
  Host(sc_core::sc_module_name n, Platform& p, RandomWorkload& w) : sc_core::sc_module(n), p_(p), w_(w) {
    SC_THREAD(run);
  }

 private:
  void run() {
    bring_up(p_, *p_.cpus[0]);
    w_.start();
  }
  Platform& p_;
  RandomWorkload& w_;
};

}  // namespace

SystemRunResult run_system(const SystemRunOptions& opt) {
  SystemRunResult r;
  r.profile = pick_profile(opt);
  PlatformOptions po;
  po.profile = r.profile;
  po.quantum_cycles = opt.quantum_cycles;
  po.idle_skip = opt.idle_skip;
  po.keep_bridge_events = true;  // the directed tests compare the port events
  po.reference_model = opt.reference_model;
  po.msi_bypass = opt.msi_bypass;
  po.num_cpus = opt.num_cpus;
  Platform p(po);
  WorkloadOptions wo;
  wo.seed = opt.seed;
  wo.until_ps = opt.sim_ps * 8 / 10;  // the last fifth drains
  wo.head_hz = opt.head_hz;
  RandomWorkload workload("workload", p, wo);
  OrderChecker checker(p);
  for (const auto& cpu : p.cpus) {
    cpu->add_interrupt_listener([&r, c = cpu->index()](const host::HostCpu::Delivery& d) {
      r.deliveries.push_back(std::to_string(c) + " " + std::to_string(d.vector) + " " +
                             std::to_string(d.arrived_ps) + " " + std::to_string(d.delivered_ps));
    });
  }
  Host host("host", p, workload);
  PlatformTrace trace("trace", p, opt.waves);
  sc_core::sc_start(sc_core::sc_time::from_value(opt.sim_ps));
  trace.close();

  r.order = checker.check();
  r.bridge = p.controller.stats();
  r.events = p.controller.events();
  r.submissions = workload.submissions();
  r.sim_ps = opt.sim_ps;
  return r;
}

SystemRunOptions options_from_environment() {
  SystemRunOptions o;
  auto env = [](const char* k) -> const char* { return std::getenv(k); };
  if (const char* v = env("IRQLAB_SEED")) o.seed = std::strtoull(v, nullptr, 10);
  if (const char* v = env("IRQLAB_PROFILE")) o.profile = v;
  if (const char* v = env("IRQLAB_RANDOM_PROFILE")) o.random_profile = std::string(v) == "1";
  if (const char* v = env("IRQLAB_BYPASS")) o.msi_bypass = std::string(v) == "1";
  if (const char* v = env("IRQLAB_QUANTUM")) o.quantum_cycles = std::strtoull(v, nullptr, 10);
  if (const char* v = env("IRQLAB_NO_SKIP")) o.idle_skip = std::string(v) != "1";
  if (const char* v = env("IRQLAB_SIM_US")) o.sim_ps = std::strtoull(v, nullptr, 10) * 1'000'000;
  return o;
}

std::string format_events(const SystemRunResult& r) {
  static const char* kNames[] = {"pulse", "msi", "mmio_read", "mmio_write", "intx"};
  std::ostringstream os;
  for (const auto& e : r.events) {
    os << e.cycle << " " << kNames[e.kind] << " " << e.a << " " << e.b << " " << e.c << "\n";
  }
  for (const auto& d : r.deliveries) os << "deliver " << d << "\n";
  return os.str();
}

}  // namespace irqlab::platform
