#!/usr/bin/env bash
# Jupyter kernel launcher: tslab resolves imports from its working directory, and
# Jupyter starts kernels in the notebook's folder; run from the project root so
# notebooks import the library as `./lib/...`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node node_modules/tslab/bin/tslab kernel --config-path "$1"
