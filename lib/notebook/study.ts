/**
 * The reference study beside this run: its reported numbers and notes
 * (data/study-results.json), its settings, how this run differs from them, and the
 * caveats a reader should see, as markdown computed from those numbers.
 */
import { readFileSync } from 'node:fs';
import { recipeOptions, showValue } from '../config/recipes';
import type { RunConfig } from '../pipeline/config';
import type { ClassifierName } from '../pipeline/stages';
import { modelId as modelIdOf, poolingPhrase } from './run-info';

/** One model's validation results as the study reported them (fractions). */
export interface StudyModelResults {
  accuracy: number;
  f1_macro: number;
  f1_weighted: number;
  auc_micro: number;
  /** Accuracy on the study's balanced sample (200 validation texts per category, with replacement). */
  balanced_accuracy_sample: number;
}

/** data/study-results.json: the study's reported validation results and its notes on them. */
export interface StudyResults {
  description: string;
  models: Record<ClassifierName, StudyModelResults>;
  notes: string[];
}

const STUDY_FIELDS = ['accuracy', 'f1_macro', 'f1_weighted', 'auc_micro', 'balanced_accuracy_sample'] as const;

/**
 * Read the study's results; errors name the file and the field that is missing or wrong.
 * @param path default `data/study-results.json` (the notebooks run at the project root).
 */
export function loadStudyResults(path = 'data/study-results.json'): StudyResults {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<StudyResults>;
  const bad = (field: string, got: unknown) => {
    const want = field === 'notes' ? 'a list of strings' : 'a number';
    return new Error(`${path}: '${field}' must be ${want}; got ${JSON.stringify(got)}.`);
  };
  for (const m of ['frozen', 'trained', 'siamese'] as const)
    for (const f of STUDY_FIELDS) {
      const v = raw.models?.[m]?.[f];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`models.${m}.${f}`, v);
    }
  if (!Array.isArray(raw.notes) || raw.notes.some((n) => typeof n !== 'string')) throw bad('notes', raw.notes);
  return { description: String(raw.description ?? ''), models: raw.models!, notes: raw.notes };
}

/**
 * The study's settings, read from its published notebooks: ALBERT-base from TF Hub
 * (`albert_en_base`), its pooled output, `headline + ". " + short_description`, texts of at
 * least 10 words (189,339 of 200,853 records), a random 80/20 split (about 151,000 training
 * texts), 128 tokens, siamese training 25 epochs (Adam 1e-5, batch 64, random batches),
 * heads 40 epochs (Adam 1e-4, batch 128).
 */
export const STUDY_SETTINGS = {
  model: 'albert-base-v2',
  pooling: 'pooler',
  text: 'headline+description',
  minWords: 10,
  trainTexts: 151_471,
  maxLength: 128,
  siameseEpochs: 25,
  siameseLr: 1e-5,
  siameseBatchSize: 64,
  sampler: 'random',
  classifierEpochs: 40,
  classifierLr: 1e-4,
  classifierBatchSize: 128,
} as const;

/** One setting in which this run differs from the study, with both values in words. */
export interface StudyDifference {
  setting: string;
  study: string;
  run: string;
}

const n = (v: number) => v.toLocaleString('en-US');
const TEXT_PROSE: Record<string, string> = {
  headline: 'headline only',
  'headline+description': 'headline + ". " + short description',
};

/**
 * The settings in which a run differs from the study (`STUDY_SETTINGS`), in the order
 * that matters most for the results: encoder, sentence vector, text, amount of
 * training data, epochs, sampler, learning rates. Settings equal to the study's are
 * left out, so an empty list means the study's setup.
 *
 * @param facts.trainTexts the run's training texts (after cleaning, caps and split).
 * @param facts.modelId the encoder's id (default `modelId(cfg.model)`).
 */
export function studyDifferences(cfg: RunConfig, facts: { trainTexts: number; modelId?: string }): StudyDifference[] {
  const s = STUDY_SETTINGS;
  const o = recipeOptions(cfg);
  const id = facts.modelId ?? modelIdOf(cfg.model);
  const rows: StudyDifference[] = [];
  const add = (differs: boolean, setting: string, study: string, run: string) => {
    if (differs) rows.push({ setting, study, run });
  };
  add(id !== s.model, 'encoder', 'ALBERT-base (albert_en_base from TF Hub), 11.7 M parameters', id);
  add(cfg.pooling !== s.pooling, 'sentence vector', poolingPhrase(s.pooling), poolingPhrase(cfg.pooling));
  add(cfg.text !== s.text, 'text', TEXT_PROSE[s.text], TEXT_PROSE[cfg.text] ?? cfg.text);
  add(cfg.minWords !== s.minWords, 'minimum words per text', String(s.minWords), String(cfg.minWords));
  add(
    Math.abs(facts.trainTexts - s.trainTexts) > 0.01 * s.trainTexts,
    'training texts',
    'about 151,000 (80 % of 189,339)',
    `${n(facts.trainTexts)} (${((100 * facts.trainTexts) / s.trainTexts).toFixed(1)} % of the study's)`,
  );
  add(cfg.maxLength !== s.maxLength, 'max tokens', String(s.maxLength), String(cfg.maxLength));
  add(
    o.siameseEpochs !== s.siameseEpochs,
    'siamese epochs',
    String(s.siameseEpochs),
    o.siameseEpochs === null ? 'from a step budget (--recipe auto)' : String(o.siameseEpochs),
  );
  add(
    cfg.sampler !== s.sampler,
    'siamese batches',
    'random',
    cfg.sampler === 'pk' ? 'P×K (P categories × K texts)' : cfg.sampler,
  );
  add(
    cfg.siameseBatchSize !== s.siameseBatchSize,
    'siamese batch',
    String(s.siameseBatchSize),
    String(cfg.siameseBatchSize),
  );
  add(o.siameseLr !== s.siameseLr, 'siamese learning rate', String(s.siameseLr), String(o.siameseLr));
  if (o.head === 'logistic') {
    const study = `Adam ${showValue(s.classifierLr)}, ${s.classifierEpochs} epochs, batch ${s.classifierBatchSize}`;
    add(true, 'classifier head', study, 'logistic regression (L-BFGS), C by cross-validation');
    return rows;
  }
  add(o.classifierEpochs !== s.classifierEpochs, 'head epochs', String(s.classifierEpochs), String(o.classifierEpochs));
  add(o.classifierLr !== s.classifierLr, 'head learning rate', String(s.classifierLr), String(o.classifierLr));
  add(
    o.classifierBatchSize !== s.classifierBatchSize,
    'head batch',
    String(s.classifierBatchSize),
    String(o.classifierBatchSize),
  );
  return rows;
}

/** `studyDifferences` as a markdown table, or a sentence saying the run used the study's setup. */
export function studyDifferencesMarkdown(cfg: RunConfig, facts: { trainTexts: number; modelId?: string }): string {
  const rows = studyDifferences(cfg, facts);
  if (rows.length === 0) return "This run used the study's setup in every setting compared here.";
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `This run differs from the study in ${rows.length} setting${rows.length === 1 ? '' : 's'}:`,
    '',
    '| setting | the study | this run |',
    '|---|---|---|',
    ...rows.map((r) => `| ${esc(r.setting)} | ${esc(r.study)} | ${esc(r.run)} |`),
  ].join('\n');
}

/**
 * Pairs of the study's models that accuracy and micro AUC rank in opposite orders with an
 * AUC gap of at least `minGap` (default 0.02): the reported AUC that needs a caveat.
 */
export function conflictingAucs(
  study: StudyResults,
  minGap = 0.02,
): { model: ClassifierName; other: ClassifierName }[] {
  const names = Object.keys(study.models) as ClassifierName[];
  const out: { model: ClassifierName; other: ClassifierName }[] = [];
  for (const m of names)
    for (const o of names) {
      const [a, b] = [study.models[m], study.models[o]];
      if (a.accuracy < b.accuracy && a.auc_micro - b.auc_micro >= minGap) out.push({ model: m, other: o });
    }
  return out;
}

/**
 * The study's caveats as markdown for notebook 03: its notes quoted from
 * data/study-results.json, then, computed from its numbers, any micro AUC that ranks two
 * models against their accuracy (`conflictingAucs`: the trained model's 0.996).
 */
export function studyCaveats(study: StudyResults = loadStudyResults()): string {
  const f = (v: number) => v.toFixed(3);
  const lines = [
    "**The study's own notes** (quoted from `data/study-results.json`):",
    '',
    ...study.notes.flatMap((note) => [`> ${note}`, '']),
  ];
  for (const { model, other } of conflictingAucs(study)) {
    const [a, b] = [study.models[model], study.models[other]];
    lines.push(
      `**A reported number to read with caution:** the study's ${model} model has micro AUC ${f(a.auc_micro)} at ` +
        `accuracy ${f(a.accuracy)}, its ${other} model a lower micro AUC (${f(b.auc_micro)}) at a higher accuracy ` +
        `(${f(b.accuracy)}). Micro AUC also credits a true category ranked second, so AUC and accuracy can rank ` +
        `models differently, but a gap of ${f(a.auc_micro - b.auc_micro)} against the accuracy order is large: ` +
        `treat the ${f(a.auc_micro)} with caution.`,
      '',
    );
  }
  return lines.join('\n').trimEnd();
}
