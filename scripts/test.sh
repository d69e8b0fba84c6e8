#!/usr/bin/env bash
# The test command: type-check, then every test/**/*.test.ts with node's test runner.
# Tests that need ../shared (real data, the ALBERT tokenizer) read SHARED_DIR and
# skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SHARED_DIR:-}" ] && [ -d ../shared ]; then export SHARED_DIR="$(cd ../shared && pwd)"; fi
npx tsc --noEmit -p .
npx prettier --check --log-level warn "lib/**/*.ts" "test/**/*.ts" "scripts/**/*.ts"
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=1 "$@" "${files[@]}"
