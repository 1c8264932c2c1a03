// The root complex: CPU MMIO and config requests go downstream as TLPs; upstream writes
// to 0xFEE0_0000-0xFEEF_FFFF go to the LAPIC, other upstream traffic to host memory.
// DMA reads are answered with completions split at the Read Completion Boundary.
// A bad CPU access (wrong size, unaligned, outside the device's BAR windows) gets an
// Unsupported Request: all-ones read data, an error response, a warning, and no crash.
#pragma once

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "host_memory.hpp"
#include "iotlb.hpp"
#include "lapic.hpp"
#include "link_direction.hpp"
#include "tag_pool.hpp"
#include "timed_actions.hpp"

namespace irqlab::pcie {

/// Config and window address of a function: root port in bits 15:8, function number
/// (ARI: 0 = PF, 1.. = VFs) in bits 7:0. Port 0 function 0 is 0, as single-GPU code expects.
constexpr unsigned function_id(unsigned port, unsigned function) {
  return (port << 8) | function;
}

/// A non-posted request of the root complex still waiting for its completion.
struct OutstandingRequest {
  int cpu = -1;  ///< the CPU that issued it (-1: config access from a PnP thread)
  uint16_t tag = 0;
  uint64_t addr = 0;
  TlpType type = TlpType::kMRd;
  uint64_t issued_ps = 0;
};

struct RcStats {
  uint64_t unsupported_requests = 0;
  uint64_t msis = 0;
  uint64_t memory_writes = 0;
  uint64_t memory_reads = 0;
  uint64_t iotlb_hits = 0;
  uint64_t iotlb_misses = 0;
  uint64_t completion_timeouts = 0;
  uint64_t msis_dropped = 0;
};

/// A request the root complex gave up on (Completion Timeout), and when.
struct TimedOutRequest {
  OutstandingRequest what;
  uint64_t at_ps = 0;
};

class RootComplex : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<RootComplex> cpu_side;  ///< one binding per CPU

  RootComplex(sc_core::sc_module_name name, const LinkTiming& timing, LinkDirection& downstream,
              host::HostMemory& memory, host::Lapic& lapic);
  /// Without a root port yet: each endpoint adds its own (add_port; the first is port 0).
  RootComplex(sc_core::sc_module_name name, const LinkTiming& timing, host::HostMemory& memory,
              host::Lapic& lapic);

  /// Receiver of the upstream link direction.
  void on_upstream(const Tlp& tlp, unsigned port = 0);
  /// INTx messages (Assert/Deassert_INTx codes) go here, rc_latency after arrival.
  void set_intx_handler(std::function<void(uint8_t code)> f) { intx_handler_ = std::move(f); }
  /// A further root port with its own link (port 0 is the constructor's); returns its index.
  unsigned add_port(LinkDirection& downstream);
  /// The upstream direction of root port `port`: the RC advertises the profile's posted
  /// credits to it and returns them as its ingress frees buffers.
  void attach_upstream(unsigned port, LinkDirection& upstream);
  /// The memory window (BAR) of function `fid` (see function_id), replacing any earlier one.
  void set_window(unsigned fid, uint64_t base, uint64_t size);

  /// Blocking type-0 config access to function `fid`: function_id(port, function number).
  uint32_t cfg_read(unsigned fid, uint32_t offset);
  void cfg_write(unsigned fid, uint32_t offset, uint32_t value);

  const RcStats& stats() const;
  /// The oldest request still waiting for its completion (watchdog: completion timeout).
  std::optional<OutstandingRequest> oldest_outstanding() const;
  /// Tags handed out so far, over every wrap of the 8-bit field.
  uint64_t tags_issued() const { return tags_.handed_out(); }
  /// Completion Timeout of CPU and config requests (Device Control 2); 0 disables it, so a
  /// lost completion holds its CPU until the watchdog names it.
  void set_completion_timeout(uint64_t ps) { completion_timeout_ps_ = ps; }
  /// Fault injection: the `nth` MSI to reach the root complex is discarded (0: off).
  void drop_msi(uint64_t nth) { drop_msi_nth_ = nth; }
  /// Every MSI as it takes effect (in order): port, address, data, and whether it was dropped.
  void set_msi_observer(std::function<void(unsigned, uint64_t, uint32_t, bool)> f) {
    msi_observer_ = std::move(f);
  }
  /// The requests that timed out (only fault runs have any).
  const std::vector<TimedOutRequest>& timeouts() const { return timeouts_; }

 private:
  struct Outstanding {
    sc_core::sc_event done;
    std::vector<uint8_t> data;
    bool unsupported = false;
    bool timed_out = false;
    OutstandingRequest what;
    unsigned port = 0;
  };
  void b_transport(int cpu, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void unsupported(tlm::tlm_generic_payload& gp, const char* why);
  Tlp request(TlpType type, uint64_t addr, uint32_t len);
  /// Takes a tag (waiting while all are in use), sends, and waits for the last completion.
  std::unique_ptr<Outstanding> wait_completion(Tlp tlp, unsigned port, int cpu);
  void time_out(Outstanding& o);
  /// Ingress, then translation when the IOMMU is on: when the request reaches memory.
  uint64_t translated_at(uint64_t ingress_done, uint64_t addr);
  /// Posted requests of one port take effect in their order (PCIe 2.4.1): never before
  /// the port's previous one. Returns the time and makes it the port's latest.
  uint64_t ordered_after_posted(unsigned port, uint64_t t);
  void upstream_posted(const Tlp& tlp, unsigned port, uint64_t ingress_done);
  void upstream_read(const Tlp& tlp, unsigned port, uint64_t ingress_done);

  const LinkTiming& timing_;
  host::HostMemory& memory_;
  host::Lapic& lapic_;
  TimedActions pipeline_;
  std::map<unsigned, std::pair<uint64_t, uint64_t>> windows_;  ///< by function id
  std::vector<LinkDirection*> ports_;
  std::vector<LinkDirection*> upstreams_;  ///< by port; null until attached
  std::vector<uint64_t> last_posted_ps_;   ///< by port: when its latest posted request took effect
  std::vector<uint64_t> cpl_formed_ps_;    ///< by port: when its completion engine is free
  Iotlb iotlb_;
  LinkDirection& port_of(unsigned fid) { return *ports_.at(fid >> 8); }
  std::map<uint16_t, Outstanding*> outstanding_;  ///< by tag
  TagPool tags_{8};
  sc_core::sc_event tag_freed_;
  uint64_t seq_ = 0;
  mutable RcStats stats_;
  std::function<void(uint8_t)> intx_handler_;
  uint64_t completion_timeout_ps_ = 0;
  uint64_t drop_msi_nth_ = 0, msis_seen_ = 0;
  std::function<void(unsigned, uint64_t, uint32_t, bool)> msi_observer_;
  std::vector<TimedOutRequest> timeouts_;
};

}  // namespace irqlab::pcie
