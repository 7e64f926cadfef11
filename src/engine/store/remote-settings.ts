/**
 * Which remote store a repository uses, and how to reach it. The URL comes from, first to last:
 * `--remote <url>`, the environment variable GROKPIPE_REMOTE (as GROKPIPE_STORE names a folder; set to
 * the empty string it turns the remote off), or the file grokpipe.remote at the root of the repository,
 * one URL that a user can commit (it holds no secret: it is in no key, since no stage reads it).
 *
 * Credentials never come from a committed file: a bearer token in GROKPIPE_REMOTE_TOKEN, or a login and
 * password for the host in ~/.netrc (curl's and git's file), or a user:password in GROKPIPE_REMOTE
 * itself. They are sent in the Authorization header only; `where` (for every message) never holds them.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DURATION_EXPECTED, parseDuration } from '../duration.ts';
import { GrokpipeError } from '../errors.ts';

export const REMOTE_FILE = 'grokpipe.remote';
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 4;

export interface RemoteSettings {
  /** The base URL, without credentials, ending without a slash. */
  base: string;
  /** What messages print: the base URL (never a credential). */
  where: string;
  /** The value of the Authorization header, if any (never printed). */
  authorization?: string;
  /** Secrets to scrub from any text that reaches a message (a server may echo a header back). */
  secrets: string[];
  /** No byte for this long (connecting, waiting for an answer, or between two chunks) is a timeout. */
  timeoutMs: number;
  /** Tries after the first on a timeout, a dropped connection or a 5xx answer, with growing pauses. */
  retries: number;
  /** The first pause between tries; it doubles each time. */
  backoffMs: number;
}

export interface RemoteChoice {
  /** `--remote <url>`, when given. */
  flag?: string;
  /** `--no-remote`. */
  off?: boolean;
}

/** The remote the repository at `root` uses, or null when none is set (or it is turned off). */
export function remoteSettings(root: string, choice: RemoteChoice = {}, env: NodeJS.ProcessEnv = process.env): RemoteSettings | null {
  if (choice.off) return null;
  let text: string | undefined;
  let from: string;
  if (choice.flag !== undefined) {
    text = choice.flag;
    from = '--remote';
  } else if (env.GROKPIPE_REMOTE !== undefined) {
    text = env.GROKPIPE_REMOTE;
    from = 'GROKPIPE_REMOTE';
    if (text.trim() === '') return null;
  } else {
    from = REMOTE_FILE;
    try {
      text = readFileSync(join(root, REMOTE_FILE), 'utf8')
        .split('\n')
        .map((l) => l.replace(/#.*/, '').trim())
        .find((l) => l !== '');
    } catch {
      return null;
    }
    if (text === undefined) return null;
  }
  return settingsFor(text.trim(), from, env);
}

function settingsFor(text: string, from: string, env: NodeJS.ProcessEnv): RemoteSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw notAUrl(text, from, 'it does not parse as a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw notAUrl(text, from, `its scheme is ${url.protocol.replace(/:$/, '')}`);
  if (url.search || url.hash) throw notAUrl(text, from, 'it has a query or a fragment');
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const base = url.toString().replace(/\/+$/, '');
  const secrets: string[] = [];
  let authorization: string | undefined;
  const token = env.GROKPIPE_REMOTE_TOKEN?.trim();
  if (token) {
    authorization = `Bearer ${token}`;
    secrets.push(token);
  } else if (user) {
    authorization = basic(user, password);
    if (password) secrets.push(password);
  } else {
    const login = netrcLogin(url.hostname, env);
    if (login) {
      authorization = basic(login.login, login.password);
      if (login.password) secrets.push(login.password);
    }
  }
  if (authorization) secrets.push(authorization.replace(/^\S+ /, ''));
  return {
    base,
    where: base,
    authorization,
    secrets,
    timeoutMs: durationFromEnv(env, 'GROKPIPE_REMOTE_TIMEOUT', DEFAULT_TIMEOUT_MS),
    retries: countFromEnv(env, 'GROKPIPE_REMOTE_RETRIES', DEFAULT_RETRIES),
    backoffMs: durationFromEnv(env, 'GROKPIPE_REMOTE_BACKOFF', 500),
  };
}

function notAUrl(text: string, from: string, why: string): GrokpipeError {
  // The text may hold a password (user:password@host): show its shape, not its value.
  const shown = text.replace(/\/\/[^/@]*@/, '//…@');
  return new GrokpipeError({
    title: `the remote store named by ${from} is not a URL: ${why}`,
    file: from === REMOTE_FILE ? REMOTE_FILE : undefined,
    expected: 'an http:// or https:// URL, e.g. https://cache.example.org/grokpipe (the server answers GET, HEAD and PUT under <url>/ac/ and <url>/cas/)',
    found: `\`${shown}\``,
    hint: from === 'GROKPIPE_REMOTE' ? 'fix GROKPIPE_REMOTE, or unset it (or set it empty) to build without a remote' : from === '--remote' ? 'fix the URL after --remote' : `fix ${REMOTE_FILE}, or use --no-remote`,
  });
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The login for `host` in ~/.netrc (or $NETRC), as curl reads it: `machine`, `login`, `password`, `default`. */
function netrcLogin(host: string, env: NodeJS.ProcessEnv): { login: string; password: string } | null {
  let text: string;
  try {
    text = readFileSync(env.NETRC ?? join(env.HOME ?? homedir(), '.netrc'), 'utf8');
  } catch {
    return null;
  }
  const words = text.split(/\s+/).filter(Boolean);
  let current: { machine: string | null; login: string; password: string } | null = null;
  const entries: Array<{ machine: string | null; login: string; password: string }> = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === 'machine' || w === 'default') {
      current = { machine: w === 'default' ? null : (words[++i] ?? ''), login: '', password: '' };
      entries.push(current);
    } else if (current && w === 'login') current.login = words[++i] ?? '';
    else if (current && w === 'password') current.password = words[++i] ?? '';
  }
  const hit = entries.find((e) => e.machine === host) ?? entries.find((e) => e.machine === null);
  return hit && hit.login ? { login: hit.login, password: hit.password } : null;
}

function durationFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name]?.trim();
  if (!v) return fallback;
  const d = parseDuration(v);
  if (!d.ok || d.ms <= 0) throw new GrokpipeError({ title: `bad value for ${name}`, expected: DURATION_EXPECTED, found: `\`${v}\`${d.ok ? '' : ` (${d.problem})`}` });
  return d.ms;
}

function countFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name]?.trim();
  if (!v) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new GrokpipeError({ title: `bad value for ${name}`, expected: 'a whole number of retries, 0 or more', found: `\`${v}\`` });
  return n;
}
