/**
 * Command-line parsing for the project's commands: node:util parseArgs, with a usage error printed as
 * one line naming the problem, then the usage, and exit code 2 (never a stack trace).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One line for a parseArgs error: "unknown option '--nope'" rather than Node's advice on positionals. */
export function usageLine(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const quoted = /'([^']*)'/.exec(err.message ?? '')?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) return `unknown option '${quoted}'.`;
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && quoted) return `unexpected argument '${quoted}'.`;
  return (err.message ?? String(e)).split('\n')[0];
}

/** Print `<command>: <problem>`, a blank line and the usage to stderr, and exit with code 2. */
export function exitWithUsage(command: string, problem: string, help: string): never {
  console.error(`${command}: ${problem}\n\n${help}`);
  process.exit(2);
}

/** parseArgs(config) (strict), or a usage error naming the bad option and the usage (exit code 2). */
export function parseArgsOrExit<T extends ParseArgsConfig>(config: T, command: string, help: string) {
  try {
    return parseArgs(config);
  } catch (e) {
    return exitWithUsage(command, usageLine(e), help);
  }
}
