// The `irqlab calibrate` command: measure a profile, compare it with measured points
// (--against, exit 1 above --tolerance), and fit the host's DMA-read parameters (--fit).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace irqlab::platform {

struct CalibrateArgs {
  std::string profile = "gen3x8";
  std::string profiles_file;  ///< empty: config/pcie_profiles.yaml
  std::string against;        ///< a points CSV (measured_points.hpp)
  double tolerance = 0.10;
  bool fit = false;
  std::string fit_out;  ///< the fitted profile file; empty: <profile>-fit.yaml
  bool json = false;
  uint32_t mps = 0;  ///< overrides the profile's MPS when set
};

/// Adds the `calibrate` subcommand and its options to `app`.
CLI::App* add_calibrate_command(CLI::App& app, CalibrateArgs& a);

/// Runs it: 0 done (or every point within tolerance), 1 a point above tolerance, 2 bad input.
int run_calibrate(const CalibrateArgs& a);

}  // namespace irqlab::platform
