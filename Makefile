# Task runner for overlap. `make demo` and `make test` are the two commands a new
# machine needs; every target installs what it uses first.
PRESET ?= release
BUILD_DIR := build
OVERLAP := $(BUILD_DIR)/bin/overlap
PREFIX ?= /usr/local

.PHONY: deps configure build test demo bench install asan tsan tsan-threaded fuzz format format-check clean

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

# Under ThreadSanitizer only what runs more than one thread (ctest label "threaded").
tsan-threaded: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan --target overlap_unit_tests overlap_e2e_tests overlap_cli
	@ctest --preset tsan -L threaded

# FUZZ_RUNS inputs through the request fuzzer (clang, libFuzzer, ASan + UBSan), at most
# FUZZ_SECONDS; new inputs it finds go to build-fuzz/corpus, crashes to build-fuzz/.
FUZZ_RUNS ?= 2000000
FUZZ_SECONDS ?= 600
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz --target request_fuzzer
	@mkdir -p build-fuzz/corpus
	@build-fuzz/bin/request_fuzzer -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
	  -dict=tests/fuzz/http.dict -print_final_stats=1 -artifact_prefix=build-fuzz/ \
	  build-fuzz/corpus tests/fuzz/corpus tests/fuzz/regressions 2>build-fuzz/fuzz.log \
	  || { tail -n 60 build-fuzz/fuzz.log; exit 1; }
	@grep -E '^(Done|stat::)' build-fuzz/fuzz.log

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	@rm -rf build build-*
