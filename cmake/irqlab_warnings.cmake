# Project code is built with -Wall -Wextra -Werror. Verilator's generated code is not
# ours to fix, so the flags go on project targets only.
function(irqlab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
