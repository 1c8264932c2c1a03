#include "run_cli.hpp"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif
#include <iostream>

#include "irqlab_version.hpp"
#include "output_files.hpp"
#include "pcie_profile.hpp"
#include "process.hpp"
#include "report.hpp"
#include "run_model.hpp"
#include "system.hpp"

namespace irqlab::run {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<uint64_t> whole_number(const std::string& s) {
  uint64_t v = 0;
  const char* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end) return std::nullopt;
  return v;
}

std::string version_text() {
  return std::string("irqlab ") + IRQLAB_VERSION + " (git " + IRQLAB_GIT_REVISION + ")";
}

void RunCli::add(CLI::App& app) {
  cmd = app.add_subcommand("run", "run a scenario and write its reports");
  cmd->add_option("scenario", scenario, "scenario file, or the name of a built-in (see `irqlab list`)");
  cmd->add_option("--out", out, "output directory (refused when not empty, unless --force)")->required();
  seed_opt = cmd->add_option("--seed", seed_text, "override the scenario's seed");
  cmd->add_option("--set", sets,
                  "KEY=VALUE: set a dotted scenario key (repeatable), validated like the file");
  cmd->add_flag("--force", force, "clear a non-empty --out first");
  cmd->add_flag("--sweep-point", sweep_point, "(internal) the directory is a sweep point the sweep prepared")
      ->group("");
  cmd->add_flag("--events-in-memory", events_in_memory, "(tests) write events.jsonl with the reports")
      ->group("");
  cmd->add_flag("--no-idle-skip", no_idle_skip, "(tests) step every GPU cycle, idle or not")->group("");
  cmd->add_flag("--broken-skip-ignores-wake", broken_skip, "(tests) a broken skipper")->group("");
  cmd->add_flag("--broken-hold-trace", broken_hold_trace, "(tests) trace events also held in memory")
      ->group("");
  cmd->add_option("--waves", waves, "waveform: fst, vcd or none")
      ->check(CLI::IsMember({"fst", "vcd", "none"}));
  cmd->add_option("--irq-impl", impl, "the controller: Verilated RTL or the C++ reference model")
      ->check(CLI::IsMember({"rtl", "ref"}));
}

Scenario RunCli::load(std::string& origin) const {
  Scenario sc;
  bool builtin = false;
  for (const auto& b : builtin_scenarios()) {
    if (scenario == b.name) {
      origin = std::string("builtin:") + b.name;
      sc = parse_scenario(b.yaml, origin, sets);
      builtin = true;
    }
  }
  if (!builtin && !fs::exists(scenario)) {
    // Neither a file nor a built-in: list the built-ins, and the nearest one.
    std::vector<std::string> names;
    for (const auto& b : builtin_scenarios()) names.push_back(b.name);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    const std::string near = closest(scenario, names);
    throw ScenarioError(scenario + ": no such file, and no built-in of that name" +
                        (near.empty() ? "" : "; did you mean '" + near + "'?") + " (built-ins: " + list +
                        ")");
  }
  if (!builtin) {
    origin = scenario;
    sc = load_scenario(scenario, sets);
  }
  if (seed_opt->count()) {
    const auto v = whole_number(seed_text);
    if (!v)
      throw ScenarioError("--seed '" + seed_text + "' is not a whole number in 0.." +
                          std::to_string(UINT64_MAX));
    sc.seed = *v;
  }
  pcie::load_profile(pcie::default_profile_path(), sc.profile);  // fail early on a bad name
  return sc;
}

namespace {

// Anything but a killed run's temporaries (.NAME.partial, never outputs; overwritten).
bool holds_files(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    const bool temporary = n.size() > 9 && n[0] == '.' && n.compare(n.size() - 8, 8, ".partial") == 0;
    if (!temporary) return true;
  }
  return false;
}

}  // namespace

// A directory holds one run: reusing one would mix an earlier run's files with this one's.
int RunCli::claim_out() const {
  std::error_code ec;
  if (!sweep_point && fs::is_directory(out, ec) && holds_files(out)) {
    if (!force) {
      std::cerr << "irqlab: --out " << out
                << " is not empty; use --force to clear it, or another directory\n";
      return 2;
    }
    const fs::path dir = fs::weakly_canonical(out, ec), cwd = fs::current_path(ec);
    const char* home = std::getenv("HOME");
    if (dir == dir.root_path() || (home && dir == fs::weakly_canonical(home, ec)) ||
        std::mismatch(dir.begin(), dir.end(), cwd.begin(), cwd.end()).first == dir.end()) {
      std::cerr << "irqlab: --force will not clear " << dir.string()
                << " (the root, your home or the current directory or above it)\n";
      return 2;
    }
    for (const auto& e : fs::directory_iterator(out, ec)) fs::remove_all(e.path(), ec);
  }
  fs::create_directories(out, ec);
  if (ec) {
    std::cerr << "irqlab: --out " << out << ": " << ec.message() << "\n";
    return 2;
  }
  return 0;
}

namespace {

// After SystemC has run (its coroutines switch stacks), AddressSanitizer ignores a throw's
// no-return hook ("ASan is ignoring requested __asan_handle_no_return"), so the frames an
// exception unwound keep their stack poison and later calls trip false stack overflows.
// Clear it below this frame as the hook would have. Nothing in other builds.
void forget_unwound_frames() {
#if defined(__SANITIZE_ADDRESS__)
  constexpr uintptr_t kBelow = uintptr_t{1} << 20;
  const auto frame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  __asan_unpoison_memory_region(reinterpret_cast<void*>(frame - kBelow), kBelow);
#endif
}

// This process's peak resident set (VmHWM) in MB: that of its own address space only.
// (getrusage's ru_maxrss also counts the parent's pages when spawned with vfork/posix_spawn,
// so a benchmark reading it from wait4 would see its own size in every run.)
double peak_rss_mb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

// What produced the outputs beside it, and the scenario with every default filled in (the
// outputs that differ between two runs of one scenario: the wall time and peak RSS).
void write_run_json(const std::string& out, const std::vector<std::string>& argv, const std::string& origin,
                    const Scenario& sc, double wall_s) {
  OutputFiles files(out, true);  // written after the reports: the verdict stays
  files.open("scenario.effective.yaml") << effective_yaml(sc);
  files.open("run.json") << json{{"irqlab_version", IRQLAB_VERSION},
                                 {"git_revision", IRQLAB_GIT_REVISION},
                                 {"argv", argv},
                                 {"scenario", origin},
                                 {"scenario_name", sc.name},
                                 {"seed", sc.seed},
                                 {"wall_s", wall_s},
                                 {"peak_rss_mb", peak_rss_mb()}}
                                .dump(1)
                         << "\n";
  files.commit();
}

}  // namespace

namespace {
// The GPU's latency without the NIC (docs/nic.md): the same scenario with nic.enabled false,
// run by a child process (SystemC starts once per process) into OUT/without-nic.
json gpu_without_nic(const Scenario& sc, const std::string& out) {
  Scenario s = sc;
  s.nic.enabled = false;
  const std::string dir = out + "/without-nic";
  std::error_code ec;
  fs::create_directories(dir, ec);
  {
    std::ofstream f(dir + "/scenario.yaml");
    f << effective_yaml(s);
  }
  SpawnOptions o;
  o.stdout_path = dir + "/run.log";
  o.stderr_to_stdout = true;
  const std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  const pid_t pid = spawn_process({self, "run", dir + "/scenario.yaml", "--out", dir + "/run", "--force"}, o);
  const int rc = pid < 0 ? -1 : wait_process(pid);
  const json lat = read_latency_without_records(dir + "/run/latency.json");
  if ((rc != 0 && rc != 1) || !lat.contains("summary"))
    return {
        {"error", "the run without the NIC failed (exit " + std::to_string(rc) + "; without-nic/run.log)"}};
  return {{"directory", "without-nic/run"}, {"interrupt_to_dpc_ns", lat["summary"]["interrupt_to_dpc_ns"]}};
}
}  // namespace

int RunCli::execute(const std::vector<std::string>& argv) {
  RunOptions opt;
  std::string origin;
  try {
    opt.scenario = load(origin);
  } catch (const ScenarioError& e) {
    std::cerr << "irqlab: " << e.what() << "\n";
    return 2;
  } catch (const pcie::ConfigError& e) {
    std::cerr << "irqlab: " << e.what() << "\n";
    return 2;
  }
  if (const int rc = claim_out()) return rc;
  opt.reference_model = impl == "ref";
  opt.idle_skip = !no_idle_skip;
  opt.broken_skip_ignores_wake = broken_skip;
  opt.broken_hold_trace = broken_hold_trace;
  if (!events_in_memory) opt.events_path = OutputFiles::temp_path_in(out, "events.jsonl");
  opt.spool_dir = out;  // per-interrupt records on the output's disk until the reports
  opt.waves.format = waves::parse_format(waves);
  if (opt.waves.format != waves::Format::kNone) {
    opt.waves.path = out + "/waves." + waves;
    opt.waves.start_ps = static_cast<uint64_t>(opt.scenario.waves_start_us * 1e6);
    if (opt.scenario.waves_end_us >= 0)
      opt.waves.end_ps = static_cast<uint64_t>(opt.scenario.waves_end_us * 1e6);
  }
  // An earlier run's verdict goes first: a run killed from here on leaves none behind.
  std::error_code ec;
  fs::remove(out + "/verdict.json", ec);
  // A stalled simulation cannot return: the watchdog's thread writes the verdict, then exits 1.
  opt.on_stall = [out = out, name = opt.scenario.name](const Hang& h) {
    const json verdict{
        {"passed", false},
        {"hang", {{"kind", h.kind}, {"detail", h.detail}, {"t_ps", h.t_ps}}},
        {"checks", json::array({{{"name", "no-hang"}, {"passed", false}, {"detail", h.detail}}})}};
    std::ofstream(out + "/verdict.json") << verdict.dump(1) << "\n";
    std::ofstream(out + "/summary.txt")
        << "irqlab run: " << name << "\nchecks: FAILED\n  HANG (" << h.kind << "): " << h.detail << "\n";
  };
  const auto t0 = std::chrono::steady_clock::now();
  auto wall = [t0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  try {
    System sys(opt);
    sys.run();
    const RunResult& r = sys.result();
    std::string written;
    bool passed = false;
    try {
      written = sys.write_outputs(out, &passed, [&](Report& rep) {
        if (opt.scenario.nic.enabled && !r.hang)
          rep.summary["gpu_without_nic"] = gpu_without_nic(opt.scenario, out);
      });
      write_run_json(out, argv, origin, opt.scenario, wall());  // after the reports: their peak RSS counts
    } catch (const OutputError& e) {
      forget_unwound_frames();
      std::cerr << "irqlab: outputs not written: " << e.what() << "\n";
      return 4;
    }
    std::cout << written;
    if (opt.waves.format != waves::Format::kNone) std::cout << "waveform: " << opt.waves.path << "\n";
    if (r.hang) {
      // The hung processes are stopped mid-call on their own stacks and can never be
      // unwound: leave without tearing SystemC down (as the stall path does), after the
      // reports are out.
      std::cout.flush();
      std::fflush(nullptr);
      std::_Exit(1);
    }
    return passed ? 0 : 1;
  } catch (const ScenarioError& e) {
    std::cerr << "irqlab: " << scenario << ": " << e.what() << "\n";
    return 2;
  } catch (const OutputError& e) {
    forget_unwound_frames();
    std::cerr << "irqlab: outputs not written: " << e.what() << "\n";
    return 4;
  }
}

}  // namespace irqlab::run
