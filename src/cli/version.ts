/** grokpipe's version, read from its package.json (the one file both src/ and dist/ sit beside). */
import { readFileSync } from 'node:fs';

export const GROKPIPE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
