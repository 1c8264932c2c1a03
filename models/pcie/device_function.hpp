// The GPU's PCIe function (endpoint side): type-0 config space with a sizable BAR0, the
// Command/Status registers and an MSI-X capability; BAR decode of inbound requests; and
// the upstream transmit path shared by the engines (DMA) and the controller (MSI-X).
//
// Inbound requests are handled when the link announces them, in link order, with effect
// at their arrival time; so a config write that enables MSI-X reaches the controller at
// the exact cycle it arrives. Bad inbound accesses (BAR miss, Memory Space off, wrong
// size) get Unsupported Request: reads complete with all ones, writes are dropped,
// both logged.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>

#include "irq_ctrl_ports.hpp"
#include "irq_ctrl_regs.hpp"
#include "link_direction.hpp"
#include "tag_pool.hpp"

namespace irqlab::pcie {

/// Config-space layout of the function (PCI Local Bus spec, type-0 header).
struct ConfigLayout {
  static constexpr uint32_t kVendorDevice = 0x00;
  static constexpr uint32_t kCommandStatus =
      regs::irq_ctrl::pcie_cfg::COMMAND::kOffset;  ///< and Status at +2
  static constexpr uint32_t kClassRevision = 0x08;
  static constexpr uint32_t kHeaderType = 0x0C;
  static constexpr uint32_t kBar0 = 0x10;
  static constexpr uint32_t kCapPointer = regs::irq_ctrl::pcie_cfg::CAPABILITIES_POINTER::kOffset;
  static constexpr uint32_t kInterruptLinePin = 0x3C;
  static constexpr uint32_t kMsiCap = 0x50;  ///< MSI capability, 64-bit with per-vector masking
  static constexpr uint8_t kMsiCapId = static_cast<uint8_t>(
      regs::irq_ctrl::pcie_cfg::MSI_CAP_HEADER::CAP_ID.get(regs::irq_ctrl::pcie_cfg::MSI_CAP_HEADER::kReset));
  static constexpr uint32_t kMsixCap = 0x70;  ///< ID 0x11, Message Control at +2
  static constexpr uint8_t kMsixCapId =
      static_cast<uint8_t>(regs::irq_ctrl::pcie_cfg::MSIX_CAP_HEADER::CAP_ID.get(
          regs::irq_ctrl::pcie_cfg::MSIX_CAP_HEADER::kReset));
  static constexpr uint32_t kVendorId = 0x1DEC;  ///< irqlab's own, not a registered vendor
  static constexpr uint32_t kDeviceId = 0x0001;
  static constexpr uint32_t kClassDisplayVga = 0x030000;
};

struct FunctionStats {
  uint64_t unsupported_requests = 0;
  uint64_t dropped_no_bus_master = 0;
  uint64_t msi_bypassed = 0;
};

class DeviceFunction : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DeviceFunction> bar0;  ///< to the controller's registers
  tlm_utils::simple_target_socket<DeviceFunction> msi_in;   ///< MSI-X writes from the controller

  /// The interrupt-related config bits, from the arrival of the write that changed them.
  using ConfigListener = std::function<void(uint64_t at_ps, const irqctrl::CfgInputs& cfg)>;
  using Bypass = std::function<void(const Tlp&)>;

  /// `function`: the function number config requests address (0 = PF, VFs 1..N, ARI);
  /// `requester`: the requester ID its TLPs carry (bus << 8 | function for ARI).
  DeviceFunction(sc_core::sc_module_name name, const LinkTiming& timing, LinkDirection& upstream,
                 uint32_t bar0_bytes, unsigned msix_vectors, unsigned function = 0,
                 uint16_t requester = 0x0100);

  /// Link announcer of the downstream direction (requests and config).
  void on_announce(const Tlp& tlp, uint64_t arrival_ps);
  /// Link receiver of the downstream direction (completions for the device's reads).
  void on_arrival(const Tlp& tlp);

  void set_config_listener(ConfigListener f) { config_listener_ = std::move(f); }
  /// Debug knob: deliver MSI-X writes straight to the root complex, skipping the posted
  /// queue and so the PCIe ordering rule. Only to prove the ordering test can fail.
  void set_msi_bypass(Bypass f) { bypass_ = std::move(f); }
  /// Interrupt Status at a given time, for config reads of the Status register.
  void set_intx_status_source(std::function<bool(uint64_t t_ps)> f) { intx_status_ = std::move(f); }
  /// Accesses to BAR0 at or past the front end's window (front_end::kBarOffset) go here
  /// instead of to the controller: the TLP, its BAR offset and its arrival time. Reads
  /// are answered with complete_read().
  using FrontEnd = std::function<void(const Tlp&, uint64_t offset, uint64_t arrival_ps)>;
  void set_front_end(FrontEnd f) { front_end_ = std::move(f); }
  /// The completion of a read the front end served.
  void complete_read(const Tlp& req, std::vector<uint8_t> data, bool unsupported, uint64_t ready_ps) {
    complete(req, std::move(data), unsupported, ready_ps);
  }
  /// MSI Pending Bits at a given time, for config reads of the MSI capability.
  void set_msi_pending_source(std::function<uint32_t(uint64_t t_ps)> f) { msi_pending_ = std::move(f); }

  /// Assert_INTA / Deassert_INTA as a posted message, ready at `at_ps` (INTx is a virtual
  /// wire: the message keeps the posted order with the device's writes).
  void send_intx(bool assert, uint64_t at_ps);
  /// Queue a TLP from device source `src`, ready at `ready_ps` (not in the past).
  void send(Tlp tlp, TlpSource src, uint64_t ready_ps);
  /// Device DMA read: requests split at MRRS; `done` gets the time the last byte arrived.
  void dma_read(uint64_t addr, uint32_t len, TlpSource src, uint64_t ready_ps,
                std::function<void(uint64_t done_ps, std::vector<uint8_t> data)> done);

  /// Config dword as a read arriving now sees it.
  uint32_t config_read(uint32_t offset) const;
  bool memory_space_enabled() const { return regs::irq_ctrl::pcie_cfg::COMMAND::MEMORY_SPACE.get(command()); }
  bool bus_master_enabled() const { return regs::irq_ctrl::pcie_cfg::COMMAND::BUS_MASTER.get(command()); }
  uint64_t bar0_base() const { return cfg_[ConfigLayout::kBar0 / 4] & ~0xFull; }
  uint32_t bar0_bytes() const { return bar0_bytes_; }
  unsigned function() const { return function_; }
  uint16_t requester() const { return requester_; }
  /// The BAR decodes `addr` (Memory Space on): a multi-function device routes by this.
  bool claims(uint64_t addr) const {
    return memory_space_enabled() && addr >= bar0_base() && addr < bar0_base() + bar0_bytes_;
  }
  const FunctionStats& stats() const { return stats_; }
  const LinkTiming& timing() const { return timing_; }
  /// Fault injection: the `nth` memory read this function receives is never completed
  /// (0: off), so the requester's completion timeout must see it.
  void drop_read_completion(uint64_t nth) { drop_read_nth_ = nth; }
  uint64_t reads_received() const { return reads_received_; }
  /// Fault injection: a spurious MSI (no status bit behind it), queued like a message of
  /// the controller's, ready at `ready_ps`.
  void inject_msi(uint64_t addr, uint32_t data, uint64_t ready_ps) {
    send(memory_write32(addr, data), TlpSource::kFaultInjector, ready_ps);
  }
  /// A message write of the controller's (not an injected one, not INTx).
  bool is_controller_message(const Tlp& t) const {
    return t.type == TlpType::kMWr && t.requester == requester_ &&
           t.key.source == source(TlpSource::kIrqCtrl);
  }
  /// Processes serving MMIO reads: as many as were ever outstanding at once, not one per read.
  size_t reader_processes() const { return readers_; }
  /// DMA read tags handed out so far, over every wrap of the 8-bit field.
  uint64_t tags_issued() const { return tags_.handed_out(); }

 private:
  struct Read {
    uint32_t remaining;
    std::vector<uint8_t> data;
    uint64_t base;
    std::function<void(uint64_t, std::vector<uint8_t>)> done;
  };
  /// A read request (one MRRS chunk) waiting for a free tag.
  struct PendingRead {
    Tlp tlp;
    TlpSource src;
    Read read;
  };
  void issue_read(PendingRead r, uint64_t ready_ps);
  /// An MMIO read of BAR0 waiting for a reader process.
  struct MmioRead {
    std::shared_ptr<tlm::tlm_generic_payload> gp;
    std::shared_ptr<std::vector<uint8_t>> data;
    Tlp tlp;
    uint64_t arrival;
  };
  void reader_thread();
  std::deque<MmioRead> waiting_reads_;
  size_t idle_readers_ = 0, readers_ = 0;
  sc_core::sc_event read_waiting_;
  uint16_t command() const { return static_cast<uint16_t>(cfg_[ConfigLayout::kCommandStatus / 4]); }
  void config_write(uint32_t offset, uint32_t value, uint64_t at_ps);
  void complete(const Tlp& req, std::vector<uint8_t> data, bool unsupported, uint64_t ready_ps);
  void msi_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void unsupported(const Tlp& tlp, const char* why, uint64_t arrival_ps);

  const LinkTiming& timing_;
  LinkDirection& up_;
  uint32_t bar0_bytes_;
  unsigned function_;
  uint16_t requester_;
  /// Order-key source of this function's TLPs: functions sharing a link never tie.
  uint16_t source(TlpSource s) const {
    return static_cast<uint16_t>(function_ * 64 + static_cast<uint16_t>(s));
  }
  std::array<uint32_t, 64> cfg_{};
  std::array<uint32_t, 64> cfg_wmask_{};
  std::map<uint16_t, uint64_t> seq_;
  std::map<uint16_t, Read> reads_;  ///< outstanding DMA reads by tag
  TagPool tags_{8};
  std::deque<PendingRead> waiting_for_tag_;
  uint64_t reads_received_ = 0;
  uint64_t drop_read_nth_ = 0;
  ConfigListener config_listener_;
  Bypass bypass_;
  std::function<bool(uint64_t)> intx_status_;
  std::function<uint32_t(uint64_t)> msi_pending_;
  FrontEnd front_end_;
  FunctionStats stats_;
};

}  // namespace irqlab::pcie
