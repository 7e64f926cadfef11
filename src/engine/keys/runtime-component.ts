/**
 * The key's `runtime` component of a module stage: Node's major version. Node's V8 runs the stage: its
 * Math.* functions and its wasm compiler, which a major release may change. A minor or patch release
 * does not change arithmetic and is recorded in the manifest only.
 *
 * The platform and the architecture are recorded, not keyed: V8 computes Math.* with its own port of
 * fdlibm on every platform, and wasm arithmetic is IEEE's everywhere except relaxed SIMD's fused
 * multiply-add, which the compute identity already probes. So the committed lock stays auditable on
 * linux-x64 and darwin-arm64 alike, and a stage whose bytes do depend on the platform is caught by the
 * lock as evidence (same key, other bytes: the nondeterminism error), never accepted. cmd stages run
 * their own tools, which the engine cannot name: they have no runtime component.
 */
export function runtimeComponent(): { node: number } {
  return { node: Number(process.versions.node.split('.')[0]) };
}
