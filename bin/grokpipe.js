#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so that no build step stands between
// `npm ci` and `npx grokpipe repro`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
