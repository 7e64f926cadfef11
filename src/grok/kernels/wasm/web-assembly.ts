/**
 * The few members of WebAssembly's JS API the kernels, their loaders and the bench use, typed once here:
 * the project's TypeScript libs (ES2022 + node) do not declare the WebAssembly namespace.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

export const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
