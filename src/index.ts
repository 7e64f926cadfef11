/**
 * The public entry of the grokpipe package (`import ... from 'grokpipe'`): what a study author uses.
 * - The stage contract: a stage module's default export is a StageDefinition; run(ctx) gets a
 *   StageContext whose inputs are InputRefs (files of the instances it depends on).
 * - repro(root, options): bring a study's instances up to date from a program (what `grokpipe repro` does).
 * - runCli(argv, io): the command line as a function, returning its exit code.
 * Engine internals are not exported: they may change without notice.
 */
export type {
  Estimate,
  InputRef,
  JSONSchema,
  MatrixValue,
  Progress,
  SeededRandom,
  ShardContext,
  ShardEstimate,
  ShardPhase,
  StageContext,
  StageDefinition,
} from './engine/stage.ts';
export { repro, defaultJobs, type ReproOptions, type ReproResult } from './engine/verbs/repro.ts';
export type { OpenOptions } from './engine/verbs/workspace.ts';
export { GrokpipeError, isGrokpipeError, EXIT_OK, EXIT_STAGE_FAILED, EXIT_BAD_INPUT } from './engine/errors.ts';
export { runCli, USAGE } from './cli/run-cli.ts';
export { processIo, bufferIo, type CliIo } from './cli/io.ts';
export { GROKPIPE_VERSION } from './cli/version.ts';
