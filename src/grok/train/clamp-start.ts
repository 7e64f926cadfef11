/** SPEC section 3: the step from which the clamp holds the norm, by model and loss. */
import type { LossKind, ModelKind } from '../kernels/contract.ts';

export function defaultClampStart(model: ModelKind, loss: LossKind): number {
  if (model === 'transformer') return 600;
  return loss === 'mse' ? 50 : 500;
}
