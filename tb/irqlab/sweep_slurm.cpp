#include "sweep_slurm.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "scenario.hpp"

namespace irqlab::run {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

namespace {

/// Runs a shell command; its exit status and standard output.
std::pair<int, std::string> capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {127, out};
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : 127, out};
}

// About a minute of work per task: Slurm's overhead per task is seconds. A point costs
// roughly 0.5 s to start plus 20 ms of wall time per simulated ms on this project's
// machine (the default scenario: 50 ms in about a second).
unsigned default_points_per_task(const SweepOptions& sweep) {
  const Scenario sc = parse_scenario(sweep_scenario_text(sweep.scenario), sweep.scenario);
  const double per_point_s = 0.5 + 0.02 * sc.duration_ms;
  return std::max(1u, static_cast<unsigned>(std::ceil(60.0 / per_point_s)));
}

/// The point directories to run: all (written now), or with --resume those without results.
std::vector<std::string> points_to_run(const SweepOptions& sweep, const SlurmOptions& slurm) {
  if (!slurm.resume) return materialize_points(sweep, true);
  std::vector<std::string> missing;
  if (!fs::exists(sweep.out + "/points"))
    throw ScenarioError(sweep.out + ": --resume needs an earlier --slurm sweep in this directory");
  for (const auto& e : fs::directory_iterator(sweep.out + "/points")) {
    if (!fs::exists(e.path() / "verdict.json")) missing.push_back(e.path().string());
  }
  std::sort(missing.begin(), missing.end());
  return missing;
}

void write_header(std::ostream& f, const SlurmOptions& slurm, const std::string& name,
                  const std::string& log) {
  f << "#!/bin/bash\n#SBATCH --job-name=" << name << "\n#SBATCH --output=" << log << "\n";
  f << "#SBATCH --cpus-per-task=1\n";
  if (!slurm.partition.empty()) f << "#SBATCH --partition=" << slurm.partition << "\n";
  if (!slurm.time.empty()) f << "#SBATCH --time=" << slurm.time << "\n";
  for (const auto& a : slurm.sbatch_args) f << "#SBATCH " << a << "\n";
}

/// tasks.txt (line i: task i's point directories), sweep.sbatch and merge.sbatch.
unsigned write_job_files(const SweepOptions& sweep, const SlurmOptions& slurm,
                         const std::vector<std::string>& points, unsigned per_task) {
  const std::string dir = sweep.out + "/slurm";
  fs::create_directories(dir + "/logs");
  const auto tasks = static_cast<unsigned>((points.size() + per_task - 1) / per_task);
  std::vector<std::string> lines(tasks);
  for (size_t k = 0; k < points.size(); ++k)
    lines[k % tasks] += (lines[k % tasks].empty() ? "" : " ") + points[k];
  std::ofstream t(dir + "/tasks.txt");
  for (const auto& l : lines) t << l << "\n";
  std::ofstream a(dir + "/sweep.sbatch");
  write_header(a, slurm, "irqlab-sweep", dir + "/logs/task-%a.log");
  a << "#SBATCH --array=0-" << tasks - 1;
  if (slurm.array_parallel) a << "%" << slurm.array_parallel;
  a << "\n# Task i runs the points on line i of tasks.txt.\n"
    << "exec " << shell_quote(sweep.irqlab_exe) << " sweep-task " << shell_quote(sweep.out)
    << " \"$SLURM_ARRAY_TASK_ID\"\n";
  std::ofstream m(dir + "/merge.sbatch");
  write_header(m, slurm, "irqlab-merge", dir + "/logs/merge.log");
  m << "# Submitted with --dependency=afterok:<the array's job id> (irqlab sweep --submit does this).\n"
    << "exec " << shell_quote(sweep.irqlab_exe) << " merge " << shell_quote(sweep.out) << " --out "
    << shell_quote(sweep.out) << "\n";
  return tasks;
}

std::string sbatch(const std::string& args) {
  const auto [rc, out] = capture("sbatch --parsable " + args + " 2>&1");
  if (rc != 0) throw ScenarioError("sbatch " + args + " failed: " + out);
  return out.substr(0, out.find_first_of(";\n"));  // "ID" or "ID;cluster"
}

bool in_queue(const std::string& id) {
  const auto [rc, out] = capture("squeue -h -o %i -j " + id + " 2>/dev/null");
  return rc == 0 && out.find_first_not_of(" \n") != std::string::npos;
}

/// Every task of the array with its state and exit code, from scontrol (one line each).
std::map<unsigned, std::pair<std::string, std::string>> task_states(const std::string& array_id) {
  std::map<unsigned, std::pair<std::string, std::string>> r;
  std::istringstream in(capture("scontrol -o show job " + array_id + " 2>/dev/null").second);
  for (std::string line; std::getline(in, line);) {
    auto field = [&line](const std::string& k) {
      const auto p = line.find(" " + k + "=");
      if (p == std::string::npos) return std::string();
      const auto b = p + k.size() + 2;
      return line.substr(b, line.find(' ', b) - b);
    };
    const std::string task = field("ArrayTaskId");
    if (!task.empty() && task.find_first_not_of("0123456789") == std::string::npos)
      r[static_cast<unsigned>(std::stoul(task))] = {field("JobState"), field("ExitCode")};
  }
  return r;
}

int merged_status(const std::string& out) {
  int status = 0;
  for (const auto& e : fs::directory_iterator(out + "/points")) {
    std::ifstream f(e.path() / "verdict.json");
    if (!f) continue;
    const auto v = nlohmann::json::parse(f, nullptr, false);
    if (v.is_discarded() || !v.value("passed", false)) status = 1;
  }
  return status;
}

int wait_for(const SweepOptions& sweep, const SlurmOptions& slurm, const std::string& array_id,
             const std::string& merge_id, unsigned tasks) {
  const auto poll = std::chrono::milliseconds(slurm.poll_ms);
  while (in_queue(array_id)) std::this_thread::sleep_for(poll);
  int failed = 0;
  const auto states = task_states(array_id);
  for (unsigned i = 0; i < tasks; ++i) {
    const auto it = states.find(i);
    const std::string state = it == states.end() ? "UNKNOWN" : it->second.first;
    if (state == "COMPLETED") continue;
    ++failed;
    std::cerr << "irqlab sweep: array task " << i << " (job " << array_id << "_" << i << ") " << state
              << (it == states.end() ? "" : ", exit code " + it->second.second) << "; log " << sweep.out
              << "/slurm/logs/task-" << i << ".log\n";
  }
  if (failed) {
    capture("scancel " + merge_id + " 2>/dev/null");
    std::cerr << "irqlab sweep: " << failed << " of " << tasks
              << " tasks failed; the merge job was cancelled (fix them and run again with --resume)\n";
    return 2;
  }
  while (in_queue(merge_id)) std::this_thread::sleep_for(poll);
  const auto [rc, out] = capture("scontrol -o show job " + merge_id + " 2>/dev/null");
  if (rc != 0 || out.find("JobState=COMPLETED") == std::string::npos) {
    std::cerr << "irqlab sweep: the merge job " << merge_id << " did not complete; log " << sweep.out
              << "/slurm/logs/merge.log\n";
    return 2;
  }
  std::cout << "sweep: merged into " << sweep.out << "/sweep.csv, sweep.md, sweep.svg\n";
  return merged_status(sweep.out);
}

}  // namespace

int slurm_sweep(const SweepOptions& sweep, const SlurmOptions& slurm) {
  const auto points = points_to_run(sweep, slurm);
  if (points.empty()) {
    std::cout << "sweep: every point of " << sweep.out << " has results; nothing to submit\n";
    return slurm.wait ? merged_status(sweep.out) : 0;
  }
  const unsigned per_task = slurm.points_per_task ? slurm.points_per_task : default_points_per_task(sweep);
  const unsigned tasks = write_job_files(sweep, slurm, points, per_task);
  std::cout << "sweep: " << points.size() << " points in " << tasks << " array tasks (" << per_task
            << " per task): " << sweep.out << "/slurm/sweep.sbatch, merge.sbatch\n";
  if (!slurm.submit) return 0;
  const std::string dir = sweep.out + "/slurm/";
  const std::string array_id = sbatch(shell_quote(dir + "sweep.sbatch"));
  const std::string merge_id =
      sbatch("--dependency=afterok:" + array_id + " " + shell_quote(dir + "merge.sbatch"));
  std::cout << "submitted: array job " << array_id << ", merge job " << merge_id << "\n" << std::flush;
  return slurm.wait ? wait_for(sweep, slurm, array_id, merge_id, tasks) : 0;
}

int slurm_task(const std::string& out, unsigned task, const std::string& irqlab_exe) {
  std::ifstream f(out + "/slurm/tasks.txt");
  std::string line;
  for (unsigned i = 0; i <= task; ++i) {
    if (!std::getline(f, line)) {
      std::cerr << "irqlab sweep-task: " << out << "/slurm/tasks.txt has no line for task " << task << "\n";
      return 2;
    }
  }
  std::istringstream in(line);
  std::vector<std::string> dirs;
  for (std::string d; in >> d;) dirs.push_back(d);
  const int worst = run_point_dirs(dirs, 1, irqlab_exe);
  std::cout << "sweep-task " << task << ": ran " << dirs.size() << " points\n";
  return worst >= 2 ? 2 : 0;  // a point that failed its checks is a result, not a failed task
}

}  // namespace irqlab::run
