# SuperTable: the two set-up commands are `make demo` and `make test`.
# Both install missing Debian packages (tools/install-deps.sh) and build.
#
#   make            build (release) into build/
#   make demo       install deps, build, run the demo job
#   make test       install deps, build, run every test, then again under ASan+UBSan
#   make test-fast  the tests in the release build only
#   make test-asan  the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      Parquet benchmark against DuckDB, the commit benchmark and
#                   the scan benchmarks (planning, table scan); figures in bench/results/
#   make fuzz-smoke short libFuzzer run of every fuzzer
#   make install    install library, headers, pkg-config file and CLI (PREFIX=/usr/local)

JOBS   ?= $(shell nproc)
PREFIX ?= /usr/local
CMAKE_FLAGS ?=

.PHONY: all build deps node-deps demo test test-fast test-asan bench fuzz-smoke install clean

all: build

deps:
	@./tools/install-deps.sh

node-deps:
	@./tools/install-node-deps.sh

build/Makefile: CMakeLists.txt
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: deps build/Makefile
	cmake --build build -j $(JOBS)

build-asan/Makefile: CMakeLists.txt
	CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DST_SANITIZE=ON -DST_FUZZ=ON $(CMAKE_FLAGS)

build-asan: deps build-asan/Makefile
	cmake --build build-asan -j $(JOBS)

demo: build
	@./tools/demo.sh build/supertable

test-fast: build node-deps
	cd build && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan node-deps
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

test: test-fast test-asan fuzz-smoke

fuzz-smoke: build-asan
	@./tools/fuzz-smoke.sh build-asan

bench: build node-deps
	@./bench/run.sh build
	@sh ./bench/commit.sh build
	@sh ./bench/planning.sh build

install: build
	cmake --install build --prefix $(PREFIX)

clean:
	rm -rf build build-asan
.PHONY: build-asan
