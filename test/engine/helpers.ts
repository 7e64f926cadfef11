/**
 * Test helpers: temporary repositories with their own pipeline.yaml and stage modules, the CLI run
 * in-process (fast) or as a real `node bin/grokpipe.js` subprocess (exit codes, signals), and
 * snapshots of everything the engine must not touch on bad input.
 */
import { execFileSync, spawnSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { bufferIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { sha256 } from '../../src/engine/sha256.ts';

export const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(PROJECT, 'bin', 'grokpipe.js');

export interface Repo {
  dir: string;
  write(rel: string, text: string): void;
  read(rel: string): string;
  exists(rel: string): boolean;
  remove(): void;
}

const created: string[] = [];

export function makeRepo(files: Record<string, string>): Repo {
  const dir = mkdtempSync(join(tmpdir(), 'grokpipe-test-'));
  created.push(dir);
  const repo: Repo = {
    dir,
    write(rel, text) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    },
    read: (rel) => readFileSync(join(dir, rel), 'utf8'),
    exists: (rel) => existsSync(join(dir, rel)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  repo.write('package.json', '{ "type": "module" }\n');
  for (const [rel, text] of Object.entries(files)) repo.write(rel, text);
  return repo;
}

export function removeRepos(): void {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** The CLI in this process (same code path as bin/grokpipe.js minus process setup). */
export async function cli(repo: Repo, ...argv: string[]): Promise<CliRun> {
  const io = bufferIo(repo.dir);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** The real binary in a subprocess. */
export function cliProcess(repo: Repo, ...argv: string[]): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

export function spawnCli(repo: Repo, ...argv: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...argv], { cwd: repo.dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Hash of every file under the given repo paths (store, lock, artifacts): equal snapshots = untouched. */
export function snapshot(repo: Repo, paths = ['.grokpipe/store', 'grokpipe.lock', 'artifacts']): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string) => {
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const n of readdirSync(abs).sort()) walk(join(abs, n));
    } else {
      out[relative(repo.dir, abs).split(sep).join('/')] = sha256(readFileSync(abs));
    }
  };
  for (const p of paths) walk(join(repo.dir, p));
  return out;
}

/** Names of instances a repro ran (from its output lines). */
export function ranIn(out: string): string[] {
  return [...out.matchAll(/^✓ ran\s+(\S+) in /gm)].map((m) => m[1]!).sort();
}

export function restoredIn(out: string): string[] {
  return [...out.matchAll(/^✓ restored\s+(\S+) in /gm)].map((m) => m[1]!).sort();
}

/**
 * A stage module that writes one JSON file built from its params, its inputs and a value computed by
 * an optional helper, so that edits to any of them change its output.
 */
export function jsonStage(options: { helper?: string; extraImports?: string; file?: string } = {}): string {
  const file = options.file ?? 'out.json';
  // The type-only import of the engine's contract (by absolute path) is erased at runtime and not
  // followed into the code closure: a stage anywhere can be typed against this project.
  return `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageContext } from '${join(PROJECT, 'src', 'engine', 'stage.ts')}';
${options.helper ? `import { helper } from '${options.helper}';` : 'const helper = (x: unknown) => x;'}
${options.extraImports ?? ''}
export default {
  params: { type: 'object' },
  async run(ctx: StageContext) {
    const inputs: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(ctx.inputs) as [string, any][]) {
      const refs = Array.isArray(ref) ? ref : [ref];
      inputs[name] = await Promise.all(refs.map(async (r: any) => ({ instance: r.instance, files: await Promise.all(r.files.map((f: string) => r.text(f))) })));
    }
    await writeFile(join(ctx.outDir, '${file}'), JSON.stringify({ params: ctx.params, value: helper(ctx.params), inputs }));
  },
};
`;
}

/** Polls `cond` every 25 ms; fails naming `what` after `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 30000): Promise<void> {
  const until = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** What is left of a process, for a failure message: "gone", or its state and command from /proc. */
export function describeProcess(pid: number): string {
  if (gone(pid)) return `${pid} gone`;
  try {
    // /proc/<pid>/stat after the command's ")": state, ppid, pgid, ...
    const [state, ppid, pgid] = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return `${pid} alive (state ${state}, ppid ${ppid}, pgid ${pgid}: ${cmd})`;
  } catch {
    return `${pid} alive`;
  }
}

/** True once the process has exited (a zombie left unreaped by a container's init counts as exited). */
export function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * Whether this process may mount what the faults tests need (a small tmpfs for a full disk, a read-only
 * bind mount): root, and a kernel that lets it. `argsFor` gives mount's arguments for an empty probe folder.
 */
export function canMount(argsFor: (probe: string) => string[]): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'grokpipe-mount-probe-'));
  try {
    execFileSync('mount', argsFor(probe), { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmdirSync(probe);
  }
}
