/**
 * The tensors of the paper's two models (SPEC section 2): names in the fixed order every engine, the
 * optimizer and the state file use; shapes ("in x out", row-major); which tensors weight decay, the
 * norm ||W|| and the clamp cover; and the initialisation scale of each.
 */
import {
  MLP_EMBED,
  MLP_HIDDEN,
  TF_DIM,
  TF_MLP,
  TF_SEQ,
  type ModelKind,
  type TensorSpec,
} from '../kernels/contract.ts';

/**
 * MLP: E (p x 128), W1 (256 x 256), b1, W2 (256 x p), b2. Weight matrices N(0,1)/sqrt(fan_in) with
 * fan_in 128 for E (its row length, as the paper states), 256 for W1 and W2; biases 0 and not decayed.
 */
export function mlpTensorSpecs(p: number): TensorSpec[] {
  return [
    { name: 'E', rows: p, cols: MLP_EMBED, decayed: true, initScale: 1 / Math.sqrt(MLP_EMBED) },
    { name: 'W1', rows: MLP_HIDDEN, cols: MLP_HIDDEN, decayed: true, initScale: 1 / Math.sqrt(MLP_HIDDEN) },
    { name: 'b1', rows: 1, cols: MLP_HIDDEN, decayed: false, initScale: 0 },
    { name: 'W2', rows: MLP_HIDDEN, cols: p, decayed: true, initScale: 1 / Math.sqrt(MLP_HIDDEN) },
    { name: 'b2', rows: 1, cols: p, decayed: false, initScale: 0 },
  ];
}

/**
 * No-LayerNorm transformer over p + 1 tokens ("=" is token p). Every tensor is decayed, normed and clamped.
 * fan_in is the input dimension of the map a tensor applies: 128 for E (the embedding width, the MLP's
 * convention), Wq, Wk, Wv, Wo (4 heads x 32 = 128 inputs), Win and U; 512 for Wout. Positions are
 * N(0,1) * 0.1 / sqrt(d).
 */
export function transformerTensorSpecs(p: number): TensorSpec[] {
  const v = p + 1;
  const d = TF_DIM;
  const s = 1 / Math.sqrt(d);
  return [
    { name: 'E', rows: v, cols: d, decayed: true, initScale: s },
    { name: 'P', rows: TF_SEQ, cols: d, decayed: true, initScale: 0.1 / Math.sqrt(d) },
    { name: 'Wq', rows: d, cols: d, decayed: true, initScale: s },
    { name: 'Wk', rows: d, cols: d, decayed: true, initScale: s },
    { name: 'Wv', rows: d, cols: d, decayed: true, initScale: s },
    { name: 'Wo', rows: d, cols: d, decayed: true, initScale: s },
    { name: 'Win', rows: d, cols: TF_MLP, decayed: true, initScale: s },
    { name: 'Wout', rows: TF_MLP, cols: d, decayed: true, initScale: 1 / Math.sqrt(TF_MLP) },
    { name: 'U', rows: d, cols: v, decayed: true, initScale: s },
  ];
}

export function tensorSpecs(model: ModelKind, p: number): TensorSpec[] {
  if (model === 'mlp') return mlpTensorSpecs(p);
  if (model === 'transformer') return transformerTensorSpecs(p);
  throw new Error(`tensorSpecs: expected model 'mlp' or 'transformer', found ${JSON.stringify(model)}`);
}

/** Number of logits per example: p for the MLP, p + 1 for the transformer (its vocabulary). */
export function classCount(model: ModelKind, p: number): number {
  return model === 'mlp' ? p : p + 1;
}
