// Every check of the verdict and how a test trips it. Driver faults: one line
// `{"check", "fault"},` each; tests/CMakeLists.txt reads these lines and registers one
// system.verifier.<fault> test per line (the broken driver must fail exactly that check).
// Checks tripped by a scenario or a fault knob instead name the CTest that does it.
#pragma once

namespace irqlab::run::test {

struct DriverPair {
  const char* check;
  const char* fault;
};

// clang-format off
inline constexpr DriverPair kDriverPairs[] = {
    {"isr-forbidden-callback", "calls-synchronize-from-isr"},
    {"notify-outside-isr", "notify-from-dpc"},
    {"notify-wrong-message", "notify-from-wrong-message"},
    {"notify-reentrant", "notify-reentrant"},
    {"crtc-before-dma", "crtc-before-dma"},
    {"notify-without-queue-dpc", "no-queue-dpc"},
    {"dpc-missing-notify-dpc", "dpc-skips-notify-dpc"},
    {"notify-dpc-outside-dpc", "notify-dpc-at-passive"},
    {"isr-true-without-dismiss", "no-dismiss"},
    {"isr-true-without-dismiss", "dismiss-last-no-flush"},
    {"fence-never-submitted", "report-unsubmitted-fence"},
    {"fence-twice-or-out-of-order", "report-fence-twice"},
    {"fence-never-reported", "drop-fences"},
    {"vsync-never-reported", "drop-vsyncs"},
    {"stop-device-quiesces", "no-mask-on-stop"},
    {"dma-faulted-reserved", "reports-dma-faulted"},
    {"engine-reset-failed", "reset-fails"},
    {"preemption-unrequested", "preempt-wrong-fence"},
};
// clang-format on

struct ElsewherePair {
  const char* check;
  const char* ctest;
};

inline constexpr ElsewherePair kTrippedElsewhere[] = {
    {"no-hang", "system.watchdog.isr_hang"},
    {"interrupt-reaches-dpc", "system.starved_dpc_fails"},
    {"latency-coverage", "system.starved_dpc_fails"},
    {"shared-line-nothing-lost", "system.intx_claiming_foreign_fails"},
    {"no-spurious-interrupts", "system.intx_unflushed_dismiss_is_spurious"},
    {"preempted-never-resubmitted", "system.preempted_never_resubmitted"},
    {"dpc-once-per-queueing", "robust.dpc_run_twice_trips_its_check"},
    {"fault-spurious-msi", "fault.spurious_msi_acted_on_fails"},
    {"fault-stuck-source", "fault.stuck_source_storm_named"},
    {"fault-dropped-msi", "fault.dropped_msi_names_lost_interrupt"},
    {"fault-link-replay", "fault.link_without_replay_fails"},
    {"fault-completion-timeout", "fault.completion_timeout_trusted_fails"},
    {"fault-message-backpressure", "fault.message_backpressure_drop_fails"},
};

}  // namespace irqlab::run::test
