/**
 * A small study for the remote store tests (three instances of a, one b reading them), the CLI run as a
 * subprocess with a given environment (real exit codes, stdout and stderr apart), and the invariant every
 * fault test checks: every object of the local store hashes to its name, and nothing half-received stays.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../../src/engine/sha256.ts';
import { BIN, jsonStage, makeRepo, type Repo } from '../engine/helpers.ts';

export const STUDY = {
  'pipeline.yaml': 'version: 1\nstages:\n  a:\n    uses: stages/s.ts\n    matrix: { n: [1, 2, 3] }\n    params: { n: "${matrix.n}" }\n  b:\n    uses: stages/s.ts\n    deps: { up: a }\n',
  'stages/s.ts': jsonStage(),
  'claims.yaml': 'claims:\n  - id: second_n\n    published: 2\n    reproduced: { instance: "a[n=2]", file: out.json, path: params.n }\n    check: { type: equals }\n',
};

/** A fresh clone of the study as another user gets it: the same files and the committed lock of `from`. */
export function cloneOf(from: Repo): Repo {
  const repo = makeRepo(STUDY);
  copyFileSync(join(from.dir, 'grokpipe.lock'), join(repo.dir, 'grokpipe.lock'));
  return repo;
}

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** Fast patience, so a fault test does not wait half a minute. */
export const QUICK_RETRIES = { GROKPIPE_REMOTE_RETRIES: '2', GROKPIPE_REMOTE_BACKOFF: '20ms', GROKPIPE_REMOTE_TIMEOUT: '2s' };

function environment(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const full: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', ...QUICK_RETRIES };
  for (const k of ['GROKPIPE_STORE', 'GROKPIPE_REMOTE', 'GROKPIPE_REMOTE_TOKEN', 'NETRC']) delete full[k];
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete full[k];
  else full[k] = v;
  return full;
}

export function grokpipe(repo: Repo, env: Record<string, string | undefined>, ...argv: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: repo.dir, encoding: 'utf8', env: environment(env) });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The same without blocking this process: needed when a server of the test (the fault proxy) must answer. */
export function grokpipeAsync(repo: Repo, env: Record<string, string | undefined>, ...argv: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: repo.dir, env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** Every object under <store>/objects hashes to its name, and no received file is left beside them. */
export function unsoundObjects(storeDir: string): string[] {
  const bad: string[] = [];
  const objects = join(storeDir, 'objects');
  if (existsSync(objects)) {
    for (const d of readdirSync(objects)) {
      for (const f of readdirSync(join(objects, d))) {
        if (sha256(readFileSync(join(objects, d, f))) !== d + f) bad.push(`objects/${d}/${f}`);
      }
    }
  }
  const incoming = join(storeDir, 'incoming');
  if (existsSync(incoming)) for (const f of readdirSync(incoming)) bad.push(`incoming/${f}`);
  return bad;
}

export const localStore = (repo: Repo) => join(repo.dir, '.grokpipe', 'store');

export function countObjects(storeDir: string): number {
  const objects = join(storeDir, 'objects');
  return existsSync(objects) ? readdirSync(objects).reduce((n, d) => n + readdirSync(join(objects, d)).length, 0) : 0;
}

export { makeRepo };
