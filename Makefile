# Thin wrapper over Meson. `make` builds, `make test` runs every suite in a
# gcc build, a clang -Wthread-safety build, and ASan+UBSan and TSan builds,
# then the libFuzzer targets (scripts/ci-test.sh).
BUILD ?= build
BIN = $(BUILD)/src/cli/vfio-ap-sim

.PHONY: all deps demo test test-fast clean

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

demo: all
	$(BIN) demo

test-fast: all
	scripts/run-tests.sh $(BUILD)

test: deps
	scripts/ci-test.sh

clean:
	rm -rf $(BUILD) build-clang build-asan build-tsan build-fuzz build-bench-*
