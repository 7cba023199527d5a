#!/usr/bin/env bash
# System packages the daemon and the end-to-end tests need on Debian/Ubuntu: a JACK server (the MIDI
# backend on machines without an ALSA sequencer) and liblo's OSC command-line tools.
set -euo pipefail
needed=()
command -v jackd >/dev/null 2>&1 || needed+=(jackd2)
command -v oscsend >/dev/null 2>&1 || needed+=(liblo-tools)
[ ${#needed[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "please install: ${needed[*]} (JACK and liblo's oscsend/oscdump)" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${needed[*]} with apt-get" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
