# Thin wrapper: the README's two commands are `make run` and `make test`.
BUILD ?= build
JOBS  ?= $(shell nproc)
OUT   ?= out

.PHONY: all bootstrap configure build run rtl-run test test-asan bench regs format lint clean

all: build

bootstrap:
	scripts/bootstrap

configure: bootstrap
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Default job: the built-in default scenario (docs/scenarios.md) into out/default/.
run: build
	$(BUILD)/tb/irqlab run default --out $(OUT)/default --force

# The RTL lockstep bench (1 M cycles, seed 1): waveform of its first 20,000 cycles and
# the summary under out/rtl/.
rtl-run: build
	$(BUILD)/tb/irq_lockstep --seed 1 --cycles 1000000 --require-coverage \
	  --trace $(OUT)/rtl/lockstep.fst --trace-cycles 20000 --summary $(OUT)/rtl/summary.txt

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# irqlab on PATH (PREFIX/bin), its data in PREFIX/share/irqlab, its benches in
# PREFIX/libexec/irqlab. `make install PREFIX=$$HOME/.local` for a user install.
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# Sanitizer job (docs/testing.md): AddressSanitizer + UndefinedBehaviorSanitizer on every
# project target in build-asan/, then the unit and system tests.
ASAN_BUILD ?= build-asan
IRQLAB_ASAN_OPTIONS ?= detect_leaks=1:detect_stack_use_after_return=0
test-asan: bootstrap
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIRQLAB_SANITIZE=address,undefined
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=$(IRQLAB_ASAN_OPTIONS) UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -L 'unit|system' -LE slow

bench: build
	$(BUILD)/tb/irq_rtl_bench
	$(BUILD)/tb/irqlab bench

# Regenerate the register package, C++ header and docs/registers.md from the map.
regs:
	/usr/bin/python3 rtl/regs/regtool.py rtl/regs/irq_ctrl.regs.yaml \
	  --sv rtl/irq_ctrl_reg_pkg.sv --cpp rtl/regs/generated/irq_ctrl_regs.hpp --md docs/registers.md

lint: build
	cd $(BUILD) && ctest -R 'rtl.lint|regs.fresh' --output-on-failure

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp' ':!rtl/regs/generated/*')

clean:
	rm -rf $(BUILD) $(OUT)
