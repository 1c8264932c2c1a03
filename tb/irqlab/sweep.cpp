#include "sweep.hpp"

#include <chrono>

#include "progress.hpp"

#include "gnuplot.hpp"
#include "process.hpp"

#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "gpup_run.hpp"
#include "report.hpp"
#include "scenario.hpp"

namespace irqlab::run {

namespace fs = std::filesystem;
using nlohmann::json;

SweepParam parse_sweep_param(const std::string& arg) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
    throw ScenarioError("--param '" + arg + "': expected KEY=V1,V2,...");
  }
  SweepParam p;
  p.key = arg.substr(0, eq);
  std::stringstream ss(arg.substr(eq + 1));
  for (std::string v; std::getline(ss, v, ',');) {
    if (v.empty()) throw ScenarioError("--param '" + arg + "': empty value");
    p.values.push_back(v);
  }
  return p;
}

std::string sweep_scenario_text(const std::string& arg) {
  for (const auto& b : builtin_scenarios()) {
    if (arg == b.name) return b.yaml;
  }
  std::ifstream f(arg);
  if (!f) throw ScenarioError(arg + ": cannot read the file");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

namespace {

struct Point {
  size_t index;
  std::vector<std::pair<std::string, std::string>> params;
};

std::vector<Point> grid(const std::vector<SweepParam>& params) {
  std::vector<Point> pts{{0, {}}};
  for (const auto& p : params) {
    std::vector<Point> next;
    for (const auto& base : pts) {
      for (const auto& v : p.values) {
        Point q = base;
        q.params.emplace_back(p.key, v);
        next.push_back(q);
      }
    }
    pts = std::move(next);
  }
  for (size_t i = 0; i < pts.size(); ++i) pts[i].index = i;
  return pts;
}

std::string point_name(size_t i) {
  char b[16];
  std::snprintf(b, sizeof b, "p%04zu", i);
  return b;
}

// A value as JSON: a number when the whole text is one, else the text.
json param_value(const std::string& v) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (!v.empty() && end == v.c_str() + v.size() && std::isfinite(d)) {
    const auto i = static_cast<long long>(d);
    return static_cast<double>(i) == d && v.find_first_of(".eE") == std::string::npos ? json(i) : json(d);
  }
  return json(v);
}

// One directory holds one sweep: the scenario and the grid are recorded in sweep.json, and a
// different sweep into the same directory is refused instead of mixing its points in.
void claim_directory(const SweepOptions& opt, const std::string& base) {
  json grid = json::array();
  for (const auto& p : opt.params) grid.push_back({{"key", p.key}, {"values", p.values}});
  const json identity{{"scenario", base}, {"params", grid}};
  const std::string path = opt.out + "/sweep.json";
  if (fs::exists(path)) {
    std::ifstream f(path);
    const json old = json::parse(f, nullptr, false);
    if (old != identity)
      throw ScenarioError(opt.out + ": holds another sweep (a different scenario or --param grid, see " +
                          "sweep.json); choose another --out or remove it");
    return;
  }
  if (fs::exists(opt.out + "/points"))
    throw ScenarioError(opt.out +
                        ": holds points of an earlier sweep without sweep.json; choose another --out");
  fs::create_directories(opt.out);
  std::ofstream(path) << identity.dump(1) << "\n";
}

}  // namespace

std::vector<std::string> materialize_points(const SweepOptions& opt, bool every_shard) {
  const std::string base = sweep_scenario_text(opt.scenario);
  const auto points = grid(opt.params);
  // Build and validate every point before writing any.
  std::vector<std::pair<Point, std::string>> mine;
  for (const auto& pt : points) {
    if (!every_shard && pt.index % opt.shards != opt.shard) continue;
    YAML::Node root = YAML::Load(base);
    std::string label;
    for (const auto& [k, v] : pt.params) {
      set_scenario_key(root, k, YAML::Load(v));
      label += (label.empty() ? "" : ", ") + k + "=" + v;
    }
    YAML::Emitter em;
    em << root;
    parse_scenario(em.c_str(), "sweep point " + point_name(pt.index) + " (" + label + ")");  // throws if bad
    mine.emplace_back(pt, em.c_str());
  }
  claim_directory(opt, base);
  std::vector<std::string> dirs;
  for (const auto& [pt, yaml] : mine) {
    const std::string dir = opt.out + "/points/" + point_name(pt.index);
    fs::remove_all(dir);  // a point rerun never keeps an earlier run's results
    fs::create_directories(dir);
    std::ofstream(dir + "/scenario.yaml") << yaml << "\n";
    json params = json::object();
    for (const auto& [k, v] : pt.params) params[k] = param_value(v);
    std::ofstream(dir + "/params.json") << json{{"index", pt.index}, {"params", params}}.dump(1) << "\n";
    dirs.push_back(dir);
  }
  return dirs;
}

int run_point_dirs(const std::vector<std::string>& dirs, unsigned jobs, const std::string& exe) {
  int worst = 0;
  std::map<pid_t, std::pair<std::string, std::chrono::steady_clock::time_point>> running;
  Progress progress("irqlab sweep");
  size_t finished = 0;
  auto reap = [&] {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid <= 0) return;
    const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
    const auto& [name, started] = running[pid];
    if (rc != 0) std::cerr << "irqlab sweep: point " << name << " exited " << rc << "\n";
    char b[160];
    std::snprintf(b, sizeof b, "[%zu/%zu] point %s done in %.1f s (exit %d)", ++finished, dirs.size(),
                  name.c_str(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), rc);
    progress.line(b);
    worst = std::max(worst, rc);
    running.erase(pid);
  };
  for (const auto& dir : dirs) {
    while (running.size() >= std::max(1u, jobs)) reap();
    SpawnOptions o;
    o.stdout_path = dir + "/run.log";
    o.stderr_to_stdout = true;
    const pid_t pid = spawn_process({exe, "run", dir + "/scenario.yaml", "--out", dir, "--sweep-point"}, o);
    if (pid < 0) {
      std::cerr << "irqlab sweep: cannot start " << exe << "\n";
      return 2;
    }
    running[pid] = {fs::path(dir).filename().string(), std::chrono::steady_clock::now()};
  }
  while (!running.empty()) reap();
  return worst;
}

namespace {
bool has_results(const fs::path& d);
}  // namespace

int run_sweep(const SweepOptions& opt) {
  const size_t total = grid(opt.params).size();
  const auto dirs = materialize_points(opt, false);
  int worst = run_point_dirs(dirs, opt.jobs, opt.irqlab_exe);
  const size_t n = merge_sweeps({opt.out}, opt.out);
  std::cout << "sweep: ran " << dirs.size() << " of " << total << " points (shard " << opt.shard << "/"
            << opt.shards << "); " << n << " points in " << opt.out << "/sweep.csv, sweep.md, sweep.svg\n";
  // A point that ran but left no results is not a passing point: it is missing from the table.
  const auto missing =
      std::count_if(dirs.begin(), dirs.end(), [](const std::string& d) { return !has_results(d); });
  if (missing > 0) {
    std::cerr << "irqlab sweep: " << missing << " point(s) left no results (params.json, verdict.json and "
              << "latency.json or migration.json); they are not in the table\n";
    worst = std::max(worst, 1);
  }
  return worst;
}

namespace {

struct Rows {
  /// By (sweep identity, point index): shards of one sweep share points, other sweeps don't.
  std::map<std::pair<std::string, size_t>, json> rows;
  std::vector<std::string> keys;
};

// What makes two directories the same sweep: the scenario and the grid (sweep.json).
std::string sweep_identity(const std::string& dir) {
  std::ifstream f(dir + "/sweep.json");
  json j = json::parse(f, nullptr, false);
  return j.is_discarded() ? fs::absolute(dir).lexically_normal().string() : j.dump();
}

// A member of a JSON object, or null when `j` is not an object or lacks it: a run with no
// interrupt has no percentiles, and a point file may be damaged.
json member(const json& j, const char* key) {
  return j.is_object() && j.contains(key) ? j.at(key) : json();
}

double number_or(const json& j, const char* key, double fallback) {
  const json v = member(j, key);
  return v.is_number() ? v.get<double>() : fallback;
}

// migration.json's stages, in the order a migration goes through them.
constexpr const char* kStageKeys[] = {"drain_and_quiesce", "save", "restore", "resume"};

json read_json(const fs::path& p) {
  std::ifstream f(p);
  return json::parse(f, nullptr, false);  // discarded (not an object) when unreadable
}

json point_row(const fs::path& d) {
  const json params = read_json(d / "params.json");
  const json lat = read_latency_without_records((d / "latency.json").string());
  const json verdict = read_json(d / "verdict.json");
  const double P = number_or(lat, "gpu_clock_period_ps", 1.0);
  const json s = member(member(lat, "summary"), "interrupt_to_dpc_cycles");
  const json c = member(lat, "counts");
  const double sim_s = number_or(c, "sim_ps", 1.0) * 1e-12;
  auto ns = [P](const json& v) { return v.is_number() ? json(v.get<double>() * P / 1000) : json(nullptr); };
  const double sources = number_or(c, "sources", 0), isrs = number_or(c, "isrs", 0);
  auto count = [&c](const char* k) { return static_cast<uint64_t>(number_or(c, k, 0)); };
  return json{{"params", member(params, "params").is_object() ? member(params, "params") : json::object()},
              {"index", static_cast<size_t>(number_or(params, "index", 0))},
              {"interrupts", count("sources")},
              {"msis", count("msis")},
              {"isrs", count("isrs")},
              {"dpcs", count("dpcs")},
              {"interrupt_rate_per_s", sources / sim_s},
              {"isr_rate_per_s", isrs / sim_s},
              // null when the percentile falls on interrupts that never reached a DPC
              {"p50_cycles", member(s, "p50")},
              {"p99_cycles", member(s, "p99")},
              {"p50_ns", ns(member(s, "p50"))},
              {"p99_ns", ns(member(s, "p99"))},
              {"passed", member(verdict, "passed").is_boolean() && member(verdict, "passed").get<bool>()}};
}

// A GPU-P point's migration figures: its guests' completions (guests.csv) and its
// migrations' pause time and stages (migration.json).
json gpup_point_row(const fs::path& d) {
  const json params = read_json(d / "params.json"), mig = read_json(d / "migration.json");
  const json verdict = read_json(d / "verdict.json");
  const gpup::GuestsTotals guests = gpup::read_guests_csv((d / "guests.csv").string());
  json row{{"params", member(params, "params").is_object() ? member(params, "params") : json::object()},
           {"index", static_cast<size_t>(number_or(params, "index", 0))},
           {"interrupts", guests.completions},
           {"passed", member(verdict, "passed").is_boolean() && member(verdict, "passed").get<bool>()},
           {"guest_p99_max_us", guests.p99_max_us}};
  double pause_max = 0, pause_sum = 0;
  std::map<std::string, double> stage_max;
  const size_t n = mig.is_array() ? mig.size() : 0;
  for (size_t i = 0; i < n; ++i) {
    pause_max = std::max(pause_max, number_or(mig[i], "pause_time_us", 0));
    pause_sum += number_or(mig[i], "pause_time_us", 0);
    const json stages = member(mig[i], "stages_us");  // held: items() refers to it
    for (const auto& [k, v] : stages.items())
      stage_max[k] = std::max(stage_max[k], v.is_number() ? v.get<double>() : 0.0);
  }
  row["migrations"] = n;
  row["pause_max_us"] = n ? json(pause_max) : json(nullptr);
  row["pause_mean_us"] = n ? json(pause_sum / n) : json(nullptr);
  for (const char* k : kStageKeys) row[std::string(k) + "_max_us"] = n ? json(stage_max[k]) : json(nullptr);
  return row;
}

// A point's row: its latency figures and, for a GPU-P run, its migration figures beside them.
json point_row_of(const fs::path& d) {
  if (!fs::exists(d / "migration.json")) return point_row(d);
  if (!fs::exists(d / "latency.json")) return gpup_point_row(d);  // (written before every run had one)
  json row = point_row(d);
  const json gpup = gpup_point_row(d);  // held: items() refers to it
  for (auto& [k, v] : gpup.items()) {
    if (!row.contains(k)) row[k] = v;
  }
  return row;
}

// A finished point: its parameters, its verdict and its results (latency.json, or a GPU-P
// run's migration.json).
bool has_results(const fs::path& d) {
  return fs::exists(d / "params.json") && fs::exists(d / "verdict.json") &&
         (fs::exists(d / "latency.json") || fs::exists(d / "migration.json"));
}

Rows collect_rows(const std::vector<std::string>& inputs) {
  Rows r;
  std::set<std::string> identities;
  for (const auto& in : inputs) {
    if (!fs::is_directory(in + "/points"))
      throw ScenarioError(in + ": not a sweep directory (no points/ in it)");
    identities.insert(sweep_identity(in));
  }
  for (const auto& in : inputs) {
    const std::string id = sweep_identity(in);
    for (const auto& e : fs::directory_iterator(in + "/points")) {
      const fs::path d = e.path();
      if (!has_results(d)) continue;
      json row = point_row_of(d);
      // Rows of different sweeps are told apart by the directory they came from.
      if (identities.size() > 1) row["params"]["sweep"] = fs::path(in).lexically_normal().filename().string();
      r.rows[{id, row["index"].get<size_t>()}] = row;
      for (auto& [k, v] : row["params"].items()) {
        if (std::find(r.keys.begin(), r.keys.end(), k) == r.keys.end()) r.keys.push_back(k);
      }
    }
  }
  return r;
}

constexpr const char* kCols[] = {
    "interrupts", "msis",   "isrs",   "dpcs",  "interrupt_rate_per_s", "isr_rate_per_s", "p50_cycles",
    "p99_cycles", "p50_ns", "p99_ns", "passed"};

bool has_gpup_rows(const Rows& r) {
  return std::any_of(r.rows.begin(), r.rows.end(),
                     [](const auto& e) { return e.second.contains("migrations"); });
}

// The table's columns: kCols, then the migration figures when a row has them (GPU-P).
std::vector<std::string> columns(const Rows& r) {
  std::vector<std::string> cols(std::begin(kCols), std::end(kCols));
  const bool gpup = has_gpup_rows(r);
  if (!gpup) return cols;
  for (const char* c : {"guest_p99_max_us", "migrations", "pause_max_us", "pause_mean_us"}) cols.push_back(c);
  for (const char* k : kStageKeys) cols.push_back(std::string(k) + "_max_us");
  return cols;
}

std::string param_text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
}

// sweep.csv, sweep.md and the plot data.
void write_tables(const Rows& r, const std::string& out) {
  std::ofstream csv(out + "/sweep.csv"), md(out + "/sweep.md"), dat(out + "/sweep.dat");
  const std::vector<std::string> cols = columns(r);
  std::string header;
  for (const auto& k : r.keys) header += k + ",";
  for (size_t i = 0; i < cols.size(); ++i) header += cols[i] + (i + 1 == cols.size() ? "" : ",");
  csv << header << "\n";
  md << "|";
  for (const auto& k : r.keys) md << " " << k << " |";
  for (const auto& c : cols) md << " " << c << " |";
  md << "\n|";
  for (size_t i = 0; i < r.keys.size() + cols.size(); ++i) md << "---|";
  md << "\n";
  for (const auto& [id, row] : r.rows) {
    std::ostringstream line, mdl;
    for (const auto& k : r.keys) {
      const std::string v = param_text(row["params"].value(k, json()));
      line << v << ",";
      mdl << "| " << v << " ";
    }
    for (size_t i = 0; i < cols.size(); ++i) {
      const json cell = row.value(cols[i], json());  // GPU-P rows have no host-side latency
      std::string v = cell.dump();
      if (cell.is_number_float()) {
        char b[32];
        std::snprintf(b, sizeof b, "%.1f", cell.get<double>());
        v = b;
      }
      line << v << (i + 1 == cols.size() ? "" : ",");
      mdl << "| " << v << " ";
    }
    csv << line.str() << "\n";
    md << mdl.str() << "|\n";
    // Plot data: first parameter, a series per value of the second (if any).
    const std::string x = r.keys.empty() ? std::to_string(row["index"].get<size_t>())
                                         : param_text(row["params"].value(r.keys[0], json(0)));
    const std::string series = r.keys.size() > 1 ? param_text(row["params"].value(r.keys[1], json())) : "all";
    auto plotted = [](const json& v) {
      return v.is_number() ? std::to_string(v.get<double>()) : std::string("NaN");
    };
    // GPU-P points plot their guests' worst p99 and the longest pause against the migrations.
    const bool g = row.contains("migrations");
    dat << series << "\t" << x << " " << plotted(row.value(g ? "guest_p99_max_us" : "p50_ns", json())) << " "
        << plotted(row.value(g ? "pause_max_us" : "p99_ns", json())) << " "
        << plotted(row.value(g ? "migrations" : "isr_rate_per_s", json())) << "\n";
  }
}

// One plot: p50 and p99 latency (left) and ISR rate (right) against the first parameter,
// one data file per series (no shell filters: values reach gnuplot only as data).
void write_plot(const std::vector<std::string>& keys, const std::string& out, bool gpup) {
  // Host runs: latency percentiles and the ISR rate. GPU-P runs: guest p99 and pause time.
  const char* y = gpup ? "microseconds" : "interrupt-to-DPC latency (ns)";
  const char* y2 = gpup ? "migrations" : "ISRs per second";
  const std::string t[3] = {gpup ? "guest p99 (worst VM)" : "p50", gpup ? "longest pause" : "p99",
                            gpup ? "migrations" : "ISR rate"};
  std::map<std::string, std::vector<std::string>> series;
  {
    std::ifstream in(out + "/sweep.dat");
    for (std::string s, rest; std::getline(in, s, '\t') && std::getline(in, rest);) series[s].push_back(rest);
  }
  std::ofstream g(out + "/sweep.gp");
  g << "set terminal svg size 900,600 dynamic font 'sans,11'\nset termoption noenhanced\n"
    << "set output " << gnuplot_string(out + "/sweep.svg") << "\n"
    << "set title 'irqlab sweep'\nset xlabel " << gnuplot_string(keys.empty() ? "point" : keys[0]) << "\n"
    << "set ylabel " << gnuplot_string(y) << "\nset y2label " << gnuplot_string(y2)
    << "\nset y2tics\nset ytics "
       "nomirror\n"
    << "set key below\nset xtics rotate by -30\nset logscale y\nplot ";
  unsigned n = 0;
  for (const auto& [s, lines] : series) {
    const std::string file = out + "/sweep_series" + std::to_string(n) + ".dat";
    std::vector<std::string> sorted = lines;
    std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
      return std::strtod(a.c_str(), nullptr) < std::strtod(b.c_str(), nullptr);
    });
    std::ofstream d(file);
    for (const auto& l : sorted) d << l << "\n";
    const std::string tag = keys.size() > 1 ? " (" + keys[1] + "=" + s + ")" : "";
    const std::string sel = gnuplot_string(file);
    g << (n ? ", " : "") << sel << " using 1:2 with linespoints title " << gnuplot_string(t[0] + tag) << ", "
      << sel << " using 1:3 with linespoints title " << gnuplot_string(t[1] + tag) << ", " << sel
      << " using 1:4 axes x1y2 with linespoints dashtype 2 title " << gnuplot_string(t[2] + tag);
    ++n;
  }
  g << "\n";
  g.close();
  const int rc = run_gnuplot(out + "/sweep.gp");
  if (rc != 0)
    std::cerr << "irqlab: gnuplot " << (rc < 0 ? "could not be started" : "failed")
              << "; sweep.svg not drawn\n";
}

}  // namespace

size_t merge_sweeps(const std::vector<std::string>& inputs, const std::string& out) {
  const Rows r = collect_rows(inputs);
  fs::create_directories(out);
  write_tables(r, out);
  if (!r.rows.empty()) write_plot(r.keys, out, has_gpup_rows(r));
  return r.rows.size();
}

}  // namespace irqlab::run
