# Task runner for overlap. `make demo` and `make test` are the two commands a new
# machine needs; every target installs what it uses first.
PRESET ?= release
BUILD_DIR := build
OVERLAP := $(BUILD_DIR)/bin/overlap
PREFIX ?= /usr/local

.PHONY: deps configure build test demo bench install asan tsan format format-check clean

deps:
	@bash scripts/deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

test: build
	@ctest --preset $(PRESET)

demo: build
	@bash scripts/demo.sh $(OVERLAP)

bench: build
	@bash bench/run_all.sh

install: build
	@cmake --install $(BUILD_DIR) --prefix $(PREFIX)

asan:
	@$(MAKE) --no-print-directory test PRESET=asan

tsan:
	@$(MAKE) --no-print-directory test PRESET=tsan

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	@rm -rf build build-*
