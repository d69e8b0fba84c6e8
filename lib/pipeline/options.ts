/** The options table lives in lib/config (below heads and losses, which take their defaults from it). */
export {
  OPTIONS,
  OPTION_ROWS,
  CONSTRAINTS,
  STAGES,
  TRAINING_STAGES,
  PK_EXAMPLES_PER_CLASS,
  flagOf,
  envOf,
  type OptionSpec,
  type OptionKey,
  type OptionGroup,
  type NumberRange,
  type Stage,
  type TrainingStage,
} from '../config/options';
