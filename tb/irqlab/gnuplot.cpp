#include "gnuplot.hpp"

#include <vector>

#include "process.hpp"

namespace irqlab::run {

std::string gnuplot_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "''";
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      out += ' ';
    else
      out += c;
  }
  return out + "'";
}

int run_gnuplot(const std::string& script, const std::string& preamble) {
  std::vector<std::string> argv{"gnuplot"};
  if (!preamble.empty()) argv.insert(argv.end(), {"-e", preamble});
  argv.push_back(script);
  SpawnOptions o;
  o.stdout_path = "/dev/null";
  o.stderr_to_stdout = true;
  o.search_path = true;
  const pid_t pid = spawn_process(argv, o);
  return pid < 0 ? -1 : wait_process(pid);
}

}  // namespace irqlab::run
