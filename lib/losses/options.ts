/** Options shared by the triplet losses. */
import { OPTIONS } from '../config/options';
import { checkDistance, type TripletDistance } from './distances';

/** Margin and distance of a batch triplet loss (sentence-transformers' `margin` and `distance_metric`). */
export interface TripletLossOptions {
  /** Margin between the anchor-positive and the anchor-negative distance. Default 1.0 (the study's). */
  margin?: number;
  /** Distance metric. Default 'euclidean' (plain, not squared: the study's). */
  distance?: TripletDistance;
}

/** The study's margin (the options table's `--margin` default) and plain Euclidean distance. */
export const TRIPLET_LOSS_DEFAULTS: Readonly<Required<TripletLossOptions>> = {
  margin: OPTIONS.margin.default,
  distance: 'euclidean',
};

/**
 * `options` with the study's defaults filled in ({@link TRIPLET_LOSS_DEFAULTS}); throws, naming `fn`, on a margin
 * that is not a finite number or an unknown distance.
 */
export function resolveTripletOptions(fn: string, options: TripletLossOptions = {}): Required<TripletLossOptions> {
  const margin = options.margin ?? TRIPLET_LOSS_DEFAULTS.margin;
  if (typeof margin !== 'number' || !Number.isFinite(margin)) {
    throw new Error(`${fn}: 'margin' must be a finite number; got ${String(margin)}.`);
  }
  return { margin, distance: checkDistance(fn, options.distance ?? TRIPLET_LOSS_DEFAULTS.distance) };
}

/** The paper the three batch triplet losses come from (BibTeX, as sentence-transformers cites it). */
export const TRIPLET_CITATION = `@misc{hermans2017defense,
    title={In Defense of the Triplet Loss for Person Re-Identification},
    author={Alexander Hermans and Lucas Beyer and Bastian Leibe},
    year={2017},
    eprint={1703.07737},
    archivePrefix={arXiv},
    primaryClass={cs.CV}
}`;
