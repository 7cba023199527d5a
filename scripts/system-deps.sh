#!/usr/bin/env bash
# System packages for serving (`system-deps.sh serve`), the demo (`demo`) or the tests (`test`, the default).
# bridge/platform.py decides what this machine lacks: for serving, nothing on macOS, nor on Linux with an ALSA
# sequencer or a running JACK server, else JACK; for the demo, FluidSynth (Debian's brings a GM soundfont);
# for the tests, JACK, liblo's tools, FluidSynth and sox.
# Installs them with apt-get where there is one; elsewhere it says in one line what to install, and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# run by path (not installed yet), as runpy does it: the file's folder stays off sys.path, where bridge/platform.py
# would shadow the standard library's platform module
packages=$("${PYTHON:-python3}" -c 'import runpy; runpy.run_path("bridge/platform.py", run_name="__main__")' \
    packages "${1:-test}")
[ -z "$packages" ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing $packages with apt-get" >&2
$sudo apt-get update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
