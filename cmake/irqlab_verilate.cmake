# The Verilator runtime is compiled once into verilator_runtime and shared by every
# Verilated model; irqlab_verilate() strips the per-model copy verilate() would add.
set(IRQLAB_VL_INC ${VERILATOR_ROOT}/include)
add_library(verilator_runtime STATIC
  ${IRQLAB_VL_INC}/verilated.cpp
  ${IRQLAB_VL_INC}/verilated_threads.cpp
  ${IRQLAB_VL_INC}/verilated_vcd_c.cpp
  ${IRQLAB_VL_INC}/verilated_fst_c.cpp)
target_include_directories(verilator_runtime SYSTEM PUBLIC ${IRQLAB_VL_INC} ${IRQLAB_VL_INC}/vltstd)
target_compile_definitions(verilator_runtime PUBLIC VM_COVERAGE=0 VM_SC=0 VM_TRACE=1)
target_compile_options(verilator_runtime PRIVATE -w -Os)
# Generated and third-party code is not instrumented in sanitizer builds (docs/testing.md):
# it is most of the build's time, and the RTL is verified by lockstep, not by sanitizers.
set(IRQLAB_NO_SANITIZE "")
if(IRQLAB_SANITIZE)
  set(IRQLAB_NO_SANITIZE -fno-sanitize=all)
endif()
target_compile_options(verilator_runtime PRIVATE ${IRQLAB_NO_SANITIZE})
target_link_libraries(verilator_runtime PUBLIC ZLIB::ZLIB Threads::Threads)

# irqlab_verilate(<lib> PREFIX <class> TRACE_FORMAT FST|VCD SOURCES ... [PARAMS -GX=Y ...])
# builds a static library holding one Verilated model of irq_ctrl_top.
function(irqlab_verilate lib)
  cmake_parse_arguments(A "" "PREFIX;TRACE_FORMAT;TOP" "SOURCES;PARAMS" ${ARGN})
  add_library(${lib} STATIC)
  set(trace_opt TRACE)
  if(A_TRACE_FORMAT STREQUAL "FST")
    set(trace_opt TRACE_FST)
  endif()
  verilate(${lib} ${trace_opt} PREFIX ${A_PREFIX} TOP_MODULE ${A_TOP}
           SOURCES ${A_SOURCES}
           VERILATOR_ARGS -O3 --x-assign fast --x-initial fast ${A_PARAMS})
  get_target_property(srcs ${lib} SOURCES)
  list(FILTER srcs EXCLUDE REGEX "^${IRQLAB_VL_INC}/")
  set_property(TARGET ${lib} PROPERTY SOURCES ${srcs})
  target_compile_options(${lib} PRIVATE -w ${IRQLAB_NO_SANITIZE})
  target_link_libraries(${lib} PUBLIC verilator_runtime)
endfunction()
