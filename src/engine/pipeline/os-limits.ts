/**
 * Limits of the operating system that a pipeline can run into, checked at plan time so that no work is
 * lost to them after a stage ran: a file name longer than 255 bytes (ENAMETOOLONG when the instance's
 * folder or log is created), a command argument longer than Linux's 128 KiB per argument, or a whole
 * command line beyond ARG_MAX (E2BIG when the command starts).
 */
import { Buffer } from 'node:buffer';
import type { Instance } from './instance.ts';
import type { YamlSource } from '../yaml-source.ts';

/** Bytes in one file name (ext4, xfs, btrfs, apfs, tmpfs). */
export const NAME_MAX = 255;
/** Bytes in one argument on Linux (MAX_ARG_STRLEN, 32 pages). */
export const ARG_ONE_MAX = 131072;
/** Bytes of arguments and environment together (the usual ARG_MAX; the kernel may allow more). */
export const ARG_ALL_MAX = 2 * 1024 * 1024;

/** The longest file name the engine derives from an instance name: `.grokpipe/logs/<instance>.log`. */
const LONGEST_SUFFIX = '.log';

function environmentBytes(): number {
  let n = 0;
  for (const [k, v] of Object.entries(process.env)) n += Buffer.byteLength(`${k}=${v ?? ''}`) + 1;
  return n;
}

/**
 * Throws a located error for the first instance whose name cannot be a file name, or whose command
 * line is too long to start. `${deps.*}` and `${out}` are still unexpanded here (short folder paths);
 * the runtime check in run/run-stage.ts reports what this cannot foresee.
 */
export function checkOsLimits(src: YamlSource, instances: Instance[]): void {
  let env: number | null = null;
  for (const inst of instances) {
    const bytes = Buffer.byteLength(inst.name);
    if (bytes + LONGEST_SUFFIX.length > NAME_MAX) {
      throw src.errorAt([['stages', inst.stage, 'matrix'], ['stages', inst.stage]], {
        title: `instance name of stage \`${inst.stage}\` is too long for a file name (${bytes} bytes)`,
        expected: `an instance name of at most ${NAME_MAX - LONGEST_SUFFIX.length} bytes: it names the folder artifacts/<instance>/ and the log .grokpipe/logs/<instance>.log (${NAME_MAX} bytes per name)`,
        found: `\`${inst.name.slice(0, 60)}…\` (${bytes} bytes)`,
        hint: 'use shorter matrix values (e.g. an index or a short label, with the long value in params or a file)',
      });
    }
    if (!inst.command) continue;
    const longest = inst.command.reduce((i, a, j) => (Buffer.byteLength(a) > Buffer.byteLength(inst.command![i]!) ? j : i), 0);
    const longestBytes = Buffer.byteLength(inst.command[longest]!);
    if (longestBytes >= ARG_ONE_MAX) {
      throw src.errorAt([['stages', inst.stage, 'cmd', longest], ['stages', inst.stage, 'cmd']], {
        title: `argument ${longest} of the command of \`${inst.name}\` is too long to run (${longestBytes} bytes)`,
        expected: `at most ${ARG_ONE_MAX - 1} bytes per argument (Linux's limit; the command would fail to start with E2BIG)`,
        found: `${longestBytes} bytes after interpolation`,
        hint: 'pass large values through a file: write it in an upstream stage and give the command ${deps.x}',
      });
    }
    const total = inst.command.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
    env ??= environmentBytes();
    if (total + env >= ARG_ALL_MAX) {
      throw src.errorAt(['stages', inst.stage, 'cmd'], {
        title: `the command of \`${inst.name}\` is too long to run (${total} bytes of arguments, ${env} of environment)`,
        expected: `arguments and environment together under ${ARG_ALL_MAX} bytes (ARG_MAX; the command would fail to start with E2BIG)`,
        found: `${inst.command.length} arguments, ${total} bytes`,
        hint: 'pass large values through a file: write it in an upstream stage and give the command ${deps.x}',
      });
    }
  }
}
