#!/usr/bin/env bash
# Installs what the webgpu backend needs on a Debian bookworm machine: Mesa's lavapipe Vulkan
# driver, version 24 or later, from bookworm-backports (bookworm's own 22.3 is too old for Dawn).
# The backports source is a copy of this machine's own Debian source with the suite changed.
set -euo pipefail
if ! command -v apt-get >/dev/null; then echo "no apt-get: skipping the webgpu setup"; exit 0; fi
src=/etc/apt/sources.list.d/debian.sources
dst=/etc/apt/sources.list.d/reclang-backports.sources
if [ -f "$src" ] && [ ! -f "$dst" ]; then
  awk 'BEGIN { RS = ""; ORS = "\n\n" } /Suites: bookworm( |$|\n)/ { sub(/Suites: [^\n]*/, "Suites: bookworm-backports"); print }' "$src" > "$dst"
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
dpkg -l mesa-vulkan-drivers | tail -1
