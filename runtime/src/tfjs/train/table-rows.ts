// Reading and writing some rows of an embedding table in place, for sparse training. In: a
// table's variable, row ids. Out: those rows (read), or the table with those rows replaced
// (write). On cpu and wasm the rows are read and written in the table's own memory, so a step
// costs what its rows cost, not what the table costs; elsewhere (webgpu) the rows are read
// back and the table is rebuilt by one scatter on the device (still no table-sized gradient).

import { HOST_BACKENDS, hostMemory } from "../kernels/host-memory.js";
import { tf, type Tensor } from "../tf.js";

export interface TableRows {
  /** The rows `ids` of the table, row after row. */
  read(ids: Int32Array): Promise<Float32Array>;
  /** Replaces the rows `ids` with `rows` (row after row). */
  write(ids: Int32Array, rows: Float32Array): void;
  /** The table's own values to change in place, where the backend keeps them on the host (cpu, wasm); else undefined. */
  inPlace(): Float32Array | undefined;
}

export function tableRows(table: tf.Variable): TableRows {
  const width = table.shape[1] ?? 1;
  /**
   * The table's values for writing in place. A table whose memory another tensor shares (a
   * clone someone kept, a checkpoint's tensor it was assigned) gets a copy of its
   * own first, so writing its rows changes nothing else.
   */
  const hostValues = (): Float32Array | undefined => {
    const backend = tf.getBackend();
    if (!HOST_BACKENDS.includes(backend)) return undefined;
    const memory = hostMemory(backend, tf.backend());
    if (memory.refCount(table) > 1)
      replace(
        table,
        tf.tidy(() => tf.add(table, 0)),
      );
    return memory.view(table) as Float32Array;
  };
  return {
    async read(ids) {
      const values = hostValues();
      if (values) {
        const out = new Float32Array(ids.length * width);
        ids.forEach((id, i) => out.set(values.subarray(id * width, (id + 1) * width), i * width));
        return out;
      }
      const rows = tf.tidy(() => tf.gather(table, tf.tensor1d(ids, "int32")));
      const out = (await rows.data()) as Float32Array;
      rows.dispose();
      return out;
    },
    inPlace: () => hostValues(),
    write(ids, rows) {
      const values = hostValues();
      if (values) {
        ids.forEach((id, i) => values.set(rows.subarray(i * width, (i + 1) * width), id * width));
        return;
      }
      replace(
        table,
        tf.tidy(() => tf.tensorScatterUpdate(table, tf.tensor2d(ids, [ids.length, 1], "int32"), tf.tensor2d(rows, [ids.length, width]))),
      );
    },
  };
}

/** Gives the table the value `next` and lets go of `next`, so the table alone holds its memory. */
function replace(table: tf.Variable, next: Tensor): void {
  table.assign(next);
  next.dispose();
}
