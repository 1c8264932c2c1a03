// irq_calibrate: prints a profile's measured MMIO and DMA figures (see calibrate.hpp).
// Exit 2 on a bad profile name or a malformed profile file.
#include <CLI/CLI.hpp>
#include <iostream>
#include <systemc>  // declares sc_main with the linkage libsystemc calls

#include "calibrate.hpp"

int sc_main(int argc, char** argv) {
  std::string profile = "gen4x16", file = irqlab::pcie::default_profile_path();
  bool json = false;
  CLI::App app{"Measure a PCIe timing profile through the platform model"};
  app.add_option("--profile", profile, "profile name");
  app.add_option("--profiles-file", file, "profile file");
  app.add_flag("--json", json, "print one JSON object");
  CLI11_PARSE(app, argc, argv);
  try {
    const auto r = irqlab::platform::calibrate(irqlab::pcie::load_profile(file, profile));
    std::cout << (json ? irqlab::platform::to_json(r).dump() + "\n" : irqlab::platform::to_text(r));
  } catch (const irqlab::pcie::ConfigError& e) {
    std::cerr << "irq_calibrate: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
