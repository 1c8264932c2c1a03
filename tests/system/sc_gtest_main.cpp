// GoogleTest entry for SystemC test executables: SystemC starts once per process, so
// each such executable runs one elaborated platform. `--seed N`, `--profile NAME`,
// `--random-profile`, `--bypass` and `--set NAME=VALUE` are passed on as IRQLAB_* environment
// variables.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <systemc>

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--seed" && has_value)
      setenv("IRQLAB_SEED", argv[++i], 1);
    else if (a == "--profile" && has_value)
      setenv("IRQLAB_PROFILE", argv[++i], 1);
    else if (a == "--random-profile")
      setenv("IRQLAB_RANDOM_PROFILE", "1", 1);
    else if (a == "--bypass")
      setenv("IRQLAB_BYPASS", "1", 1);
    else if (a == "--set" && has_value) {  // --set NAME=VALUE -> IRQLAB_NAME
      const std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "--set expects NAME=VALUE, got %s\n", kv.c_str());
        return 2;
      }
      setenv(("IRQLAB_" + kv.substr(0, eq)).c_str(), kv.substr(eq + 1).c_str(), 1);
    } else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  return RUN_ALL_TESTS();
}
