// FST writers stamp the wall-clock date into the file header, so two runs of the same
// seed would differ in one field. This replaces it with a fixed text after the file is
// closed, making waveforms byte-for-byte reproducible.
#pragma once

#include <string>

namespace irqlab::waves {

/// Overwrite the date field of a closed FST file's header. Returns false if the file
/// is not an FST file or cannot be rewritten.
bool stamp_fixed_fst_date(const std::string& path);

}  // namespace irqlab::waves
