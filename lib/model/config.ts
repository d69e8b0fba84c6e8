/**
 * Encoder configuration: a typed camelCase view of a Hugging Face `config.json`
 * for `model_type` 'albert' or 'bert' (BERT, MiniLM, bge-small share the BERT layout).
 */

/** The Hugging Face `model_type` values the encoder implements: 'albert' and 'bert' (BERT, MiniLM, bge-small). */
export type ModelType = 'albert' | 'bert';
/** The accepted {@link ModelType} values; any other `model_type` in a config.json is refused by {@link parseConfig}. */
export const MODEL_TYPES: readonly ModelType[] = ['albert', 'bert'];

/**
 * Activations HF names in `hidden_act`. 'gelu' is the exact erf form; 'gelu_new', 'gelu_pytorch_tanh' and 'gelu_fast'
 * the tanh form; 'swish' is 'silu'.
 */
export type HiddenAct = 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'gelu_fast' | 'relu' | 'tanh' | 'silu' | 'swish';
/** The accepted {@link HiddenAct} values, as Hugging Face's `ACT2FN` names them. */
export const HIDDEN_ACTS: readonly HiddenAct[] = [
  'gelu',
  'gelu_new',
  'gelu_pytorch_tanh',
  'gelu_fast',
  'relu',
  'tanh',
  'silu',
  'swish',
];

/**
 * An encoder's architecture in camelCase, one field per Hugging Face config.json field (`hiddenSize` is
 * `hidden_size`), built by {@link parseConfig} and written back by {@link toHfConfig}. Sizes are counts (tokens,
 * units, layers); the dropout probabilities are in [0, 1).
 */
export interface EncoderConfig {
  modelType: ModelType;
  vocabSize: number;
  /** ALBERT's factorised embedding width (128 in albert-base-v2); equals hiddenSize for BERT. */
  embeddingSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: HiddenAct;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  initializerRange: number;
  padTokenId: number;
  /** ALBERT: layer groups whose weights are shared (1 in albert-base-v2); 1 for BERT. */
  numHiddenGroups: number;
  /** ALBERT: layers inside each group (1 in albert-base-v2); 1 for BERT. */
  innerGroupNum: number;
  /** Extra HF fields we do not interpret, kept so saveEncoder writes them back. */
  extra: Record<string, unknown>;
}

/** albert-base-v2's values; BERT configs override what differs. */
export const DEFAULT_CONFIG: Readonly<Omit<EncoderConfig, 'modelType' | 'extra'>> = {
  vocabSize: 30000,
  embeddingSize: 128,
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  hiddenAct: 'gelu_new',
  hiddenDropoutProb: 0,
  attentionProbsDropoutProb: 0,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  initializerRange: 0.02,
  padTokenId: 0,
  numHiddenGroups: 1,
  innerGroupNum: 1,
};

const FIELDS: [keyof EncoderConfig, string][] = [
  ['vocabSize', 'vocab_size'],
  ['embeddingSize', 'embedding_size'],
  ['hiddenSize', 'hidden_size'],
  ['numHiddenLayers', 'num_hidden_layers'],
  ['numAttentionHeads', 'num_attention_heads'],
  ['intermediateSize', 'intermediate_size'],
  ['hiddenAct', 'hidden_act'],
  ['hiddenDropoutProb', 'hidden_dropout_prob'],
  ['attentionProbsDropoutProb', 'attention_probs_dropout_prob'],
  ['maxPositionEmbeddings', 'max_position_embeddings'],
  ['typeVocabSize', 'type_vocab_size'],
  ['layerNormEps', 'layer_norm_eps'],
  ['initializerRange', 'initializer_range'],
  ['padTokenId', 'pad_token_id'],
  ['numHiddenGroups', 'num_hidden_groups'],
  ['innerGroupNum', 'inner_group_num'],
];

function positiveInt(source: string, name: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${source}: '${name}' must be an integer >= ${min}; got ${JSON.stringify(v)}.`);
  }
  return v;
}

function probability(source: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1))
    throw new Error(`${source}: '${name}' must be a number in [0, 1); got ${JSON.stringify(v)}.`);
  return v;
}

/**
 * Parse a Hugging Face config.json object. Unknown `model_type` values are an error. Errors start with
 * `source` (default 'parseConfig'; loadConfig passes the file's path) and name the field.
 */
export function parseConfig(json: Record<string, unknown>, source = 'parseConfig'): EncoderConfig {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new Error(`${source}: 'json' must be an object; got ${JSON.stringify(json)}.`);
  const modelType = json.model_type;
  if (!MODEL_TYPES.includes(modelType as ModelType)) {
    throw new Error(
      `${source}: 'model_type' must be one of ${MODEL_TYPES.join(', ')} (BERT-family models such as MiniLM and ` +
        `bge-small use 'bert'); got ${JSON.stringify(modelType)}.`,
    );
  }
  const pet = json.position_embedding_type;
  if (pet !== undefined && pet !== null && pet !== 'absolute') {
    throw new Error(`${source}: 'position_embedding_type' must be 'absolute'; got ${JSON.stringify(pet)}.`);
  }
  const known = new Set(FIELDS.map(([, k]) => k));
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) if (!known.has(k) && k !== 'model_type') extra[k] = v;

  const base = { ...DEFAULT_CONFIG } as Record<string, unknown>;
  for (const [camel, snake] of FIELDS) if (json[snake] !== undefined && json[snake] !== null) base[camel] = json[snake];
  if (modelType === 'bert') {
    base.embeddingSize = base.hiddenSize;
    base.numHiddenGroups = 1;
    base.innerGroupNum = 1;
    if (json.hidden_act === undefined) base.hiddenAct = 'gelu';
  }
  const c = base as unknown as EncoderConfig;
  for (const [camel, snake] of FIELDS) {
    if (camel === 'hiddenAct') continue;
    if (['hiddenDropoutProb', 'attentionProbsDropoutProb'].includes(camel)) probability(source, snake, c[camel]);
    else if (camel === 'layerNormEps' || camel === 'initializerRange') {
      if (typeof c[camel] !== 'number' || !((c[camel] as number) > 0))
        throw new Error(`${source}: '${snake}' must be a positive number; got ${JSON.stringify(c[camel])}.`);
    } else positiveInt(source, snake, c[camel], camel === 'padTokenId' ? 0 : 1);
  }
  if (!HIDDEN_ACTS.includes(c.hiddenAct)) {
    throw new Error(
      `${source}: 'hidden_act' must be one of ${HIDDEN_ACTS.join(', ')}; got ${JSON.stringify(c.hiddenAct)}.`,
    );
  }
  if (c.hiddenSize % c.numAttentionHeads !== 0) {
    throw new Error(
      `${source}: 'hidden_size' (${c.hiddenSize}) must be divisible by 'num_attention_heads' ` +
        `(${c.numAttentionHeads}).`,
    );
  }
  if (c.numHiddenLayers % c.numHiddenGroups !== 0 && modelType === 'albert') {
    throw new Error(
      `${source}: 'num_hidden_layers' (${c.numHiddenLayers}) must be divisible by 'num_hidden_groups' ` +
        `(${c.numHiddenGroups}).`,
    );
  }
  return { ...c, modelType: modelType as ModelType, extra };
}

/** The HF config.json object for a config (snake_case; ALBERT-only fields omitted for BERT). */
export function toHfConfig(c: EncoderConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c.extra, model_type: c.modelType };
  for (const [camel, snake] of FIELDS) {
    if (c.modelType === 'bert' && ['embeddingSize', 'numHiddenGroups', 'innerGroupNum'].includes(camel)) continue;
    out[snake] = c[camel];
  }
  if (out.architectures === undefined || out.architectures === null)
    out.architectures = [c.modelType === 'albert' ? 'AlbertModel' : 'BertModel'];
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
