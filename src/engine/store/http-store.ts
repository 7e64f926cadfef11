/**
 * A store on an HTTP server: records at <url>/ac/<key>, objects at <url>/cas/<sha256>, read with GET and
 * HEAD and written with PUT, so that any server that accepts PUT serves it (nginx or Apache with WebDAV,
 * bazel-remote, a generic package registry).
 *
 * A timeout (no byte for settings.timeoutMs), a dropped connection, a body shorter than its
 * Content-Length and a 5xx answer are tried again, with pauses that double; any other answer is final.
 * An object is streamed to a file while its sha256 is computed, and the hash of what arrived is returned:
 * the caller keeps the file only if that hash is the object's name. Credentials travel in the
 * Authorization header only, and every message passes through `scrub`, so no secret is printed.
 */
import { createWriteStream, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { GrokpipeError, EXIT_STAGE_FAILED } from '../errors.ts';
import { canonicalJsonPretty } from '../../core/canonical-json.ts';
import { faultCode } from '../fs-faults.ts';
import type { RemoteSettings } from './remote-settings.ts';
import { parseRecord, type RunRecord, type Store } from './store.ts';

/** A transfer that failed for good: what was asked, what the server (or the network) answered. */
export class RemoteError extends GrokpipeError {
  constructor(
    title: string,
    readonly status: number | null,
    details: { expected?: string; found?: string; hint?: string } = {},
  ) {
    super({ title, ...details }, EXIT_STAGE_FAILED);
    this.name = 'RemoteError';
  }
}

interface Answer {
  status: number;
  statusText: string;
  body: Buffer;
}

/** A failure worth another try (the network or the server, not the request). */
class Transient extends Error {}

export class HttpStore implements Store {
  readonly where: string;
  constructor(readonly settings: RemoteSettings) {
    this.where = settings.where;
  }

  async getRecord(key: string): Promise<RunRecord | null> {
    const a = await this.send('GET', `ac/${key}`);
    if (a.status === 404) return null;
    this.expectOk(a, 'GET', `ac/${key}`);
    return parseRecord(a.body.toString('utf8'), key);
  }

  async putRecord(record: RunRecord): Promise<void> {
    const a = await this.send('PUT', `ac/${record.key}`, Buffer.from(canonicalJsonPretty(record)));
    this.expectOk(a, 'PUT', `ac/${record.key}`);
  }

  async recordExists(key: string): Promise<boolean> {
    const a = await this.send('HEAD', `ac/${key}`);
    if (a.status === 404) return false;
    this.expectOk(a, 'HEAD', `ac/${key}`);
    return true;
  }

  async objectExists(sha: string): Promise<boolean> {
    const a = await this.send('HEAD', `cas/${sha}`);
    if (a.status === 404) return false;
    this.expectOk(a, 'HEAD', `cas/${sha}`);
    return true;
  }

  async getObject(sha: string, file: string): Promise<string> {
    return this.tries('GET', `cas/${sha}`, async () => {
      const found = await this.download(`cas/${sha}`, file);
      if (typeof found !== 'string') this.expectOk(found, 'GET', `cas/${sha}`);
      return found as string;
    });
  }

  async putObject(sha: string, file: string): Promise<void> {
    const a = await this.send('PUT', `cas/${sha}`, readFileSync(file));
    this.expectOk(a, 'PUT', `cas/${sha}`);
  }

  /** Removes every secret from a text that may reach a message. */
  scrub(text: string): string {
    let out = text;
    for (const s of this.settings.secrets) if (s) out = out.split(s).join('***');
    return out;
  }

  private url(path: string): URL {
    return new URL(`${this.settings.base}/${path}`);
  }

  private expectOk(a: Answer, method: string, path: string): void {
    if (a.status >= 200 && a.status < 300) return;
    const said = this.scrub(a.body.toString('utf8').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()).slice(0, 200);
    const auth = a.status === 401 || a.status === 403;
    throw new RemoteError(`the remote store refused ${method} ${this.settings.where}/${path}: ${a.status} ${a.statusText}`.trim(), a.status, {
      expected: method === 'PUT' ? 'a 2xx answer (the server must accept PUT: with nginx, `dav_methods PUT; create_full_put_path on;`)' : method === 'GET' || method === 'HEAD' ? 'a 2xx answer, or 404 for what the server lacks' : undefined,
      found: `${a.status} ${a.statusText}${said ? `: ${said}` : ''}`,
      hint: auth
        ? `check the credentials: a bearer token in GROKPIPE_REMOTE_TOKEN, or a login for the host in ~/.netrc${a.status === 403 ? ' (403: the server knows who you are but does not let you do this)' : ''}`
        : a.status === 405
          ? 'the server does not accept this method here: enable WebDAV PUT for this location'
          : undefined,
    });
  }

  /** One request, tried again on a transient failure; the final answer, whatever its status. */
  private async send(method: string, path: string, body?: Buffer): Promise<Answer> {
    return this.tries(method, path, async () => {
      const a = await this.once(method, path, body);
      if (a.status >= 500) throw new Transient(`${a.status} ${a.statusText}`);
      return a;
    });
  }

  private async tries<T>(method: string, path: string, attempt: () => Promise<T>): Promise<T> {
    const { retries, backoffMs } = this.settings;
    let last = '';
    for (let n = 0; n <= retries; n++) {
      if (n > 0) await sleep(backoffMs * 2 ** (n - 1));
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof Transient)) throw e;
        last = this.scrub(e.message);
      }
    }
    throw new RemoteError(`the remote store did not answer ${method} ${this.settings.where}/${path}`, null, {
      expected: 'an answer from the server',
      found: `${last} (${retries + 1} tr${retries ? 'ies' : 'y'}, pauses doubling from ${backoffMs} ms)`,
      hint: 'check that the server is up and reachable (GROKPIPE_REMOTE_TIMEOUT and GROKPIPE_REMOTE_RETRIES set the patience); run the command again to resume: what was transferred is kept',
    });
  }

  private request(method: string, path: string): http.ClientRequest {
    const url = this.url(path);
    const headers: Record<string, string> = { 'user-agent': 'grokpipe' };
    if (this.settings.authorization) headers.authorization = this.settings.authorization;
    return (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent: false });
  }

  private once(method: string, path: string, body?: Buffer): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const req = this.request(method, path);
      const fail = (e: Error) => reject(e instanceof Transient || e instanceof GrokpipeError ? e : new Transient(describeNetError(e)));
      req.setTimeout(this.settings.timeoutMs, () => req.destroy(new Transient(`no answer within ${this.settings.timeoutMs} ms (timeout)`)));
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('aborted', () => fail(new Transient('the connection closed in the middle of the answer')));
        res.on('end', () => {
          const b = Buffer.concat(chunks);
          const declared = Number(res.headers['content-length']);
          if (method !== 'HEAD' && Number.isFinite(declared) && b.length < declared) return fail(new Transient(`a truncated answer: ${b.length} of ${declared} bytes`));
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: method === 'HEAD' ? Buffer.alloc(0) : b });
        });
      });
      if (body) req.setHeader('content-length', body.length);
      req.end(body);
    });
  }

  /**
   * GET `path` into `file`, hashing the bytes as they arrive. Returns their sha256 on a 2xx answer, the
   * answer itself otherwise. A full disk (or any fault of the local machine) is thrown as it is.
   */
  private download(path: string, file: string): Promise<string | Answer> {
    return new Promise<string | Answer>((resolve, reject) => {
      const req = this.request('GET', path);
      let settled = false;
      let out: WriteStream | null = null;
      const done = (e: Error | null, v?: string | Answer) => {
        if (settled) return;
        settled = true;
        if (!e) return resolve(v!);
        req.destroy();
        const failed = e instanceof Transient || e instanceof GrokpipeError || faultCode(e) ? e : new Transient(describeNetError(e));
        // The file goes only once its stream is closed: an open still under way would create it again.
        const remove = () => {
          rmSync(file, { force: true });
          reject(failed);
        };
        if (out && !out.closed) {
          out.once('close', remove);
          out.destroy();
        } else remove();
      };
      req.setTimeout(this.settings.timeoutMs, () => done(new Transient(`no byte within ${this.settings.timeoutMs} ms (timeout)`)));
      req.on('error', (e) => done(e));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => done(e));
          res.on('end', () => (status >= 500 ? done(new Transient(`${status} ${res.statusMessage ?? ''}`.trim())) : done(null, { status, statusText: res.statusMessage ?? '', body: Buffer.concat(chunks) })));
          return;
        }
        const declared = Number(res.headers['content-length']);
        const hash = createHash('sha256');
        let received = 0;
        const sink = createWriteStream(file, { mode: 0o644 });
        out = sink;
        sink.on('error', (e) => done(e));
        res.on('data', (c: Buffer) => {
          hash.update(c);
          received += c.length;
          if (!sink.write(c)) res.pause();
        });
        sink.on('drain', () => res.resume());
        res.on('error', (e) => done(e));
        res.on('aborted', () => done(new Transient('the connection closed in the middle of the answer')));
        res.on('end', () => {
          if (Number.isFinite(declared) && received < declared) return done(new Transient(`a truncated answer: ${received} of ${declared} bytes`));
          // end()'s callback also runs when the write failed (a full disk), with the error, and may run before
          // the stream's 'error' event: the hash is of the bytes received, so only a clean end with every
          // byte written may return it
          sink.end((e?: Error | null) => {
            if (e) return done(e);
            if (sink.bytesWritten !== received) return done(new Error(`${file}: wrote ${sink.bytesWritten} of the ${received} bytes received`));
            done(null, hash.digest('hex'));
          });
        });
      });
      req.end();
    });
  }
}

function describeNetError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'the connection was refused (ECONNREFUSED): is the server up?';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name does not resolve (${code})`;
  if (code === 'ECONNRESET') return 'the connection was reset (ECONNRESET)';
  return code ? `${e.message} (${code})` : e.message;
}
