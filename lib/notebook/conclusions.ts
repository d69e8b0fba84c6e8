/**
 * The "What this run shows" sections of the three notebooks, generated from the run's numbers so that they can
 * never describe another model or another outcome: 01 the triplet training (its loss curve, and the embedding
 * space before and after, also when it gets worse), 02 the three classifiers (orderings with paired bootstrap
 * intervals), 03 the comparison with the study (which ordering differs, the concrete settings that differ, the
 * study's caveats). Each returns markdown.
 */
import { pairedBootstrapDifference } from '../metrics/bootstrap';
import { accuracyScore, f1Score } from '../metrics/classification';
import type { EmbeddingQuality } from '../pipeline/embedding-quality';
import { argmaxRows, type Predictions, type ScoreSummary } from '../pipeline/evaluate';
import type { ClassifierName, TrainedClassifier } from '../pipeline/stages';
import type { EpochRecord } from '../train/history';
import { orderingStatement, trainingSentence, type PairedDifference } from './prose';
import type { StudyDifference, StudyResults } from './study';

const f3 = (v: number) => v.toFixed(3).replace('-', '\u2212');
const pts = (v: number) => `${(100 * Math.abs(v)).toFixed(1)} points`;

/** The embedding-quality rows 01 compares: the pretrained encoder's vectors and the siamese embedding. */
function qualityRow(rows: readonly EmbeddingQuality[], prefix: string): EmbeddingQuality {
  const row = rows.find((r) => r.embedding.startsWith(prefix));
  if (!row)
    throw new Error(
      `siameseConclusion: 'quality' must hold a '${prefix} …' row (embeddingQuality's output); got ` +
        `${rows.map((r) => `'${r.embedding}'`).join(', ') || 'none'}.`,
    );
  return row;
}

/**
 * Notebook 01's conclusion: the validation triplet loss from its first epoch to its best (`trainingSentence`),
 * then k-NN accuracy and silhouette of the pretrained encoder's vectors vs the siamese embedding, each change in
 * words, and a reading of the two together: both up (tighter, better separated categories); k-NN up but the
 * silhouette down (neighbourhoods improved while whole categories did not become compact clusters, which the
 * semi-hard triplet loss does not ask for); or k-NN down (the tuned space groups the categories worse).
 *
 * @param history the siamese stage's per-epoch records (validation loss in each).
 * @param quality `embeddingQuality` rows: 'pretrained encoder …' and 'siamese embedding …' are required.
 */
export function siameseConclusion(history: readonly EpochRecord[], quality: readonly EmbeddingQuality[]): string {
  const before = qualityRow(quality, 'pretrained encoder');
  const tuned = qualityRow(quality, 'siamese-tuned encoder');
  const after = qualityRow(quality, 'siamese embedding');
  const dTuned = tuned.knn_accuracy - before.knn_accuracy;
  const dKnn = after.knn_accuracy - before.knn_accuracy;
  const dSil = after.silhouette - before.silhouette;
  const moved = (d: number, what: string) =>
    Math.abs(d) < 0.0005 ? `${what} is unchanged` : `${what} ${d > 0 ? 'rises' : 'falls'}`;
  const lines = [
    `- **Triplet training.** ${trainingSentence('The siamese stage', history, 'valLoss')}`,
    `- **k-NN accuracy** (10 nearest training texts vote, cosine): ${moved(dKnn, 'it')} from ` +
      `${f3(before.knn_accuracy)} (pretrained encoder, ${before.dimensions}-d) to ${f3(after.knn_accuracy)} ` +
      `(siamese embedding, ${after.dimensions}-d)` +
      (Math.abs(dKnn) >= 0.0005 ? `, ${dKnn > 0 ? '+' : '\u2212'}${pts(dKnn)}.` : '.'),
    `- **Silhouette** (cosine, −1 to 1): ${moved(dSil, 'it')} from ${f3(before.silhouette)} to ` +
      `${f3(after.silhouette)}.`,
    `- **The tuned encoder's own vectors** (${tuned.dimensions}-d, the features of the siamese classifier in ` +
      `notebook 02): k-NN accuracy ${f3(tuned.knn_accuracy)}` +
      (Math.abs(dTuned) >= 0.0005
        ? ` (${dTuned > 0 ? '+' : '\u2212'}${pts(dTuned)} against the pretrained ` + 'encoder)'
        : ', unchanged') +
      `, silhouette ${f3(tuned.silhouette)}.`,
  ];
  let reading: string;
  if (dKnn > 0 && dSil > 0)
    reading =
      'Both measures improve: after triplet training, texts of a category sit closer together and further from ' +
      'other categories than in the pretrained space.';
  else if (dKnn > 0)
    reading =
      'Neighbourhoods improve (more of each text’s nearest neighbours share its category) while the silhouette, ' +
      'which scores every text against its whole category, does not: the semi-hard triplet loss only asks each ' +
      'anchor to be closer to a positive than to a negative by the margin within a batch, not that a category ' +
      'form one compact cluster, and overlapping categories (e.g. WORLDPOST / THE WORLDPOST) stay mixed. ' +
      'Read the silhouette here as "categories are not compact blobs", not as "the training failed".';
  else
    reading =
      'The 64-d siamese embedding groups the categories no better than the pretrained encoder by k-NN accuracy: ' +
      'at this scale the triplet training did not improve that space for nearest-neighbour use' +
      (dTuned > 0
        ? ', though the tuned encoder’s own vectors, which the siamese classifier uses, moved the other way'
        : '') +
      '; the classifiers of notebook 02 show whether it helps a trained head.';
  lines.push(`- **Reading.** ${reading}`);
  return lines.join('\n');
}

/** The three paired differences of a metric on the same rows (a − b), each a percentile bootstrap interval. */
export const ALL_PAIRS: readonly (readonly [ClassifierName, ClassifierName])[] = [
  ['siamese', 'frozen'],
  ['siamese', 'trained'],
  ['trained', 'frozen'],
];

/**
 * Paired bootstrap differences of `metric` for every pair of ALL_PAIRS (95%, 1000 resamples of the rows seeded by
 * `seed`: the same resamples as report.json's `intervals`, so siamese − frozen and siamese − trained equal the
 * report's), from predictions of the three classifiers on the same rows.
 */
export function pairedDifferences(
  predictions: Readonly<Record<ClassifierName, Predictions>>,
  metric: 'accuracy' | 'f1_macro',
  seed: number,
): PairedDifference[] {
  return ALL_PAIRS.map(([a, b]) => {
    const yTrue = predictions[a].yTrue;
    const d = pairedBootstrapDifference(
      yTrue,
      argmaxRows(predictions[a].yScore),
      argmaxRows(predictions[b].yScore),
      metric,
      { seed, nResamples: 1000, confidence: 0.95 },
    );
    return { a, b, difference: { estimate: d.estimate, low: d.low, high: d.high } };
  });
}

/**
 * One classifier's training as notebook 02 states it: a TrainedClassifier (lib/pipeline/stages.ts) fits. A model
 * with a logistic-regression `head` has no epochs to judge.
 */
export type ClassifierTraining = Pick<TrainedClassifier, 'name' | 'head'> & {
  result: { history: readonly EpochRecord[] };
};

/**
 * Notebook 02's conclusion: the ordering of the three classifiers on accuracy and on macro F1 over `rows` texts of
 * `subset`, each with its paired bootstrap intervals (`orderingStatement`), then a line per epoch-trained model
 * saying whether it was still improving when it stopped (`trainingSentence` on validation accuracy).
 */
export function classifiersConclusion(
  predictions: Readonly<Record<ClassifierName, Predictions>>,
  trainings: readonly ClassifierTraining[],
  options: { seed: number; subset: string },
): string {
  const names = Object.keys(predictions) as ClassifierName[];
  const rows = predictions[names[0]].yTrue.length;
  const lines: string[] = [];
  for (const metric of ['accuracy', 'f1_macro'] as const) {
    const values = Object.fromEntries(names.map((n) => [n, metricValue(predictions[n], metric)]));
    const pairs = pairedDifferences(predictions, metric, options.seed);
    lines.push(`- ${orderingStatement(values, pairs, { metric: metric === 'accuracy' ? 'accuracy' : 'macro F1' })}`);
  }
  lines.unshift(
    `On the ${options.subset} (${rows.toLocaleString('en-US')} texts; 95% paired bootstrap intervals, ` +
      `1000 resamples; ">" only where the interval excludes 0, "≈" where it does not):`,
    '',
  );
  for (const t of trainings) {
    const history = t.result.history;
    if (t.head || history.length === 0 || history.some((r) => r.valAccuracy === undefined)) continue;
    lines.push(`- ${trainingSentence(`The ${t.name} classifier`, history, 'valAccuracy')}`);
  }
  return lines.join('\n');
}

/** scikit-learn's accuracy_score or f1_score(average='macro', zero_division=0) of predictions. */
export function metricValue(p: Predictions, metric: 'accuracy' | 'f1_macro'): number {
  const yPred = argmaxRows(p.yScore);
  return metric === 'accuracy'
    ? accuracyScore(p.yTrue, yPred)
    : f1Score(p.yTrue, yPred, { average: 'macro', zeroDivision: 0 });
}

/** Markdown nested under a list item: continuation lines indented by two spaces. */
function nest(md: string): string {
  return md.replace(/\n/g, '\n  ');
}

const SENTENCE_ENCODER = /sentence-transformers|minilm|mpnet|bge-|e5-|gte-/i;

/** A difference from the study as a concrete cause, or undefined for settings that matter less. */
function causeOf(d: StudyDifference): string | undefined {
  switch (d.setting) {
    case 'encoder':
      return SENTENCE_ENCODER.test(d.run)
        ? `The encoder is ${d.run}, a sentence-embedding model already trained to place similar sentences ` +
            'together, so its frozen vectors start far above raw ALBERT-base (the study’s frozen classifier: ' +
            'accuracy 0.322), and triplet training has less to add.'
        : `The encoder is ${d.run}, not the study’s ALBERT-base.`;
    case 'sentence vector':
      return `The sentence vector is ${d.run}, not ${d.study}.`;
    case 'text':
      return `The text is the ${d.run}, not the ${d.study}: fewer words per text to tell categories apart.`;
    case 'training texts':
      return `Training texts: ${d.run}, not ${d.study}: less for fine-tuning and triplet training to learn from.`;
    case 'siamese epochs':
      return `Siamese epochs: ${d.run}, not ${d.study}.`;
    case 'classifier head':
      return `The heads are ${d.run}, not ${d.study}: fitted to convergence rather than stopped after a fixed budget.`;
    default:
      return undefined;
  }
}

/** Order of the models by a metric, highest first: 'siamese > frozen > trained' (plain order, no intervals). */
function order(scores: Readonly<Record<string, number>>): string[] {
  return Object.keys(scores).sort((a, b) => scores[b] - scores[a]);
}

/**
 * Notebook 03's conclusion: this run's order of the three classifiers by validation accuracy beside the study's
 * reported order and whether they agree; how sure the order is (`input.ordering`, an `orderingStatement`, quoted as
 * is; `input.testOrdering` the same on the held-out test split); the study recipe's run here (`input.reference`:
 * its label and scores) and whether it reproduces the study's order; the differing settings that move the numbers
 * most, each as a concrete cause (from `studyDifferences`); and a pointer to the study's caveats.
 */
export function comparisonConclusion(input: {
  ours: Readonly<Record<ClassifierName, Pick<ScoreSummary, 'accuracy' | 'f1_macro'>>>;
  ordering: string;
  study: StudyResults;
  differences: readonly StudyDifference[];
  reference?: { label: string; scores: Readonly<Record<ClassifierName, Pick<ScoreSummary, 'accuracy'>>> };
  testOrdering?: string;
}): string {
  const names = Object.keys(input.ours) as ClassifierName[];
  const acc = (s: Readonly<Record<string, { accuracy: number }>>) =>
    Object.fromEntries(names.map((n) => [n, s[n].accuracy]));
  const oursOrder = order(acc(input.ours));
  const studyOrder = order(acc(input.study.models));
  const same = oursOrder.join() === studyOrder.join();
  const show = (o: readonly string[], s: Readonly<Record<string, number>>) =>
    o.map((n) => `${n} ${f3(s[n])}`).join(' > ');
  const lines = [
    `- **Ordering by validation accuracy.** This run: ${show(oursOrder, acc(input.ours))}; the study (reported): ` +
      `${show(studyOrder, acc(input.study.models))}. ${same ? 'The orders agree' : 'The orders differ'}` +
      // '≈' between two names is orderingStatement's mark of neighbours whose paired interval includes 0 (its
      // legend also shows the sign, quoted).
      (/[a-z] ≈ [a-z]/.test(input.ordering)
        ? ' by point estimates, but not every step of this run’s order is clear of noise (next point).'
        : input.ordering.trim()
          ? '; every step of this run’s order is clear of noise (next point).'
          : '.'),
    `- **How sure.** ${nest(input.ordering)}`,
  ];
  if (input.testOrdering) lines.push(`- **Test split** (no choice was made on it). ${nest(input.testOrdering)}`);
  if (input.reference) {
    const refOrder = order(acc(input.reference.scores));
    lines.push(
      `- **The study's recipe in this project** (${input.reference.label}): ` +
        `${show(refOrder, acc(input.reference.scores))}` +
        `${refOrder.join() === studyOrder.join() ? ', the study’s order' : ', not the study’s order'}.`,
    );
  }
  if (input.differences.length > 0) {
    const causes = input.differences.map(causeOf).filter((c): c is string => c !== undefined);
    lines.push(
      `- **Why the numbers differ from the study's.** This run differs from the study in ` +
        `${input.differences.length} settings (table above); the ones that move these numbers most: ` +
        `${causes.join(' ')}`,
    );
  }
  lines.push('- **The study’s own numbers** come with caveats, quoted above from `data/study-results.json`.');
  return lines.join('\n');
}
