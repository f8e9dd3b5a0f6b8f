#!/usr/bin/env bash
# Installs what the torch engine and the ONNX export need on a Debian machine, from Debian's own
# packages (no pip): PyTorch 1.13 with OpenBLAS, numpy and onnx, under /usr/bin/python3, and
# pyflakes3, which checks the Python reclang generates (test/repro/torch-style.test.ts).
set -euo pipefail
if ! command -v apt-get >/dev/null; then echo "no apt-get: skipping the torch setup"; exit 0; fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread python3-numpy python3-onnx pyflakes3 >/dev/null
/usr/bin/python3 -c "import torch, numpy, onnx; print('torch', torch.__version__, 'numpy', numpy.__version__, 'onnx', onnx.__version__)"
