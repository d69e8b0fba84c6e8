/**
 * `npm run export -- --run <out> [--stage siamese|trained] --to <folder>`: a run's tuned encoder as a folder that
 * transformers.js loads as is (config.json, tokenizer files, onnx/model.onnx).
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../backend/index';
import { POOLINGS, type Pooling } from '../model/types';
import { EXPORT_STAGES, exportRun, type ExportStage } from '../pipeline/export';

const HELP = `Usage: npm run export -- --run <out> [--stage siamese|trained] --to <folder>
                              [--pooling P] [--tokenizer DIR]

Writes a run's tuned encoder as ONNX (opset 17, standard ops) into a folder that transformers.js
(@huggingface/transformers) and ONNX Runtime load as is: config.json, the tokenizer files, onnx/model.onnx.
No Python needed: the weights come from the run's files.
  --run DIR        the pipeline's run folder (its --out)
  --stage NAME     siamese (default): the triplet-tuned encoder <run>/siamese/encoder with its head
                   (<run>/siamese/head.safetensors); trained: the fine-tuned classifier's encoder, from its
                   best checkpoint in <run>/trained
  --to DIR         destination folder (created; files in it are replaced)
  --pooling P      ${POOLINGS.join(', ')}: the sentence vector in 'sentence_embedding' (default the run's --pooling,
                   from <run>/report.json)
  --tokenizer DIR  tokenizer folder (default the run's --tokenizer, else the model's own)
Inputs: input_ids, attention_mask, token_type_ids (int64 [batch, sequence]). Outputs: last_hidden_state,
pooler_output (HF's tanh pooler), sentence_embedding (the run's pooling), and for --stage siamese
siamese_embedding (the L2-normalised 64-d embedding). Check a file independently with Python's onnx:
  python -c "import onnx; onnx.checker.check_model('<folder>/onnx/model.onnx', full_check=True)"`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      run: { type: 'string' },
      stage: { type: 'string', default: 'siamese' },
      to: { type: 'string' },
      pooling: { type: 'string' },
      tokenizer: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (!values.run) throw new Error('--run is required: the run folder to export from. See --help.');
  if (!values.to) throw new Error('--to is required: the folder to write. See --help.');
  if (!(EXPORT_STAGES as readonly string[]).includes(values.stage!))
    throw new Error(`--stage must be one of ${EXPORT_STAGES.join(', ')}; got '${values.stage}'.`);
  if (values.pooling !== undefined && !(POOLINGS as readonly string[]).includes(values.pooling))
    throw new Error(`--pooling must be one of ${POOLINGS.join(', ')}; got '${values.pooling}'.`);
  // Export only reads variables (no compute): the plain JS backend is enough and loads at once.
  await initBackend('cpu');
  const r = await exportRun({
    run: values.run,
    stage: values.stage as ExportStage,
    to: values.to,
    pooling: values.pooling as Pooling | undefined,
    tokenizer: values.tokenizer,
  });
  console.error(
    `export: ${r.stage} encoder (${r.weights}, pooling ${r.pooling}) -> ${r.dir}: ${r.files.join(', ')} ` +
      `(model.onnx ${(r.onnxBytes / 1e6).toFixed(1)} MB; outputs ${r.outputs.join(', ')})`,
  );
}

main().catch((e: Error) => {
  // Library errors start with their function's name; the user needs only what is wrong and how to fix it.
  console.error(`export: ${e.message.replace(/^\w+: /, '')}`);
  process.exit(1);
});
