// Running gnuplot safely: strings from scenarios and paths reach gnuplot's scripts only as
// quoted literals, and gnuplot itself is started without a shell.
#pragma once

#include <string>

namespace irqlab::run {

/// `s` as a gnuplot single-quoted string literal: quotes doubled (gnuplot's only escape
/// there) and control characters, which would end the command, replaced by spaces.
std::string gnuplot_string(const std::string& s);

/// Runs `gnuplot [-e preamble] script` (found on PATH, no shell, its output discarded);
/// returns its exit status, or -1 when it could not be started.
int run_gnuplot(const std::string& script, const std::string& preamble = "");

}  // namespace irqlab::run
