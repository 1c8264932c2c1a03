// trace.json's events (Chrome trace-event format, opened in Perfetto), one compact object
// each, made as the run goes: ISR and DPC slices and the IRQL on one track per CPU
// (pid 1), source pulses on per-engine (pid 2) and per-head (pid 3) tracks, and a flow
// from each pulse through the ISR that reported it to the DPC. Times are microseconds.
#pragma once

#include <cstdint>
#include <string>

#include "dxgkrnl.hpp"

namespace irqlab::run::trace_events {

/// A complete ("X") event on CPU `cpu`'s track from `a_ps` to `b_ps`; `args` is an object.
std::string slice(unsigned cpu, const std::string& name, uint64_t a_ps, uint64_t b_ps,
                  const std::string& args);
/// The IRQL counter of CPU `cpu` from `t_ps` on.
std::string irql(unsigned cpu, uint8_t level, uint64_t t_ps);
/// A source pulse (1 ns, so that flows can bind to it) on its engine's or head's track.
std::string pulse(uint64_t irq_id, unsigned bit, uint32_t fence, uint64_t t_ps);
/// One step of interrupt `irq_id`'s flow: "s" at the pulse, "t" at the ISR, "f" at the DPC.
std::string flow(uint64_t irq_id, const char* ph, int pid, unsigned tid, uint64_t t_ps);
/// A NotifyInterrupt as an ISR slice lists it in "reported".
std::string notify(const dxgkrnl::NotifyRecord& n);

}  // namespace irqlab::run::trace_events
