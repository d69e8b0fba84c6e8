/**
 * `npm run pipeline -- [options]`: the study end to end, headless. `--help` lists every option.
 * Progress goes to stderr; stdout gets a short summary (each classifier's scores and the report's path), or with
 * `--json` the report's results and timings as JSON. Errors are one line naming the option, file or stage (never a
 * stack); the exit code is 1.
 */
import { join } from 'node:path';
import { configFromArgs, helpText } from '../config/parse';

/** The command's own flag beside the run options (lib/config/options.ts): machine-readable stdout. */
const JSON_FLAG = '--json';
const JSON_HELP =
  `  ${JSON_FLAG}\n      print the report's results and timings as JSON on stdout instead of the short summary ` +
  '(the whole report is always in <out>/report.json)';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText().replace('\n\n  --help, -h', `\n${JSON_HELP}\n\n  --help, -h`));
    return;
  }
  const json = argv.includes(JSON_FLAG);
  const cfg = configFromArgs(
    argv.filter((a) => a !== JSON_FLAG),
    process.env,
  );
  // Loaded after the options are checked, so --help and option errors answer at once (TF.js loads slowly).
  const { runPipeline } = await import('../pipeline/run');
  const { runSeeds } = await import('../pipeline/seeds');
  const { terminalReporter } = await import('../train/progress');
  const { runSummary, seedsSummary } = await import('./summary');
  const started = Date.now();
  const opts = { reporter: terminalReporter(), handleSignals: true };
  const reportPath = join(cfg.out, 'report.json');
  if (cfg.seeds) {
    const report = await runSeeds(cfg, opts);
    console.error(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (json) console.log(JSON.stringify({ summary: report.summary, timings: report.timings }, null, 2));
    else console.log(seedsSummary(report, reportPath).join('\n'));
    return;
  }
  const report = await runPipeline(cfg, opts);
  console.error(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (json) console.log(JSON.stringify({ results: report.results, timings: report.timings }, null, 2));
  else console.log(runSummary(report, reportPath).join('\n'));
}

main(process.argv.slice(2)).catch(async (e: Error) => {
  const { cliMessage } = await import('./errors');
  console.error(`pipeline: ${cliMessage(e)}`);
  process.exit(1);
});
