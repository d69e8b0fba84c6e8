/**
 * `npm run pipeline -- [options]`: the study end to end, headless. `--help` lists every option.
 * Errors are one line naming the option, file or stage (never a stack); the exit code is 1.
 */
import { configFromArgs, helpText } from '../config/parse';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText());
    return;
  }
  const cfg = configFromArgs(argv, process.env);
  // Loaded after the options are checked, so --help and option errors answer at once (TF.js loads slowly).
  const { runPipeline } = await import('../pipeline/run');
  const { runSeeds } = await import('../pipeline/seeds');
  const { terminalReporter } = await import('../train/progress');
  const started = Date.now();
  const opts = { reporter: terminalReporter(), handleSignals: true };
  if (cfg.seeds) {
    const report = await runSeeds(cfg, opts);
    console.error(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(JSON.stringify({ summary: report.summary, timings: report.timings }, null, 2));
    return;
  }
  const report = await runPipeline(cfg, opts);
  console.error(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify({ results: report.results, timings: report.timings }, null, 2));
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(`pipeline: ${e.message}`);
  process.exit(1);
});
