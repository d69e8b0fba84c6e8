/**
 * Parameter layout: the exact Hugging Face checkpoint names and shapes of AlbertModel /
 * BertModel for a config, computed without allocating anything. Linear weights keep
 * PyTorch's [out, in] layout, so a checkpoint loads with a plain key copy.
 */
import type { EncoderConfig } from './config';

/** Parameter name (Hugging Face checkpoint key without the model prefix) -> shape, in checkpoint order. */
export type Layout = Map<string, number[]>;

/** How a parameter is initialised when not loaded: N(0, initializer_range), ones or zeros. */
export type InitKind = 'normal' | 'ones' | 'zeros';

function linear(out: Layout, prefix: string, inDim: number, outDim: number): void {
  out.set(`${prefix}.weight`, [outDim, inDim]);
  out.set(`${prefix}.bias`, [outDim]);
}

function layerNorm(out: Layout, prefix: string, dim: number): void {
  out.set(`${prefix}.weight`, [dim]);
  out.set(`${prefix}.bias`, [dim]);
}

function embeddings(out: Layout, c: EncoderConfig): void {
  const e = c.embeddingSize;
  out.set('embeddings.word_embeddings.weight', [c.vocabSize, e]);
  out.set('embeddings.position_embeddings.weight', [c.maxPositionEmbeddings, e]);
  out.set('embeddings.token_type_embeddings.weight', [c.typeVocabSize, e]);
  layerNorm(out, 'embeddings.LayerNorm', e);
}

/** Prefix of ALBERT layer `inner` in group `group`. */
export function albertLayerPrefix(group: number, inner: number): string {
  return `encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
}

/** Prefix of BERT layer `i`. */
export function bertLayerPrefix(i: number): string {
  return `encoder.layer.${i}`;
}

/** Names and shapes of every parameter, in checkpoint order (embeddings, encoder, pooler). */
export function encoderLayout(c: EncoderConfig): Layout {
  const out: Layout = new Map();
  const h = c.hiddenSize;
  const f = c.intermediateSize;
  embeddings(out, c);
  if (c.modelType === 'albert') {
    linear(out, 'encoder.embedding_hidden_mapping_in', c.embeddingSize, h);
    for (let g = 0; g < c.numHiddenGroups; g++) {
      for (let i = 0; i < c.innerGroupNum; i++) {
        const p = albertLayerPrefix(g, i);
        layerNorm(out, `${p}.full_layer_layer_norm`, h);
        for (const n of ['query', 'key', 'value', 'dense']) linear(out, `${p}.attention.${n}`, h, h);
        layerNorm(out, `${p}.attention.LayerNorm`, h);
        linear(out, `${p}.ffn`, h, f);
        linear(out, `${p}.ffn_output`, f, h);
      }
    }
    linear(out, 'pooler', h, h);
  } else {
    for (let i = 0; i < c.numHiddenLayers; i++) {
      const p = bertLayerPrefix(i);
      for (const n of ['query', 'key', 'value']) linear(out, `${p}.attention.self.${n}`, h, h);
      linear(out, `${p}.attention.output.dense`, h, h);
      layerNorm(out, `${p}.attention.output.LayerNorm`, h);
      linear(out, `${p}.intermediate.dense`, h, f);
      linear(out, `${p}.output.dense`, f, h);
      layerNorm(out, `${p}.output.LayerNorm`, h);
    }
    linear(out, 'pooler.dense', h, h);
  }
  return out;
}

/** Total number of scalars in a layout. */
export function layoutSize(layout: Layout): number {
  let n = 0;
  for (const s of layout.values()) n += s.reduce((a, b) => a * b, 1);
  return n;
}

/** Initialiser kind of a parameter (as HF's `_init_weights`: LayerNorm weight 1, biases 0, the rest normal). */
export function initKind(name: string): InitKind {
  const isNorm = /(LayerNorm|layer_norm)\.weight$/.test(name);
  if (isNorm) return 'ones';
  if (name.endsWith('.bias')) return 'zeros';
  return 'normal';
}

/**
 * Map a checkpoint key to our name: drops a leading 'albert.' / 'bert.' (task-head checkpoints),
 * renames TF-era LayerNorm 'gamma'/'beta'. Returns undefined for keys that are known non-parameters
 * of the base model (buffers such as position_ids, and task heads such as 'predictions.*', 'cls.*').
 */
export function normaliseCheckpointKey(
  key: string,
  modelType: 'albert' | 'bert',
): { name: string } | { ignored: string } {
  let k = key;
  for (const prefix of [`${modelType}.`, 'model.'])
    if (k.startsWith(prefix)) {
      k = k.slice(prefix.length);
      break;
    }
  if (k === key && /^(predictions|cls|sop_classifier|classifier|qa_outputs|lm_head)\./.test(k)) {
    return { ignored: `task head '${key}'` };
  }
  if (/^embeddings\.(position_ids|token_type_ids)$/.test(k)) return { ignored: `buffer '${key}'` };
  k = k.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
  return { name: k };
}
