/**
 * A real nginx (Debian's, /usr/sbin/nginx, with its WebDAV module) serving a temporary folder on
 * 127.0.0.1 at a port of its own, the way a user sets up a remote store (README, "How CI uses verify"):
 * `dav_methods PUT; create_full_put_path on;`. Under /private/ it wants a bearer token, under /forbidden/
 * it answers 403. It runs in the foreground as one process (master_process off), started and stopped by
 * its pid. Missing nginx is a failure, not a skip: CI (.ci/run) installs it.
 *
 * faultProxy puts a small Node server in front of it that can answer 5xx, cut a body short, send other
 * bytes, or never answer, per request; the store behind it is still the real nginx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const NGINX = '/usr/sbin/nginx';
export const TOKEN = 'grokpipe-test-token-5f3a9c';
export const BASIC_USER = 'reader';
export const BASIC_PASSWORD = 'netrc-password-77e1';

export interface Nginx {
  url: string;
  port: number;
  /** The folder nginx serves: <data>/ac/<key>, <data>/cas/<sha256>. */
  data: string;
  pid(): number;
  stop(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

/**
 * `server` replaces the test's own server block (it gets the port, the served folder and a scratch folder),
 * e.g. the README's, so that the configuration the README gives is the one tested.
 */
export async function startNginx(options: { server?: (port: number, data: string, dir: string) => string } = {}): Promise<Nginx> {
  if (!existsSync(NGINX)) throw new Error(`nginx is not installed at ${NGINX}: the remote store tests run against a real nginx (apt-get install nginx, as .ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'grokpipe-nginx-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  for (const d of ['body', 'logs']) mkdirSync(join(dir, d));
  const port = await freePort();
  const dav = 'dav_methods PUT; create_full_put_path on; dav_access user:rw group:r all:r; client_max_body_size 0;';
  const basic = Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64');
  const ownServer = `  server {
    listen 127.0.0.1:${port};
    root ${data};
    location / { ${dav} }
    location /private/ {
      if ($http_authorization != "Bearer ${TOKEN}") { return 401; }
      ${dav}
    }
    location /forbidden/ { return 403; }
    location /basic/ {
      if ($http_authorization != "Basic ${basic}") { return 401; }
      ${dav}
    }
  }
`;
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 512; }
http {
  access_log ${dir}/logs/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/body; fastcgi_temp_path ${dir}/body; uwsgi_temp_path ${dir}/body; scgi_temp_path ${dir}/body;
${options.server ? options.server(port, data, dir) : ownServer}}
`,
  );
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c));
    const until = performance.now() + 10_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || performance.now() > until) {
        const log = existsSync(join(dir, 'logs', 'error.log')) ? readFileSync(join(dir, 'logs', 'error.log'), 'utf8') : '';
        throw new Error(`nginx did not start on 127.0.0.1:${port}: ${stderr}${log}`);
      }
      await sleep(20);
    }
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    process.kill(c.pid!, 'SIGTERM');
    await exited;
    child = null;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    data,
    pid: () => child?.pid ?? -1,
    stop,
    start,
    remove: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the proxy does with one request: pass it to nginx, or one of the faults. */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number }
  | { kind: 'truncate' }
  | { kind: 'other-bytes' }
  | { kind: 'hang' }
  /** The connection closed with no answer, as a server that has just stopped leaves it. */
  | { kind: 'drop' };

export interface FaultProxy {
  url: string;
  /** Every request seen, as `METHOD path`. */
  seen: string[];
  close(): Promise<void>;
}

/** A Node server in front of nginx; `decide` picks what happens to each request (by method, path, count). */
export async function faultProxy(upstreamPort: number, decide: (method: string, path: string, n: number) => Fault): Promise<FaultProxy> {
  const seen: string[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const n = seen.push(`${req.method} ${req.url}`);
    const fault = decide(req.method!, req.url!, n);
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'hang') {
      hanging.add(res);
      req.resume();
      return;
    }
    if (fault.kind === 'status') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      res.end(`injected ${fault.status}\n`);
      return;
    }
    const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent: false }, (ures) => {
      const chunks: Buffer[] = [];
      ures.on('data', (c: Buffer) => chunks.push(c));
      ures.on('end', () => {
        const body = Buffer.concat(chunks);
        if (fault.kind === 'pass' || ures.statusCode !== 200 || req.method !== 'GET') {
          res.writeHead(ures.statusCode!, ures.headers);
          res.end(body);
        } else if (fault.kind === 'truncate') {
          // Promise the whole length, send half, and drop the connection.
          res.writeHead(200, { 'content-length': String(body.length) });
          res.write(body.subarray(0, Math.floor(body.length / 2)));
          setTimeout(() => res.socket?.destroy(), 20);
        } else {
          const other = Buffer.from(body.toString('utf8').split('').reverse().join('') + ' tampered');
          res.writeHead(200, { 'content-length': String(other.length) });
          res.end(other);
        }
      });
    });
    // nginx gone: the client sees what it would see from a stopped server, a dropped connection.
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
