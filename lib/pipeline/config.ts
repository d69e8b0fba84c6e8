/**
 * RunConfig: the typed settings of a run, derived from the options table in lib/config/options.ts and
 * parsed from flags or SIAMESE_* variables by lib/config/parse.ts. Re-exported here for the notebooks.
 */
import type { RunConfig } from '../config/options';
import type { BackendChoice } from '../backend/index';
import type { FileFormat } from '../data/read';
import type { InvalidPolicy } from '../data/errors';
import type { SplitMode } from '../data/split';
import type { Pooling } from '../model/types';
import type { InferenceChoice } from '../onnx/engine';

export type { RunConfig } from '../config/options';
export { configFromArgs, configFromEnv, helpText, validateConfig, settingName } from '../config/parse';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;
/** Compile-time proof that the table's choices are the values the library accepts (both directions). */
export type ChoicesMatchLibrary = [
  Check<Same<RunConfig['backend'], BackendChoice>>,
  Check<Same<NonNullable<RunConfig['format']>, FileFormat>>,
  Check<Same<RunConfig['onInvalid'], InvalidPolicy>>,
  Check<Same<RunConfig['split'], SplitMode>>,
  Check<Same<RunConfig['pooling'], Pooling>>,
  Check<Same<RunConfig['inference'], InferenceChoice>>,
];
