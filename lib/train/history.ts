/** Per-epoch training history, camelCase inside and snake_case in JSON. */

/** One epoch of a training run, as `train` records it (losses are means per row; accuracies in [0, 1]). */
export interface EpochRecord {
  /** 1-based epoch. */
  epoch: number;
  /** Mean training loss over the epoch (weighted by batch size). */
  loss: number;
  /** Fraction of training rows predicted right, when the model reports correct counts (classifiers). */
  accuracy?: number;
  /** Mean validation loss, when the run has validation batches. */
  valLoss?: number;
  /** Validation accuracy, when the run has validation batches and the model reports correct counts. */
  valAccuracy?: number;
  /** Wall time of the epoch in seconds, validation included. */
  seconds: number;
}

/** {@link EpochRecord} as checkpoints, result.json and report.json store it (Keras' history keys). */
export interface EpochRecordJson {
  epoch: number;
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  seconds: number;
}

/** The JSON form of a record (snake_case; absent metrics stay absent). */
export function recordToJson(r: EpochRecord): EpochRecordJson {
  const out: EpochRecordJson = { epoch: r.epoch, loss: r.loss, seconds: r.seconds };
  if (r.accuracy !== undefined) out.accuracy = r.accuracy;
  if (r.valLoss !== undefined) out.val_loss = r.valLoss;
  if (r.valAccuracy !== undefined) out.val_accuracy = r.valAccuracy;
  return out;
}

/** A record from its JSON form (the inverse of {@link recordToJson}; fields are not validated). */
export function recordFromJson(j: EpochRecordJson): EpochRecord {
  const out: EpochRecord = { epoch: j.epoch, loss: j.loss, seconds: j.seconds };
  if (j.accuracy !== undefined) out.accuracy = j.accuracy;
  if (j.val_loss !== undefined) out.valLoss = j.val_loss;
  if (j.val_accuracy !== undefined) out.valAccuracy = j.val_accuracy;
  return out;
}
