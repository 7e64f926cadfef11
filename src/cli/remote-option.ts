/** The remote a verb uses: --remote <url>, else GROKPIPE_REMOTE, else grokpipe.remote; --no-remote: none. */
import { GrokpipeError } from '../engine/errors.ts';
import { REMOTE_FILE, remoteSettings, type RemoteSettings } from '../engine/store/remote-settings.ts';

export const REMOTE_OPTIONS = {
  remote: { type: 'string' },
  'no-remote': { type: 'boolean' },
} as const;

export function remoteFromOptions(root: string, values: { remote?: string; 'no-remote'?: boolean }): RemoteSettings | null {
  return remoteSettings(root, { flag: values.remote, off: values['no-remote'] });
}

export function requireRemote(root: string, values: { remote?: string; 'no-remote'?: boolean }, verb: string): RemoteSettings {
  const s = remoteFromOptions(root, values);
  if (s) return s;
  throw new GrokpipeError({
    title: `grokpipe ${verb} needs a remote store, and none is set`,
    expected: `--remote <url>, the environment variable GROKPIPE_REMOTE=<url>, or the URL in ${REMOTE_FILE} at the root of the repository`,
    found: values['no-remote'] ? '--no-remote' : 'none of them',
    hint: 'README, "How CI uses verify", sets one up with nginx in a few lines',
  });
}
