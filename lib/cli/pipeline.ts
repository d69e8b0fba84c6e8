/**
 * `npm run pipeline -- [options]`: the study end to end, headless. `--help` lists every option.
 */
import { configFromArgs, helpText } from '../pipeline/config';
import { runPipeline } from '../pipeline/run';
import { terminalReporter } from '../train/progress';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText());
    return;
  }
  const cfg = configFromArgs(argv);
  const started = Date.now();
  const report = await runPipeline(cfg, { reporter: terminalReporter() });
  console.error(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify({ results: report.results, timings: report.timings }, null, 2));
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(`pipeline: ${e.message}`);
  process.exit(1);
});
