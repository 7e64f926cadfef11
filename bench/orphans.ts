/**
 * How often a stage process outlives a SIGKILLed engine, under the conditions that found the race in stop
 * 29: engines killed the moment their stage has started (it writes its pid and hangs), two such loops side
 * by side, and a third process starting /bin/true as fast as it can (pids churn, both cores are busy).
 * Before the group keeper found stages by their mark this orphaned 18 of 540 stages; it should print 0.
 *
 *   npm run bench:orphans -- [--rounds 30] [--loops 2] [--no-churn]
 *
 * Not a test: it takes minutes and loads the machine. Everything it starts it ends, by pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gone } from '../test/engine/helpers.ts';

const BIN = fileURLToPath(new URL('../bin/grokpipe.js', import.meta.url));

const pipeline = (round: number) => `version: 1
stages:
  base:
    cmd: [sh, -c, "echo base > \${out}/b.txt"]
  hold:
    cmd: [sh, -c, "echo $$ > shell.pid; sleep 300 & echo $! > bg.pid; while [ -e hang ]; do sleep 0.05; done; echo ${round} > \${out}/h.txt"]
    deps: { b: base }
`;

/** One loop of `rounds` rounds in its own repository; returns how many rounds left a stage process alive. */
async function loop(rounds: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'grokpipe-orphans-'));
  writeFileSync(join(dir, 'pipeline.yaml'), pipeline(0));
  if (spawnSync(process.execPath, [BIN, 'repro'], { cwd: dir }).status !== 0) throw new Error(`orphans: the first repro in ${dir} failed`);
  let orphaned = 0;
  for (let round = 1; round <= rounds; round++) {
    writeFileSync(join(dir, 'pipeline.yaml'), pipeline(round));
    writeFileSync(join(dir, 'hang'), '');
    rmSync(join(dir, 'bg.pid'), { force: true });
    const engine = spawn(process.execPath, [BIN, 'repro'], { cwd: dir, stdio: 'ignore' });
    const started = () => existsSync(join(dir, 'bg.pid')) && readFileSync(join(dir, 'bg.pid'), 'utf8').trim() !== '';
    while (!started()) await sleep(5);
    const shell = Number(readFileSync(join(dir, 'shell.pid'), 'utf8'));
    const background = Number(readFileSync(join(dir, 'bg.pid'), 'utf8'));
    const exited = new Promise((r) => engine.once('exit', r));
    engine.kill('SIGKILL');
    await exited;
    const until = performance.now() + 5000;
    while (!(gone(shell) && gone(background)) && performance.now() < until) await sleep(20);
    if (!(gone(shell) && gone(background))) {
      orphaned++;
      console.log(`round ${round}: stage ${shell} (and its child ${background}) outlived its engine by 5 s`);
      try {
        process.kill(-shell, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    rmSync(join(dir, 'hang'));
    spawnSync(process.execPath, [BIN, 'repro'], { cwd: dir, stdio: 'ignore' });
  }
  rmSync(dir, { recursive: true, force: true });
  return orphaned;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const x = Number(process.argv[i + 1]);
  if (!Number.isInteger(x) || x < 1) throw new Error(`orphans: expected a whole number after --${name}, found ${JSON.stringify(process.argv[i + 1])}`);
  return x;
}

const rounds = option('rounds', 30);
const loops = option('loops', 2);
let churn: ChildProcess | null = null;
if (!process.argv.includes('--no-churn')) {
  churn = spawn('sh', ['-c', 'while :; do /bin/true; done'], { stdio: 'ignore' });
}
try {
  const t0 = performance.now();
  const orphaned = (await Promise.all(Array.from({ length: loops }, () => loop(rounds)))).reduce((a, b) => a + b, 0);
  console.log(`${orphaned} of ${rounds * loops} stages outlived their SIGKILLed engine (${loops} loops side by side${churn ? ', beside a /bin/true loop' : ''}; ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
} finally {
  churn?.kill('SIGKILL');
}
