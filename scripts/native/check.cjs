// Smoke check of the tfjs-node build in .cache/native (run by scripts/setup-native.sh
// from the project root): it must load, register 'tensorflow' in the PROJECT's
// @tensorflow/tfjs-core instance (not a second copy), and compute correctly.
// usage: node scripts/native/check.cjs <path to the built @tensorflow/tfjs-node>
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');

const pkgDir = process.argv[2];
if (!pkgDir) {
  console.error("check.cjs: usage: node scripts/native/check.cjs <tfjs-node package dir>");
  process.exit(2);
}
process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || '2';
const fromRoot = createRequire(path.join(process.cwd(), 'package.json'));
const fromPkg = createRequire(path.join(path.resolve(pkgDir), 'package.json'));

function fail(msg) {
  console.error(`check.cjs: ${msg}`);
  process.exit(1);
}

try {
  const coreRoot = fromRoot.resolve('@tensorflow/tfjs-core');
  const corePkg = fromPkg.resolve('@tensorflow/tfjs-core');
  if (coreRoot !== corePkg) fail(`tfjs-node resolves @tensorflow/tfjs-core to ${corePkg}, the project to ${coreRoot}; they must be one instance.`);
  const tf = fromRoot('@tensorflow/tfjs');
  const t0 = Date.now();
  fromPkg(path.resolve(pkgDir));
  const loadMs = Date.now() - t0;
  if (tf.getBackend() !== 'tensorflow') fail(`after loading, the project's backend is '${tf.getBackend()}', not 'tensorflow'.`);
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const got = Array.from(a.matMul(a).dataSync());
  if (JSON.stringify(got) !== JSON.stringify([7, 10, 15, 22])) fail(`matMul [[1,2],[3,4]]^2 gave ${got}; expected 7,10,15,22.`);
  const g = Array.from(tf.grad((x) => x.square().sum())(a).dataSync());
  if (JSON.stringify(g) !== JSON.stringify([2, 4, 6, 8])) fail(`grad of sum(x^2) gave ${g}; expected 2,4,6,8.`);
  const binding = tf.backend().binding;
  console.log(`[setup:native] check ok: backend 'tensorflow', TensorFlow ${binding && binding.TF_Version}, ` +
    `tfjs ${tf.version.tfjs}, loaded in ${loadMs} ms`);
} catch (e) {
  fail(`loading ${pkgDir} failed: ${e && e.stack ? e.stack : e}`);
}
