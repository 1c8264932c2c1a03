// irqlab: the project's command.
//   irqlab run [SCENARIO.yaml|BUILTIN] --out DIR [--force] [--set KEY=VALUE]... [--seed N]
//              [--waves fst|vcd|none] [--irq-impl rtl|ref]
//   irqlab --version
//   irqlab schema
//   irqlab list
//   irqlab calibrate [--profile NAME] [--against FILE.csv [--fit]] [--json]
//   irqlab bench [--cycles N] [--json]
// Exit status: 0 when every check passed, 1 when a check failed, 2 on bad input, 3 on an
// internal error (a defect of irqlab: it says so on stderr), 4 when the outputs could not
// be written (disk full, unwritable directory; no verdict is left behind).
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <systemc>

#include "bench_system.hpp"
#include "calibrate_cli.hpp"
#include "gpup_run.hpp"
#include "output_files.hpp"
#include "process.hpp"
#include "report.hpp"
#include "run_cli.hpp"
#include "run_model.hpp"
#include "scenario.hpp"
#include "sweep.hpp"
#include "sweep_slurm.hpp"

namespace {

using namespace irqlab;

using run::whole_number;

/// `irqlab sweep` (local, sharded or on Slurm) and `irqlab sweep-task` (one Slurm array task).
struct SweepCli {
  CLI::App* cmd = nullptr;
  CLI::App* task = nullptr;
  run::SweepOptions sw;
  std::vector<std::string> params;
  std::string shard = "0/1";
  run::SlurmOptions slurm;
  bool use_slurm = false;
  std::string task_dir;
  unsigned task_index = 0;

  void add(CLI::App& app) {
    cmd = app.add_subcommand("sweep", "run a scenario over a grid of parameter values");
    cmd->add_option("scenario", sw.scenario, "scenario file or built-in name")->required();
    cmd->add_option("--param", params, "KEY=V1,V2,... (dotted scenario key); repeat for a grid")->required();
    cmd->add_option("--out", sw.out, "output directory")->required();
    cmd->add_option("--jobs", sw.jobs, "points run at once")->check(CLI::Range(1u, 256u));
    cmd->add_option("--shard", shard, "I/N: run only points with index % N == I");
    cmd->add_flag("--slurm", use_slurm, "write a Slurm job array and a merge job (DIR/slurm/)");
    cmd->add_option("--points-per-task", slurm.points_per_task,
                    "points per array task (default: ~1 min of work)")
        ->check(CLI::Range(1u, 100000u));
    cmd->add_option("--array-parallel", slurm.array_parallel, "at most K array tasks at once")
        ->check(CLI::Range(1u, 100000u));
    cmd->add_option("--partition", slurm.partition, "#SBATCH --partition");
    cmd->add_option("--time", slurm.time, "#SBATCH --time (per task)");
    cmd->add_option("--sbatch-arg", slurm.sbatch_args, "a further #SBATCH line (repeatable)");
    cmd->add_flag("--submit", slurm.submit, "submit both jobs with sbatch");
    cmd->add_flag("--wait", slurm.wait, "follow them (squeue/scontrol) and exit with the sweep's status");
    cmd->add_flag("--resume", slurm.resume, "resubmit only the points without results");
    task =
        app.add_subcommand("sweep-task", "run one Slurm array task of a --slurm sweep (used by its sbatch)");
    task->add_option("dir", task_dir, "the sweep's output directory")->required();
    task->add_option("index", task_index, "the array task index")->required();
  }

  void parse_shard() {
    const auto slash = shard.find('/');
    const auto i = slash == std::string::npos ? std::nullopt : whole_number(shard.substr(0, slash));
    const auto n = slash == std::string::npos ? std::nullopt : whole_number(shard.substr(slash + 1));
    if (!i || !n || *n > 1'000'000)
      throw run::ScenarioError("--shard '" + shard + "': expected I/N, whole numbers");
    sw.shard = static_cast<unsigned>(*i);
    sw.shards = static_cast<unsigned>(*n);
    if (sw.shards == 0 || sw.shard >= sw.shards)
      throw run::ScenarioError("--shard '" + shard + "': need 0 <= I < N");
  }

  int execute() {
    try {
      for (const auto& p : params) sw.params.push_back(run::parse_sweep_param(p));
      parse_shard();
      sw.irqlab_exe = std::filesystem::read_symlink("/proc/self/exe").string();
      const bool slurm_only = slurm.submit || slurm.wait || slurm.resume || slurm.points_per_task ||
                              slurm.array_parallel || !slurm.partition.empty() || !slurm.time.empty() ||
                              !slurm.sbatch_args.empty();
      if (slurm_only && !use_slurm)
        throw run::ScenarioError("--submit, --wait, --resume and the Slurm task options need --slurm");
      if (slurm.wait && !slurm.submit) throw run::ScenarioError("--wait needs --submit");
      if (!use_slurm) return run::run_sweep(sw);
      sw.out = std::filesystem::absolute(sw.out).string();
      return run::slurm_sweep(sw, slurm);
    } catch (const run::ScenarioError& e) {
      std::cerr << "irqlab: " << e.what() << "\n";
      return 2;
    }
  }

  int execute_task() const {
    return run::slurm_task(std::filesystem::absolute(task_dir).string(), task_index,
                           std::filesystem::read_symlink("/proc/self/exe").string());
  }
};

// SystemC's messages go to stderr (stdout carries reports and JSON); errors and fatal
// errors are thrown, so that sc_main can report them as internal errors.
void report_to_stderr(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
  if (actions & sc_core::SC_DISPLAY) std::cerr << sc_core::sc_report_compose_message(rep) << std::endl;
  sc_core::sc_report_handler::default_handler(rep, actions & ~(sc_core::SC_DISPLAY | sc_core::SC_ABORT));
}

int dispatch(int argc, char** argv);

// The cycle benches (raw Verilator, naive sc_clock, the platform) and, with --system,
// whole runs; --json: one document holding both.
int bench_command(uint64_t cycles, bool json, bool system, bool quick, const std::string& baseline) {
  // Installed: libexec/irqlab/irq_bench beside bin/; in the build tree, the built one.
  std::string exe = IRQLAB_BENCH_EXE;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && std::filesystem::exists(self.parent_path().parent_path() / "libexec/irqlab/irq_bench", ec))
    exe = (self.parent_path().parent_path() / "libexec/irqlab/irq_bench").string();
  std::vector<std::string> argv = {exe, "--cycles", std::to_string(cycles)};
  if (json) argv.push_back("--json");
  run::SpawnOptions o;
  const std::string cycle_json =
      std::filesystem::temp_directory_path() / ("irqlab-bench-" + std::to_string(getpid()));
  if (json && system) o.stdout_path = cycle_json;  // merged into one document below
  const int rc = run::wait_process(run::spawn_process(argv, o));
  if (rc != 0 || !system) return rc < 0 ? 2 : rc;
  try {
    const nlohmann::json runs = run::system_bench(self.string(), quick, baseline);
    if (!json) {
      std::cout << "\n" << run::system_bench_table(runs);
      return 0;
    }
    std::ifstream f(cycle_json);
    nlohmann::json doc{{"cycle_bench", nlohmann::json::parse(f, nullptr, false)}, {"system", runs}};
    std::filesystem::remove(cycle_json, ec);
    std::cout << doc.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "irqlab bench: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace

// SystemC prints its banner before sc_main, unless this variable is set: a command-line
// tool's output (--help, --version, --json) is no place for it. This main replaces the
// library's, which does nothing but call sc_elab_and_sim.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char** argv) {
  sc_core::sc_report_handler::set_handler(report_to_stderr);
  sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_DISPLAY | sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_DISPLAY | sc_core::SC_THROW);
  try {
    return dispatch(argc, argv);
  } catch (const std::exception& e) {  // sc_report is a std::exception
    std::cerr << "irqlab: internal error (a defect of irqlab, please report it with the scenario): "
              << e.what() << "\n";
  } catch (...) {
    std::cerr << "irqlab: internal error (a defect of irqlab): an unknown exception\n";
  }
  return 3;
}

namespace {

int dispatch(int argc, char** argv) {
  // The internal-error path has a test: this variable makes any command fail as a defect would.
  if (std::getenv("IRQLAB_SELFTEST_INTERNAL_ERROR"))
    throw std::logic_error("self-test of the internal-error path");
  CLI::App app{"irqlab: a cycle-accurate model of a GPU's interrupt path"};
  app.require_subcommand(1);
  app.set_version_flag("--version", run::version_text());
  run::RunCli run;
  run.add(app);
  auto* list = app.add_subcommand("list", "list the built-in scenarios");
  auto* schema = app.add_subcommand("schema", "print a JSON Schema of the scenario format (for editors)");
  platform::CalibrateArgs cal_args;
  auto* cal = platform::add_calibrate_command(app, cal_args);
  SweepCli sweep;
  sweep.add(app);
  auto* merge = app.add_subcommand("merge", "combine sweep directories into one table and plot");
  std::vector<std::string> merge_inputs;
  std::string merge_out;
  merge->add_option("inputs", merge_inputs, "sweep output directories")->required();
  merge->add_option("--out", merge_out, "output directory")->required();
  auto* bench = app.add_subcommand("bench", "raw vs naive sc_clock vs platform throughput");
  uint64_t cycles = 20'000'000;
  bool bench_json = false;
  bench->add_option("--cycles", cycles, "GPU cycles")->check(CLI::PositiveNumber);
  bench->add_flag("--json", bench_json, "print one JSON object");
  bool bench_system = false, bench_quick = false;
  bench->add_flag(
      "--system", bench_system,
      "also whole runs: default, moderated, 1 s, GPU-P 64 VFs (interrupts per CPU-second, peak RSS)");
  bench->add_flag("--quick", bench_quick, "with --system: a tenth of the simulated time (tests)");
  std::string bench_baseline;
  bench
      ->add_option(
          "--baseline", bench_baseline,
          "with --system: another irqlab build to run each case with too, side by side (before/after)")
      ->check(CLI::ExistingFile);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (*run.cmd) return run.execute(std::vector<std::string>(argv, argv + argc));
  if (*sweep.cmd) return sweep.execute();
  if (*sweep.task) return sweep.execute_task();
  if (*merge) {
    size_t n = 0;
    try {
      n = run::merge_sweeps(merge_inputs, merge_out);
    } catch (const run::ScenarioError& e) {
      std::cerr << "irqlab merge: " << e.what() << "\n";
      return 2;
    }
    if (n == 0) {
      std::cerr
          << "irqlab merge: no finished points (params.json, latency.json and verdict.json) in the inputs\n";
      return 2;
    }
    std::cout << "merged " << n << " points into " << merge_out << "/sweep.csv, sweep.md, sweep.svg\n";
    return 0;
  }
  if (*schema) {
    std::cout << run::scenario_schema().dump(2) << "\n";
    return 0;
  }
  if (*list) {
    for (const auto& b : run::builtin_scenarios()) std::cout << b.name << "\t" << b.description << "\n";
    return 0;
  }
  if (*cal) return platform::run_calibrate(cal_args);
  return bench_command(cycles, bench_json, bench_system, bench_quick, bench_baseline);
}

}  // namespace
