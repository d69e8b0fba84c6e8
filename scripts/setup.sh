#!/usr/bin/env bash
# One-command, idempotent setup: npm packages, a project-local Python venv with
# Jupyter (JupyterLab + nbconvert), and the project's tslab kernel registered in
# that venv. Re-running it only fills in what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

echo "[setup] npm packages"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

echo "[setup] Jupyter in .venv (requirements-jupyter.txt)"
py=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-jupyter.txt

echo "[setup] tslab kernel 'siamese-albert-ts' (from kernel.json)"
spec=$(mktemp -d)/siamese-albert-ts
mkdir -p "$spec"
sed "s#{project}#$root#g" kernel.json > "$spec/kernel.json"
.venv/bin/jupyter kernelspec install --sys-prefix --replace --name siamese-albert-ts "$spec" >/dev/null
rm -rf "$(dirname "$spec")"
echo "[setup] done: kernels: $(.venv/bin/jupyter kernelspec list | grep -c siamese-albert-ts) project kernel; open JupyterLab with: .venv/bin/jupyter lab notebooks/"
