#!/usr/bin/env bash
# Installs Debian's chromium for the report's browser test (test/report.test.ts drives it with
# playwright-core through its executable path); without it that test is skipped and says so.
set -euo pipefail
if ! command -v apt-get >/dev/null; then echo "no apt-get: skipping the chromium setup"; exit 0; fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
chromium --version
