#!/usr/bin/env bash
# Optional native TensorFlow backend for TF.js, without Google's CDN:
# builds @tensorflow/tfjs-node's N-API binding from its npm source against the
# shared libraries and C API headers shipped in TensorFlow's Python wheel from
# PyPI, and installs the result into .cache/native/ (gitignored; the project's
# node_modules is never touched). lib/backend loads it from there.
#
#   npm run setup:native            # build once; re-running is a quick check
#   npm run setup:native -- --force # rebuild from the cached wheel/sources
#   npm run setup:native -- --clean # delete .cache/native and rebuild
#
# Needs: Linux x86_64, node >= 20.17, python3 with pip (only `pip download`
# is used: no venv, nothing is installed into any Python environment), g++,
# make, ~1.2 GB disk. The wheel can be swapped (untested) for a CUDA-enabled one:
#   SIAMESE_TF_PACKAGE=tensorflow SIAMESE_TF_VERSION=2.21.0 npm run setup:native -- --force
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
here="$root/scripts/native"

TF_PACKAGE=${SIAMESE_TF_PACKAGE:-tensorflow-cpu}
TF_VERSION=${SIAMESE_TF_VERSION:-2.21.0}
# Any CPython 3.x wheel carries the same libtensorflow: fix one tag so the
# user's own Python version does not matter.
WHEEL_PY=311
WHEEL_PLATFORM=manylinux_2_27_x86_64
# sha256 of tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl on PyPI.
PINNED_SHA256=2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c
TFJS_NODE_VERSION=4.22.0
out="$root/.cache/native"
pkg="$out/node_modules/@tensorflow/tfjs-node"
py=${PYTHON:-python3}

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --clean) rm -rf "$out"; force=1 ;;
    *) echo "setup-native: unknown argument '$arg'; allowed: --force, --clean." >&2; exit 2 ;;
  esac
done

say() { echo "[setup:native] $*"; }
die() { echo "[setup:native] error: $*" >&2; exit 1; }
t_start=$(date +%s)

# --- preconditions -----------------------------------------------------------
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || die "only Linux x86_64 is supported; got $(uname -s)-$(uname -m)."
for tool in node npm g++ make "$py"; do
  command -v "$tool" >/dev/null || die "'$tool' not found on PATH (needed to build the binding)."
done
"$py" -m pip --version >/dev/null 2>&1 || die "'$py -m pip' does not work; set PYTHON to a python3 that has pip."
tfjs_version=$(node -p "require('./node_modules/@tensorflow/tfjs/package.json').version" 2>/dev/null) \
  || die "node_modules/@tensorflow/tfjs is missing: run 'npm run setup' (or npm ci) first."
[ "$tfjs_version" = "$TFJS_NODE_VERSION" ] \
  || die "@tensorflow/tfjs is $tfjs_version but the binding is built from tfjs-node $TFJS_NODE_VERSION; they must match."
napi=$(node -p "Math.min(8, Number(process.versions.napi))")  # tfjs-node lists napi 3..8

key="tf=$TF_PACKAGE==$TF_VERSION cp$WHEEL_PY $WHEEL_PLATFORM; tfjs-node=$TFJS_NODE_VERSION; napi=$napi; node=$(node -p process.versions.modules); lock=$(sha256sum "$here/package-lock.json" | cut -c1-16)"

check() { node "$here/check.cjs" "$pkg"; }

if [ "$force" = 0 ] && [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ] && [ -f "$pkg/lib/napi-v$napi/tfjs_binding.node" ]; then
  if check; then say "up to date ($key)"; exit 0; fi
  say "existing build failed its check: rebuilding"
fi
rm -f "$out/stamp"
mkdir -p "$out/wheel" "$out/src"

# --- 1. the TensorFlow wheel (pip download only) ------------------------------
wheel=$(ls "$out"/wheel/"${TF_PACKAGE//-/_}-$TF_VERSION-cp$WHEEL_PY-"*.whl 2>/dev/null | head -1 || true)
if [ -z "$wheel" ]; then
  say "downloading $TF_PACKAGE==$TF_VERSION (cp$WHEEL_PY, $WHEEL_PLATFORM) with pip download"
  "$py" -m pip download --no-deps --no-cache-dir --disable-pip-version-check --only-binary=:all: \
    --python-version "3.${WHEEL_PY#3}" --implementation cp --abi "cp$WHEEL_PY" --platform "$WHEEL_PLATFORM" \
    "$TF_PACKAGE==$TF_VERSION" -d "$out/wheel"
  wheel=$(ls "$out"/wheel/"${TF_PACKAGE//-/_}-$TF_VERSION-cp$WHEEL_PY-"*.whl | head -1)
fi
sha=$(sha256sum "$wheel" | cut -d' ' -f1)
if [ "$TF_PACKAGE==$TF_VERSION" = "tensorflow-cpu==2.21.0" ]; then
  [ "$sha" = "$PINNED_SHA256" ] || die "$(basename "$wheel") has sha256 $sha; expected $PINNED_SHA256 (delete it and retry)."
  say "wheel $(basename "$wheel") sha256 ok"
else
  say "wheel $(basename "$wheel") sha256 $sha (not pinned: custom SIAMESE_TF_PACKAGE/VERSION)"
fi

# --- 2. libtensorflow + the C API headers out of the wheel --------------------
say "extracting libtensorflow_cc.so.2, libtensorflow_framework.so.2 and C API headers"
rm -rf "$out/tf"
"$py" "$here/extract_wheel.py" "$wheel" "$out/tf"

# --- 3. tfjs-node source, pinned build/run-time deps, node-gyp build ----------
say "installing pinned node-gyp and tfjs-node run-time deps into .cache/native (scripts/native/package-lock.json)"
cp "$here/package.json" "$here/package-lock.json" "$out/"
(cd "$out" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

tgz="$out/src/tensorflow-tfjs-node-$TFJS_NODE_VERSION.tgz"
if [ ! -f "$tgz" ]; then
  say "npm pack @tensorflow/tfjs-node@$TFJS_NODE_VERSION (source only: its install script, which downloads libtensorflow, is never run)"
  (cd "$out/src" && npm pack --silent "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" >/dev/null)
fi
rm -rf "$pkg" && mkdir -p "$pkg"
tar xzf "$tgz" -C "$pkg" --strip-components=1

# binding.gyp expects deps/include and deps/lib/libtensorflow.so + libtensorflow_framework.so
# and sets rpath $ORIGIN/../../deps/lib: the wheel's two libraries go there under their
# sonames, with link-time names pointing at them (libtensorflow -> libtensorflow_cc).
mkdir -p "$pkg/deps/lib"
ln -s ../../../../tf/include "$pkg/deps/include"
for lib in libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
  ln -f "$out/tf/$lib" "$pkg/deps/lib/$lib" 2>/dev/null || cp "$out/tf/$lib" "$pkg/deps/lib/$lib"
done
ln -s libtensorflow_cc.so.2 "$pkg/deps/lib/libtensorflow.so"
ln -s libtensorflow_framework.so.2 "$pkg/deps/lib/libtensorflow_framework.so"

gyp_args=(rebuild -j "$(nproc)" --devdir="$out/node-gyp"
  --module_name=tfjs_binding --module_path="$pkg/lib/napi-v$napi" --napi_build_version="$napi")
node_prefix=$(node -p "require('path').resolve(process.execPath, '../..')")
if [ -f "$node_prefix/include/node/node_api.h" ]; then gyp_args+=(--nodedir="$node_prefix"); fi
say "node-gyp ${gyp_args[*]}"
(cd "$pkg" && "$out/node_modules/.bin/node-gyp" "${gyp_args[@]}" --loglevel=warn)
rm -rf "$pkg/build/Release/obj.target" "$pkg/build/Release/.deps"

# --- 4. check: loads, registers 'tensorflow' in the project's tfjs, computes ----
check || die "the built binding does not work (see above)."
echo "$key" > "$out/stamp"
say "done in $(( $(date +%s) - t_start )) s: lib/backend now offers 'tensorflow' ($(du -sh "$out" | cut -f1) in .cache/native)"
