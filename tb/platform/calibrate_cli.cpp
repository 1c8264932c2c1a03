#include "calibrate_cli.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "calibrate.hpp"
#include "measured_points.hpp"
#include "process.hpp"

namespace irqlab::platform {

namespace {

nlohmann::json comparison_json(const Comparison& c, double tolerance) {
  nlohmann::json j;
  j["points"] = nlohmann::json::array();
  for (const auto& r : c.rows) {
    j["points"].push_back({{"quantity", r.point.quantity},
                           {"size", r.point.size},
                           {"measured", r.point.value},
                           {"model", r.model},
                           {"error", r.error},
                           {"source", r.point.source}});
  }
  j["worst_error"] = c.worst;
  j["tolerance"] = tolerance;
  j["pass"] = c.worst <= tolerance;
  return j;
}

std::string comparison_text(const Comparison& c, double tolerance) {
  std::string out = "quantity            size   measured      model    error  source\n";
  char buf[256];
  for (const auto& r : c.rows) {
    std::snprintf(buf, sizeof buf, "%-17s %6u %10.1f %10.1f  %+6.1f%%  %s\n", r.point.quantity.c_str(),
                  r.point.size, r.point.value, r.model, 100 * r.error, r.point.source.c_str());
    out += buf;
  }
  const auto& w = c.rows.at(c.worst_row);
  std::snprintf(buf, sizeof buf, "worst: %s at %u B, %+.1f%% (%s the %.1f%% tolerance)\n",
                w.point.quantity.c_str(), w.point.size, 100 * w.error,
                c.worst <= tolerance ? "within" : "ABOVE", 100 * tolerance);
  return out + buf;
}

// Runs this program again (SystemC starts once per process) and returns its exit code,
// with its stdout in `out`. No shell: the arguments reach it as they are.
int rerun(const std::vector<std::string>& args, const std::string& capture, std::string& out) {
  run::SpawnOptions o;
  o.stdout_path = capture;
  o.extra_env = {"SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1"};
  std::vector<std::string> argv = args;
  argv[0] = "/proc/self/exe";
  const int rc = run::wait_process(run::spawn_process(argv, o));
  std::ifstream f(capture);
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  std::filesystem::remove(capture);
  return rc < 0 ? 3 : rc;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << text;
    f.flush();
    if (!f) throw pcie::ConfigError(path + ": cannot write the fitted profile");
  }
  std::filesystem::rename(tmp, path);
}

int fit_and_check(const CalibrateArgs& a, const pcie::PcieProfile& base, const Comparison& before) {
  const LineFit f = fit_read_latency(before);
  pcie::PcieProfile p = base;
  const double llc = p.llc_read_ps / 1000.0 + f.constant_ns, line = p.cpl_line_ps / 1000.0 + f.per_line_ns;
  const double write = p.mem_write_ps / 1000.0 + f.write_ns;
  if (llc < 0 || line < 0 || write < 0)
    throw pcie::ConfigError(
        "--fit: the points need a negative llc_read_ns, cpl_line_ns or mem_write_ns; the "
        "other parts of the profile already exceed them");
  auto ps = [](double ns) { return static_cast<uint64_t>(std::llround(ns * 10) * 100); };  // 0.1 ns steps
  p.llc_read_ps = ps(llc);
  p.cpl_line_ps = ps(line);
  p.mem_write_ps = ps(write);
  const std::string out = a.fit_out.empty() ? base.name + "-fit.yaml" : a.fit_out;
  write_file_atomically(out, "# Fitted by `irqlab calibrate --fit` to " +
                                 std::filesystem::path(a.against).filename().string() + "\n" +
                                 pcie::to_yaml(p));
  std::string after;
  std::vector<std::string> args{
      "irqlab", "calibrate", "--profiles-file", out,           "--profile",
      p.name,   "--against", a.against,         "--tolerance", std::to_string(a.tolerance)};
  if (a.json) args.push_back("--json");
  const int rc = rerun(args, out + ".check.json", after);
  if (a.json) {
    nlohmann::json j{{"before", comparison_json(before, a.tolerance)},
                     {"fit",
                      {{"llc_read_ns", p.llc_read_ps / 1000.0},
                       {"cpl_line_ns", p.cpl_line_ps / 1000.0},
                       {"mem_write_ns", p.mem_write_ps / 1000.0},
                       {"mem_write_fitted", f.has_write},
                       {"points", f.points}}},
                     {"profile_file", out}};
    j["after"] = nlohmann::json::parse(after, nullptr, false);
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "before the fit:\n" << comparison_text(before, a.tolerance);
    std::printf(
        "fit over %zu points: llc_read_ns %.1f, cpl_line_ns %.1f, mem_write_ns %.1f%s; written to %s\n\n"
        "after the fit:\n",
        f.points, p.llc_read_ps / 1000.0, p.cpl_line_ps / 1000.0, p.mem_write_ps / 1000.0,
        f.has_write ? "" : " (kept: no dma_write_read_ns points)", out.c_str());
    std::cout << after;
  }
  return rc;
}

int execute(const CalibrateArgs& a) {
  const std::string file = a.profiles_file.empty() ? pcie::default_profile_path() : a.profiles_file;
  pcie::PcieProfile profile = pcie::load_profile(file, a.profile);
  if (a.mps) profile.mps = a.mps;
  std::vector<MeasuredPoint> points;
  CalibrationPlan plan;
  if (!a.against.empty()) points = load_points(a.against);
  for (const auto& p : points) {
    if (p.quantity == "dma_read_ns") plan.read_sizes.insert(p.size);
    if (p.quantity == "dma_write_ns") plan.write_sizes.insert(p.size);
    if (p.quantity == "dma_write_read_ns") plan.write_read_sizes.insert(p.size);
    if (p.quantity == "dma_write_gbps" || p.quantity == "dma_write64_gbps") plan.stream_sizes.insert(p.size);
  }
  const CalibrationResult r = calibrate(profile, plan);
  if (points.empty()) {
    std::cout << (a.json ? to_json(r).dump() + "\n" : to_text(r));
    return 0;
  }
  const Comparison c = compare(points, [&r](const std::string& q, uint32_t s) { return lookup(r, q, s); });
  if (a.fit) return fit_and_check(a, profile, c);
  if (a.json) {
    nlohmann::json j = to_json(r);
    j["against"] = a.against;
    j["comparison"] = comparison_json(c, a.tolerance);
    std::cout << j.dump() << "\n";
  } else {
    std::cout << to_text(r) << "\nagainst " << a.against << ":\n" << comparison_text(c, a.tolerance);
  }
  return c.worst <= a.tolerance ? 0 : 1;
}

}  // namespace

CLI::App* add_calibrate_command(CLI::App& app, CalibrateArgs& a) {
  auto* cal = app.add_subcommand("calibrate", "measure a PCIe profile through the model; compare and fit it");
  cal->add_option("--profile", a.profile, "profile name")->capture_default_str();
  cal->add_option("--profiles-file", a.profiles_file, "profile file (default: config/pcie_profiles.yaml)");
  cal->add_option("--mps", a.mps, "override the profile's Max_Payload_Size")
      ->check(CLI::IsMember({128, 256, 512, 1024, 2048, 4096}));
  cal->add_option("--against", a.against, "CSV of measured points: quantity,size,value,source");
  cal->add_option("--tolerance", a.tolerance, "largest relative error --against accepts")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  auto* fit =
      cal->add_flag("--fit", a.fit,
                    "fit llc_read_ns, cpl_line_ns (dma_read_ns points) and mem_write_ns (dma_write_read_ns)");
  fit->needs(cal->get_option("--against"));
  cal->add_option("--fit-out", a.fit_out, "where --fit writes the profile (default <profile>-fit.yaml)")
      ->needs(fit);
  cal->add_flag("--json", a.json, "print one JSON object");
  return cal;
}

int run_calibrate(const CalibrateArgs& a) {
  try {
    return execute(a);
  } catch (const pcie::ConfigError& e) {
    std::cerr << "irqlab calibrate: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace irqlab::platform
