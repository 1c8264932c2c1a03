# Project code is built with -Wall -Wextra -Werror. Verilator's generated code is not
# ours to fix, so the flags go on project targets only.
function(irqlab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(IRQLAB_SANITIZE)
    # GCC 12's -Wmaybe-uninitialized reports std::regex and std::function internals as
    # uninitialized under -fsanitize=address (false positives); the normal build keeps it.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()
