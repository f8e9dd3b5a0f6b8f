// SASRec written directly in TensorFlow.js, the baseline of bench/train: the same model as
// examples/sasrec/model.rec (2 pre-LN transformer blocks, d = 64, 2 heads, sequence length 50,
// 20,000 items, in-batch softmax over the batch's targets), built the way a tfjs user would.

import { tf } from "../runtime/src/tfjs/tf.js";

export interface HandWritten {
  readonly variables: tf.Variable[];
  loss(history: tf.Tensor, mask: tf.Tensor, target: tf.Tensor): tf.Scalar;
}

export function handWrittenSasrec(items = 20_000, dim = 64, heads = 2, layers = 2, length = 50, seed = 0): HandWritten {
  let s = seed;
  const glorot = (a: number, b: number) => tf.variable(tf.randomUniform([a, b], -Math.sqrt(6 / (a + b)), Math.sqrt(6 / (a + b)), "float32", s++));
  const vector = (n: number, value: number) => tf.variable(tf.fill([n], value));
  const itemTable = tf.variable(tf.randomNormal([items, dim], 0, 0.05, "float32", s++));
  const positions = tf.variable(tf.randomNormal([length, dim], 0, 0.05, "float32", s++));
  const blocks = Array.from({ length: layers }, () => ({
    g1: vector(dim, 1),
    b1: vector(dim, 0),
    g2: vector(dim, 1),
    b2: vector(dim, 0),
    wq: glorot(dim, dim),
    wk: glorot(dim, dim),
    wv: glorot(dim, dim),
    wo: glorot(dim, dim),
    f1: glorot(dim, 4 * dim),
    c1: vector(4 * dim, 0),
    f2: glorot(4 * dim, dim),
    c2: vector(dim, 0),
  }));
  const gFinal = vector(dim, 1);
  const bFinal = vector(dim, 0);
  const layerNorm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
  };
  const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
  const dh = dim / heads;
  const causal = tf.linalg.bandPart(tf.ones([length, length]), -1, 0).cast("bool");
  return {
    variables: [itemTable, positions, gFinal, bFinal, ...blocks.flatMap((b) => Object.values(b))],
    loss(history, mask, target) {
      const batch = history.shape[0]!;
      let h: tf.Tensor = tf.add(tf.gather(itemTable, history), positions);
      const keys = tf.logicalAnd(tf.expandDims(mask, 1), tf.expandDims(mask, 2));
      const attend = tf.expandDims(tf.logicalAnd(causal, keys), 1);
      for (const b of blocks) {
        const x = layerNorm(h, b.g1, b.b1);
        const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [batch, length, heads, dh]), [0, 2, 1, 3]);
        const flat = tf.reshape(x, [batch * length, dim]);
        const q = split(tf.reshape(tf.matMul(flat, b.wq), [batch, length, dim]));
        const k = split(tf.reshape(tf.matMul(flat, b.wk), [batch, length, dim]));
        const v = split(tf.reshape(tf.matMul(flat, b.wv), [batch, length, dim]));
        const logits = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh));
        const weights = tf.softmax(tf.where(attend, logits, tf.fill(logits.shape, -1e9)));
        const out = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [batch * length, dim]);
        h = tf.add(h, tf.reshape(tf.matMul(out, b.wo), [batch, length, dim]));
        const y = tf.reshape(layerNorm(h, b.g2, b.b2), [batch * length, dim]);
        const ff = tf.add(tf.matMul(gelu(tf.add(tf.matMul(y, b.f1), b.c1)), b.f2), b.c2);
        h = tf.add(h, tf.reshape(ff, [batch, length, dim]));
      }
      const user = layerNorm(tf.squeeze(tf.slice(h, [0, length - 1, 0], [batch, 1, dim]), [1]), gFinal, bFinal);
      const scores = tf.matMul(user, tf.gather(itemTable, target), false, true);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.range(0, batch, 1, "int32"), batch), scores) as tf.Scalar;
    },
  };
}
