#!/usr/bin/env bash
# Installs liboverlap from the build tree into a temporary prefix, then builds and runs
# tests/consumer against it twice: with CMake's find_package(overlap), and with a
# plain compiler command from `pkg-config --cflags --libs overlap`.
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"

pc_dir=$(dirname "$(find "$work/prefix" -name overlap.pc -print -quit)")
[ -n "$pc_dir" ] || { echo "FAIL: no overlap.pc installed" >&2; exit 1; }
# Moved after installing: the .pc finds its prefix relative to itself.
mv "$work/prefix" "$work/moved"
pc_dir=${pc_dir/$work\/prefix/$work/moved}
flags=$(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs overlap)
# shellcheck disable=SC2086
"${CXX:-c++}" -O1 -o "$work/consumer_pc" "$source_dir/main.cpp" $flags
"$work/consumer_pc" | sed 's/^consumer ok/consumer (pkg-config) ok/'
