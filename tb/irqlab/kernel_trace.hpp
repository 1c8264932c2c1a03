// The software in the waveform: per CPU its IRQL, the ISR running (device and message),
// the DPC running and the depth of its DPC queue, for every device. Names for values come
// from FST enum tables (GTKWave shows them; a VCD shows the numbers, docs/latency.md).
#pragma once

#include <string>
#include <vector>

#include "kernel.hpp"
#include "wave_writer.hpp"

namespace irqlab::run {

class KernelTrace : public kernel::KernelObserver {
 public:
  /// `isrs`: the ISR labels that can run ("gpu msg 0", "nic", ...), `dpcs`: the DPC names.
  /// Anything else shows as "other". Variables go in scope `scope`.`cpu`N, named `cpu`N_...
  /// (a guest's vCPU: scope "gpup.vm0", cpu "vm0_vcpu").
  KernelTrace(waves::WaveWriter& w, kernel::Kernel& k, unsigned cpus, std::vector<std::string> isrs,
              std::vector<std::string> dpcs, const std::string& scope = "platform",
              const std::string& cpu = "cpu");

  void isr_enter(unsigned cpu, const kernel::InterruptObject& io, uint64_t requested_ps) override;
  void isr_exit(unsigned cpu, const kernel::InterruptObject& io, bool claimed) override;
  void dpc_enter(unsigned cpu, const kernel::Kdpc& d) override;
  void dpc_exit(unsigned cpu, const kernel::Kdpc& d) override;
  void dpc_queued(unsigned cpu, const kernel::Kdpc& d, bool queued) override;

  /// "gpu msg 0" for the adapter's messages, the owner for other devices.
  static std::string isr_label(const kernel::InterruptObject& io);

 private:
  struct Cpu {
    int irql, isr, dpc, depth;
    std::vector<std::pair<uint64_t, uint64_t>> stack;  ///< (IRQL, ISR index) of each nested routine
  };
  uint64_t index_of(const std::vector<std::string>& names, const std::string& n) const;
  void show(unsigned cpu);
  void depth(unsigned cpu, size_t value);

  waves::WaveWriter& w_;
  kernel::Kernel& k_;
  std::vector<std::string> isrs_, dpcs_;
  std::vector<Cpu> cpus_;
};

}  // namespace irqlab::run
