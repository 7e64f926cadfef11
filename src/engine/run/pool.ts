/**
 * At most `size` instances run at once. A free slot goes to the waiting instance that comes first in the
 * plan (declaration order, dependencies first), not to the one that became ready first: pipeline.yaml
 * lists long stages early so that they start early, and an instance that was ready sooner but declared
 * later must not jump ahead of them.
 */
export class Pool {
  private free: number;
  private readonly waiting: Array<{ priority: number; wake: () => void }> = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(priority: number): Promise<() => void> {
    if (this.free > 0) this.free--;
    else {
      await new Promise<void>((wake) => {
        let at = this.waiting.length;
        while (at > 0 && this.waiting[at - 1]!.priority > priority) at--;
        this.waiting.splice(at, 0, { priority, wake });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot on one macrotask later: the instances that the finished one unblocks resolve their
      // dependencies in microtasks and queue first, so they compete for this slot by their plan position.
      setImmediate(() => {
        const next = this.waiting.shift();
        if (next) next.wake();
        else this.free++;
      });
    };
  }
}
