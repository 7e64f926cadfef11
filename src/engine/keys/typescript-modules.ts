/**
 * TypeScript stage modules under compiled grokpipe: the engine in dist/ is JavaScript and Node cannot
 * import a .ts file by itself, so the first TypeScript module a process imports registers tsx's loader
 * (about 0.1 s); a process that imports only JavaScript stages never loads tsx. When this file is itself
 * TypeScript (the engine running from src/ under tsx or vitest), TypeScript already loads and nothing
 * is registered.
 */
const TYPESCRIPT = /\.(m|c)?tsx?$/;
/** The engine runs from its TypeScript sources (tsx, vitest), not from the compiled dist/. */
export const ENGINE_IS_TYPESCRIPT = import.meta.url.endsWith('.ts');
let registered: Promise<void> | null = null;

export function isTypeScriptModule(path: string): boolean {
  return TYPESCRIPT.test(path.replace(/[?#].*$/, ''));
}

/** Makes `import()` of `path` work: registers tsx once if `path` is TypeScript and nothing else loads it. */
export function loadsTypeScript(path: string): Promise<void> {
  if (ENGINE_IS_TYPESCRIPT || !isTypeScriptModule(path)) return Promise.resolve();
  registered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return registered;
}
