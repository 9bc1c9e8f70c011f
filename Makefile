# SPDX-License-Identifier: LGPL-2.1-or-later
# Thin wrapper over CMake: the build itself is described in CMakeLists.txt.
#   make          configure and build into build/ (gcc)
#   make demo     offline enrollment on the built-in simulated card
#   make check    every test: gcc build, then clang with ASan+UBSan and short fuzz runs
#   make fuzz     clang fuzzers for FUZZ_SECONDS each (default 600)
#   make bench    APDUs, bytes and time per scenario, mdcard against OpenSC (build/bench.json)
#   make deps     install the Debian packages listed in tests/debian-packages.txt
#   make install  install the configured build (module into p11-kit's module directory)
#   make deb      a Debian package from a separate /usr-prefix build (build-deb/)
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 600
export FUZZ_SECONDS
BUILD ?= build
ASAN_BUILD ?= build-asan
DEB_BUILD ?= build-deb
CTEST_FLAGS ?= --output-on-failure -j$(JOBS)

.PHONY: all deps configure build demo check check-gcc check-asan fuzz bench install deb clean

all: build

deps:
	@tests/install-deps

configure:
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=gcc

build: configure
	cmake --build $(BUILD) -j$(JOBS)

demo: deps build
	tests/demo

check: deps check-gcc check-asan

check-gcc: build
	cd $(BUILD) && ctest $(CTEST_FLAGS)

check-asan:
	@test -f $(ASAN_BUILD)/CMakeCache.txt || cmake -S . -B $(ASAN_BUILD) \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DMDCARD_SANITIZE=ON -DMDCARD_FUZZ=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest $(CTEST_FLAGS) -LE 'firefox|deb'

fuzz: deps
	@test -f $(ASAN_BUILD)/CMakeCache.txt || cmake -S . -B $(ASAN_BUILD) \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DMDCARD_SANITIZE=ON -DMDCARD_FUZZ=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS) --target fuzz

bench: deps build
	MDCARD_BUILD_DIR=$(BUILD) tests/bench/run

install: build
	cmake --install $(BUILD)

# The configuration path is compiled in, so the package comes from a build
# configured for /usr (cmake/packaging-check.cmake refuses anything else).
deb: deps
	@test -f $(DEB_BUILD)/CMakeCache.txt || cmake -S . -B $(DEB_BUILD) -DCMAKE_C_COMPILER=gcc \
	  -DCMAKE_INSTALL_PREFIX=/usr -DMDCARD_TESTS=OFF
	cmake --build $(DEB_BUILD) -j$(JOBS)
	cd $(DEB_BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(DEB_BUILD)
