/**
 * The generated "What this run shows" sections follow the numbers: which way the embedding measures moved,
 * which ordering the paired intervals support, whether this run's order agrees with the study's, and causes
 * named only for the settings that differ (no "sentence-embedding model" claim about ALBERT).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifiersConclusion,
  comparisonConclusion,
  metricValue,
  pairedDifferences,
  siameseConclusion,
} from '../../lib/notebook/conclusions';
import type { StudyDifference, StudyResults } from '../../lib/notebook/study';
import type { EmbeddingQuality } from '../../lib/pipeline/embedding-quality';
import type { Predictions } from '../../lib/pipeline/evaluate';
import type { EpochRecord } from '../../lib/train/history';

const HISTORY: EpochRecord[] = [
  { epoch: 1, loss: 0.99, valLoss: 0.95, seconds: 10 },
  { epoch: 2, loss: 0.9, valLoss: 0.9, seconds: 10 },
  { epoch: 3, loss: 0.85, valLoss: 0.91, seconds: 10 },
];
const quality = (knn: [number, number], sil: [number, number]): EmbeddingQuality[] => [
  { embedding: 'pretrained encoder (mean)', dimensions: 384, knn_accuracy: knn[0], silhouette: sil[0] },
  { embedding: 'siamese-tuned encoder (mean)', dimensions: 384, knn_accuracy: 0.5, silhouette: 0 },
  { embedding: 'siamese embedding (64-d, L2-normalised)', dimensions: 64, knn_accuracy: knn[1], silhouette: sil[1] },
];

test('siameseConclusion: loss from first to best epoch, and each measure’s direction in words', () => {
  const both = siameseConclusion(HISTORY, quality([0.4, 0.45], [-0.02, 0.01]));
  assert.match(both, /The siamese stage: validation loss 0\.950 → 0\.910 over 3 epochs, best at epoch 2 \(0\.900\)/);
  assert.match(
    both,
    /it rises from 0\.400 \(pretrained encoder, 384-d\) to 0\.450 \(siamese embedding, 64-d\), \+5\.0 points/,
  );
  assert.match(both, /Both measures improve/);
  // The case: the silhouette gets worse (−0.015 → −0.049) while k-NN improves: said, and explained.
  const worse = siameseConclusion(HISTORY, quality([0.4, 0.45], [-0.015, -0.049]));
  assert.match(worse, /\*\*Silhouette\*\* \(cosine, −1 to 1\): it falls from −0\.015 to −0\.049/);
  assert.match(worse, /Neighbourhoods improve .* the silhouette, .* does not/);
  const knnDown = siameseConclusion(HISTORY, quality([0.45, 0.4], [0.01, 0.02]));
  assert.match(knnDown, /it falls from 0\.450 .* −5\.0 points/);
  assert.match(knnDown, /no better than the pretrained encoder by k-NN accuracy/);
  assert.throws(() => siameseConclusion(HISTORY, quality([0.4, 0.4], [0, 0]).slice(1)), /a 'pretrained encoder …' row/);
});

/** Predictions with a given number of correct rows out of 300 (3 classes, 100 each). */
function preds(correct: number, shift = 0): Predictions {
  const yTrue = Array.from({ length: 300 }, (_, i) => i % 3);
  const yScore = yTrue.map((y, i) => {
    const p = ((i + shift) * 7919) % 300 < correct ? y : (y + 1) % 3;
    return [0, 1, 2].map((c) => (c === p ? 0.8 : 0.1));
  });
  return { yTrue, yScore };
}

test('classifiersConclusion: ">" where the paired interval excludes 0, "≈" where it does not', () => {
  const p = { frozen: preds(150), trained: preds(152, 1), siamese: preds(240) };
  assert.equal(metricValue(p.siamese, 'accuracy'), 0.8);
  const md = classifiersConclusion(
    p,
    [
      {
        name: 'trained',
        result: {
          history: [
            { epoch: 1, loss: 1, valLoss: 1, valAccuracy: 0.4, seconds: 1 },
            { epoch: 2, loss: 1, valLoss: 1, valAccuracy: 0.5, seconds: 1 },
          ],
        },
      },
      { name: 'frozen', result: { history: [] }, head: {} as never },
    ],
    { seed: 3, subset: 'validation set' },
  );
  assert.match(md, /^On the validation set \(300 texts; 95% paired bootstrap intervals/);
  assert.match(md, /On accuracy: siamese > trained ≈ frozen\./);
  assert.match(md, /siamese > frozen by 30\.0 points \(95% CI/);
  assert.match(md, /trained vs frozen: no clear difference/);
  assert.match(
    md,
    /The trained classifier: validation accuracy 0\.400 → 0\.500 over 2 epochs, best at epoch 2, the last one/,
  );
  assert.doesNotMatch(md, /The frozen classifier/); // a logistic head has no epochs to judge
  // Every pair is stated, whichever order the models come in.
  assert.equal(pairedDifferences(p, 'f1_macro', 3).length, 3);
});

const STUDY: StudyResults = {
  description: '',
  models: {
    frozen: { accuracy: 0.322, f1_macro: 0.26, f1_weighted: 0.35, auc_micro: 0.905, balanced_accuracy_sample: 0.314 },
    trained: { accuracy: 0.581, f1_macro: 0.51, f1_weighted: 0.6, auc_micro: 0.996, balanced_accuracy_sample: 0.562 },
    siamese: { accuracy: 0.63, f1_macro: 0.5, f1_weighted: 0.64, auc_micro: 0.946, balanced_accuracy_sample: 0.522 },
  },
  notes: [],
};
const diff = (setting: string, run: string): StudyDifference => ({ setting, study: 'x', run });

test('comparisonConclusion: agreement of the orders and causes from the differing settings only', () => {
  const ours = {
    frozen: { accuracy: 0.5, f1_macro: 0.5 },
    trained: { accuracy: 0.45, f1_macro: 0.4 },
    siamese: { accuracy: 0.52, f1_macro: 0.5 },
  };
  const minilm = comparisonConclusion({
    ours,
    ordering: 'On accuracy: siamese ≈ frozen > trained.',
    study: STUDY,
    differences: [diff('encoder', 'sentence-transformers/all-MiniLM-L6-v2'), diff('text', 'headline only')],
    reference: {
      label: 'recipe study; 50 per category',
      scores: { frozen: { accuracy: 0.3 }, trained: { accuracy: 0.4 }, siamese: { accuracy: 0.35 } },
    },
  });
  assert.match(
    minilm,
    /This run: siamese 0\.520 > frozen 0\.500 > trained 0\.450; the study \(reported\): siamese 0\.630 > trained 0\.581 > frozen 0\.322\. The orders differ by point estimates, but not every step/,
  );
  assert.match(minilm, /all-MiniLM-L6-v2, a sentence-embedding model/);
  assert.match(
    minilm,
    /recipe study; 50 per category\): trained 0\.400 > siamese 0\.350 > frozen 0\.300, not the study’s order/,
  );
  const albert = comparisonConclusion({
    ours: {
      frozen: { accuracy: 0.3, f1_macro: 0.2 },
      trained: { accuracy: 0.55, f1_macro: 0.5 },
      siamese: { accuracy: 0.6, f1_macro: 0.5 },
    },
    ordering: '',
    study: STUDY,
    differences: [diff('encoder', 'albert-base-v2-local')],
  });
  assert.match(albert, /The orders agree\./);
  assert.doesNotMatch(albert, /sentence-embedding/);
  assert.doesNotMatch(albert, /study's recipe in this project/);
});
