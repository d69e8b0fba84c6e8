/**
 * Regenerates lib/onnx/onnx-proto.json, protobufjs's reflection of the official lib/onnx/onnx.proto, so that the
 * writer loads the ONNX schema as a JSON module (works under tsx, Node and tslab, with no file paths at run time).
 * Run after replacing lib/onnx/onnx.proto: `npx tsx scripts/onnx/proto-json.ts`. test/onnx/proto.test.ts checks
 * that the committed JSON equals this output.
 */
import { writeFileSync } from 'node:fs';
import { protoToJson } from '../../lib/onnx/proto';

const out = 'lib/onnx/onnx-proto.json';
writeFileSync(out, `${JSON.stringify(protoToJson('lib/onnx/onnx.proto'), null, 1)}\n`);
console.error(`wrote ${out}`);
