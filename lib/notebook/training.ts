/**
 * How notebook 02 shows a classifier's training: a logistic-regression head (the auto recipe) has no epochs, so
 * its fit is stated in words (L-BFGS iterations, convergence, C chosen by cross-validation, held-out log loss per
 * C); an epoch-trained model gets its loss and accuracy curves. Plus the one summary table of the three.
 */
import type { TrainedClassifier } from '../pipeline/stages';
import { formatDuration } from '../train/progress';
import { showFigure } from '../viz/index';
import { trainingCurves } from './figures';
import type { StageTime } from './run-records';
import { htmlTable, showHtml, showMarkdown } from './show';

/** A logistic head's fit as markdown: its description and the held-out log loss of each candidate C. */
export function headFitMarkdown(clf: Pick<TrainedClassifier, 'name' | 'head'>): string {
  const fit = clf.head;
  if (!fit)
    throw new Error(
      `headFitMarkdown: the ${clf.name} classifier has no logistic-regression head (its head trained in epochs: ` +
        'show its curves with trainingCurves).',
    );
  const cv =
    fit.cvLoss.length > 0
      ? ` Held-out log loss by C: ${fit.cvLoss.map((c) => `${c.C}: ${c.loss.toFixed(4)}`).join(', ')} ` +
        `(lowest wins).`
      : '';
  return `**${clf.name} classifier, logistic-regression head:** ${fit.description}.${cv}`;
}

/**
 * Show how a classifier trained: `headFitMarkdown` for a logistic head, else its curves (loss and accuracy per
 * epoch, training vs validation) titled `title`.
 */
export async function showClassifierTraining(clf: TrainedClassifier, title: string): Promise<void> {
  if (clf.head) showMarkdown(headFitMarkdown(clf));
  else showFigure(await trainingCurves(clf.result.history, title, 'loss and accuracy per epoch'));
}

/**
 * One table of the classifiers' trainings: how the head or model trained, the epoch chosen, validation loss and
 * accuracy there, the training wall time from the run's records (`stageTrainingTimes`: the epochs, or a logistic
 * head's final L-BFGS fit without its features and C search), and, when `stageSeconds` is given (report.json
 * `timings` of the CLI run that made the stages), each stage's whole wall time, features and C search included.
 */
export function trainingSummaryTable(
  classifiers: readonly TrainedClassifier[],
  times: readonly StageTime[],
  stageSeconds?: Readonly<Record<string, number>>,
): string {
  const stageOf = { frozen: 'frozen', trained: 'trained', siamese: 'siamese-classifier' } as const;
  return htmlTable(
    classifiers.map((c) => {
      const best = c.result.history[c.result.bestEpoch - 1];
      const t = times.find((x) => x.stage === stageOf[c.name]);
      return {
        classifier: c.name,
        training: c.head
          ? 'logistic regression (L-BFGS)'
          : `${c.result.history.length} epoch${c.result.history.length === 1 ? '' : 's'}`,
        'chosen epoch': c.head ? '–' : c.result.bestEpoch,
        'validation loss': best?.valLoss,
        'validation accuracy': best?.valAccuracy,
        'training (recorded)': t ? formatDuration(t.seconds) : 'not recorded',
        ...(stageSeconds
          ? {
              'stage (CLI run)':
                stageSeconds[stageOf[c.name]] !== undefined ? formatDuration(stageSeconds[stageOf[c.name]]) : '–',
            }
          : {}),
      };
    }),
    { digits: 4 },
  );
}

/** Show {@link trainingSummaryTable}. */
export function showTrainingSummary(
  classifiers: readonly TrainedClassifier[],
  times: readonly StageTime[],
  stageSeconds?: Readonly<Record<string, number>>,
): void {
  showHtml(trainingSummaryTable(classifiers, times, stageSeconds));
}
