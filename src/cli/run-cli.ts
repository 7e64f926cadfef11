/**
 * The CLI as a function: `runCli(argv, io)` returns the exit code (0 success, 1 a stage or check
 * failed, 2 bad input or refused). bin/grokpipe.js calls it through main.ts; tests call it in-process.
 */
import { doingOf } from '../engine/crash-context.ts';
import { EXIT_BAD_INPUT, isGrokpipeError } from '../engine/errors.ts';
import { reportCrash } from './crash-report.ts';
import type { CliIo } from './io.ts';
import { asksForHelp, VERB_HELP } from './verb-help.ts';
import { GROKPIPE_VERSION } from './version.ts';

export const USAGE = `grokpipe: a content-hashed DAG build tool for reproducible research

usage: grokpipe <verb> [options]

verbs:
  repro [targets] [--dry-run] [--force] [-j N] [--profile P] [--keep-going] [--wait] [--executor slurm]
                      bring instances up to date: run, restore from the store, or nothing
  status [targets] [--why] [--all]
                      list stale instances; --why shows each changed key component, old and new
  dag [--mermaid | --dot] [--instances]
                      print the graph of stages (or of instances)
  show <instance>     manifest and provenance of one instance
  times [targets]     per stage: instances ran or restored, run time summed and the longest
  plan [targets] [-c|--cores N,...]
                      predict wall time, core-hours and the critical path of a build on N workers
  gc [--dry-run]      remove store objects and records that nothing references
  verify [--profile P] | verify --lock [--sample N | instances...]
                      check claims.yaml against artifacts, or rebuild locked instances and compare
  verify --remote URL --sample N [--seed S] [--budget D]
                      the audit: pull every locked instance, rebuild N at random, check every claim
  push [targets] [--remote URL] [-j N]
                      send the lock's records and objects to the remote store (GROKPIPE_REMOTE)
  pull [targets] [--remote URL] [-j N]
                      fetch them from the remote store, each object hashed and checked against the lock

common options: -C <dir> (repository, default: search upward for pipeline.yaml), --profile <name>,
  --set vars.<name>=<value>, -h/--help
grokpipe <verb> --help describes each option of a verb; grokpipe --version prints the version.
`;

type Verb = (argv: string[], io: CliIo) => Promise<number>;

// Each verb is imported when used, so a command pays start-up only for the code it runs.
const VERBS: Record<string, () => Promise<Verb>> = {
  repro: async () => (await import('./repro.ts')).reproCommand,
  status: async () => (await import('./status.ts')).statusCommand,
  dag: async () => (await import('./dag.ts')).dagCommand,
  show: async () => (await import('./show.ts')).showCommand,
  times: async () => (await import('./times.ts')).timesCommand,
  plan: async () => (await import('./plan.ts')).planCommand,
  gc: async () => (await import('./gc.ts')).gcCommand,
  verify: async () => (await import('./verify.ts')).verifyCommand,
  push: async () => (await import('./transfer.ts')).pushCommand,
  pull: async () => (await import('./transfer.ts')).pullCommand,
};

/**
 * `grokpipe -C dir status` as `git -C dir status` and `make -C dir`: a leading -C is taken to belong
 * to the verb after it, which parses it with its other options.
 */
function leadingDirectoryAfterVerb(argv: string[]): string[] {
  if (argv[0] === '-C' && argv.length >= 3) return [argv[2]!, '-C', argv[1]!, ...argv.slice(3)];
  if (argv[0]?.startsWith('-C') && argv[0].length > 2 && argv.length >= 2) return [argv[1]!, argv[0], ...argv.slice(2)];
  return argv;
}

export async function runCli(cliArgs: string[], io: CliIo): Promise<number> {
  const argv = leadingDirectoryAfterVerb(cliArgs);
  const [verb, ...rest] = argv;
  if (!verb || verb === '-h' || verb === '--help' || verb === 'help') {
    io.out.write(USAGE);
    return verb ? 0 : EXIT_BAD_INPUT;
  }
  if (verb === '--version' || verb === '-V' || verb === 'version') {
    io.out.write(`grokpipe ${GROKPIPE_VERSION}\n`);
    return 0;
  }
  const load = VERBS[verb];
  if (!load) {
    io.err.write(`error: unknown verb \`${verb}\`\n   = expected: one of ${Object.keys(VERBS).join(', ')}\n   = hint: grokpipe --help lists them\n`);
    return EXIT_BAD_INPUT;
  }
  if (VERB_HELP[verb] && asksForHelp(rest)) {
    io.out.write(VERB_HELP[verb]);
    return 0;
  }
  try {
    const run = await load();
    return await run(rest, io);
  } catch (e) {
    if (isGrokpipeError(e)) {
      io.err.write(`${e.format()}\n`);
      return e.exitCode;
    }
    // A full disk, a read-only folder, too many open files: the machine's fault, said plainly.
    // (Imported here: fs-faults reaches the pipeline parser and its schema validator, which --help and
    // --version should not pay for at start-up.)
    const { faultCode, faultError } = await import('../engine/fs-faults.ts');
    if (faultCode(e)) {
      const err = faultError(e, `grokpipe ${verb}${doingOf(e) ? ` (${doingOf(e)})` : ''}`);
      io.err.write(`${err.format()}\n`);
      return err.exitCode;
    }
    // Anything else is a bug: no stack trace for the user, a crash log for the report.
    return reportCrash(e, { argv, cwd: io.cwd, err: io.err });
  }
}
