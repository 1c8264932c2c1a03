#include "bench_system.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "gpup_run.hpp"
#include "process.hpp"
#include "report.hpp"

namespace irqlab::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Case {
  std::string label;
  std::vector<std::string> args;  ///< after `irqlab run`
  double sim_ms;
  bool gpup;
};

// GPU-P needs a scenario of its own (the default's background and display keys are refused).
const char* kGpup64 = R"(name: gpup-64vfs
profile: gen4x16
gpup: {gpus: 2, vfs: 64, guests: 64, guest_mean_gap_us: 20}
)";

std::vector<Case> cases(const std::string& dir, bool quick) {
  const double k = quick ? 0.1 : 1;
  auto ms = [](double v) { return "duration_ms=" + std::to_string(v); };
  std::ofstream(dir + "/gpup64.yaml") << kGpup64;
  return {{"default", {"default", "--set", ms(50 * k)}, 50 * k, false},
          {"default, 10 us moderation",
           {"default", "--set", ms(50 * k), "--set", "driver.moderation_cycles=16000"},
           50 * k,
           false},
          {"default, 1 s", {"default", "--set", ms(1000 * k)}, 1000 * k, false},
          {"GPU-P, 64 VFs", {dir + "/gpup64.yaml", "--set", ms(10 * k)}, 10 * k, true}};
}

// Interrupts the run counted: source interrupts (latency.json), or the guests' completion
// events of a GPU-P run (guests.csv).
uint64_t interrupts(const std::string& out, bool gpup) {
  if (gpup) return gpup::read_guests_csv(out + "/guests.csv").completions;
  const json j = read_latency_without_records(out + "/latency.json");
  if (j.is_discarded()) throw std::runtime_error(out + "/latency.json: not readable");
  return j["summary"]["interrupt_to_dpc_cycles"].value("count", uint64_t{0});
}

json run_case(const std::string& exe, const Case& c, const std::string& out) {
  std::vector<std::string> argv = {exe, "run"};
  argv.insert(argv.end(), c.args.begin(), c.args.end());
  argv.insert(argv.end(), {"--out", out, "--force"});
  SpawnOptions o;
  o.stdout_path = out + ".log";
  o.stderr_to_stdout = true;
  const pid_t pid = spawn_process(argv, o);
  if (pid < 0) throw std::runtime_error("cannot start " + exe);
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
    throw std::runtime_error(c.label + ": the run failed (see " + out + ".log)");
  const double cpu =
      ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  const uint64_t n = interrupts(out, c.gpup);
  // The run's own VmHWM when it wrote one (builds before issue 17 did not): wait4's
  // ru_maxrss includes this process's pages, inherited at posix_spawn.
  std::ifstream rf(out + "/run.json");
  const json rj = json::parse(rf, nullptr, false);
  const double rss = !rj.is_discarded() && rj.contains("peak_rss_mb") ? rj["peak_rss_mb"].get<double>()
                                                                      : ru.ru_maxrss / 1024.0;
  return {{"case", c.label},
          {"simulated_ms", c.sim_ms},
          {"interrupts", n},
          {"cpu_s", cpu},
          {"interrupts_per_cpu_s", cpu > 0 ? n / cpu : 0.0},
          {"peak_rss_mb", rss}};
}

}  // namespace

json system_bench(const std::string& exe, bool quick, const std::string& baseline) {
  char tmpl[] = "/tmp/irqlab-bench-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("cannot create a temporary directory");
  const std::string dir = tmpl;
  json out = json::array();
  const bool tty = isatty(STDERR_FILENO) == 1;
  for (const Case& c : cases(dir, quick)) {
    if (tty) std::fprintf(stderr, "irqlab bench: %s...\n", c.label.c_str());
    const std::string run_dir = dir + "/run" + std::to_string(out.size());
    json before;
    if (!baseline.empty()) before = run_case(baseline, c, run_dir + "_baseline");
    json now = run_case(exe, c, run_dir);
    if (!baseline.empty()) now["baseline"] = before;
    out.push_back(now);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return out;
}

std::string system_bench_table(const json& cases) {
  std::string s = "system runs (each its own process; CPU = user + system time; RSS from the kernel):\n";
  char b[200];
  std::snprintf(b, sizeof b, "  %-28s %9s %11s %8s %14s %9s\n", "case", "sim ms", "interrupts", "CPU s",
                "irq per CPU-s", "RSS MB");
  s += b;
  auto row = [&b, &s](const std::string& label, const json& c) {
    std::snprintf(b, sizeof b, "  %-28s %9.1f %11llu %8.2f %14.0f %9.1f\n", label.c_str(),
                  c["simulated_ms"].get<double>(),
                  static_cast<unsigned long long>(c["interrupts"].get<uint64_t>()), c["cpu_s"].get<double>(),
                  c["interrupts_per_cpu_s"].get<double>(), c["peak_rss_mb"].get<double>());
    s += b;
  };
  for (const auto& c : cases) {
    if (c.contains("baseline")) row("  (baseline build)", c["baseline"]);
    row(c["case"].get<std::string>(), c);
  }
  return s;
}

}  // namespace irqlab::run
