/** Per-epoch training history, camelCase inside and snake_case in JSON. */

export interface EpochRecord {
  /** 1-based epoch. */
  epoch: number;
  /** Mean training loss over the epoch (weighted by batch size). */
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Wall time of the epoch, validation included. */
  seconds: number;
}

export interface EpochRecordJson {
  epoch: number;
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  seconds: number;
}

export function recordToJson(r: EpochRecord): EpochRecordJson {
  const out: EpochRecordJson = { epoch: r.epoch, loss: r.loss, seconds: r.seconds };
  if (r.accuracy !== undefined) out.accuracy = r.accuracy;
  if (r.valLoss !== undefined) out.val_loss = r.valLoss;
  if (r.valAccuracy !== undefined) out.val_accuracy = r.valAccuracy;
  return out;
}

export function recordFromJson(j: EpochRecordJson): EpochRecord {
  const out: EpochRecord = { epoch: j.epoch, loss: j.loss, seconds: j.seconds };
  if (j.accuracy !== undefined) out.accuracy = j.accuracy;
  if (j.val_loss !== undefined) out.valLoss = j.val_loss;
  if (j.val_accuracy !== undefined) out.valAccuracy = j.val_accuracy;
  return out;
}
