#!/usr/bin/env bash
# Optional Python peer for `npm run bench`: PyTorch (training with sentence-transformers'
# BatchSemiHardTripletLoss, and inference) and ONNX Runtime (inference), run by
# scripts/peer/peer.py on the same weights and token ids as TF.js.
# Creates .cache/peer/venv (gitignored) from scripts/peer/requirements.txt (exact pins).
# Idempotent: re-running checks the stamp and only reinstalls when the pins changed.
#
#   npm run setup:peer            # create or check
#   npm run setup:peer -- --force # reinstall into a fresh venv
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.cache/peer/venv"
req="$root/scripts/peer/requirements.txt"
py=${PYTHON:-python3}

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    *) echo "setup-peer: unknown argument '$arg'; allowed: --force." >&2; exit 2 ;;
  esac
done
say() { echo "[setup:peer] $*"; }
die() { echo "[setup:peer] error: $*" >&2; exit 1; }

command -v "$py" >/dev/null || die "'$py' not found on PATH; set PYTHON to a python3 (3.10-3.13)."
"$py" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)' \
  || die "$("$py" --version 2>&1) is not supported: torch 2.13 wheels need Python 3.10-3.13; set PYTHON."
key="$(sha256sum "$req" | cut -c1-16) $("$py" --version 2>&1)"

check() { "$venv/bin/python" "$root/scripts/peer/peer.py" --check; }

if [ "$force" = 0 ] && [ -f "$venv/stamp" ] && [ "$(cat "$venv/stamp")" = "$key" ]; then
  if check; then say "up to date ($venv)"; exit 0; fi
  say "existing venv failed its check: reinstalling"
fi
t0=$(date +%s)
rm -rf "$venv"
"$py" -m venv "$venv"
say "installing scripts/peer/requirements.txt into .cache/peer/venv (torch CPU wheel, ~1 GB)"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
check || die "the peer environment does not work (see above)."
echo "$key" > "$venv/stamp"
say "done in $(( $(date +%s) - t0 )) s"
