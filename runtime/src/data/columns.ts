// Engine-neutral data: a column is a typed array with the shape of one example and a dtype; a set
// of examples is columns of equal length. Worlds generate columns, finite data is held as
// columns, and only an engine turns them into its tensors. Imports nothing.

export type ColumnData = Float32Array | Int32Array | Uint8Array;

export interface Column {
  readonly data: ColumnData;
  /** The shape of one example (`[]` for a scalar per example); for a whole table, its full shape. */
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32" | "bool";
}

/** Examples as columns: `count` rows, each column holding `count × width` values. */
export interface Examples {
  readonly count: number;
  readonly columns: ReadonlyMap<string, Column>;
}

/** Values per example of a column (the product of its per-example shape). */
export const widthOf = (column: Pick<Column, "shape">) => column.shape.reduce((a, b) => a * b, 1);

/** A batch column's rows: its values over its width (a world may feed tasks of different sizes in one batch). */
export const rowCount = (column: Column): number => {
  const width = widthOf(column);
  return width ? column.data.length / width : 0;
};

/** Column builders: ids (int32), floats (float32, converted from any numbers) and masks (bool, 0 or 1). */
export const idColumn = (data: Int32Array, shape: readonly number[] = []): Column => ({ data, shape, dtype: "int32" });
export const floatColumn = (data: Float32Array | ArrayLike<number>, shape: readonly number[] = []): Column => ({
  data: data instanceof Float32Array ? data : Float32Array.from(data),
  shape,
  dtype: "float32",
});
export const maskColumn = (data: Uint8Array, shape: readonly number[] = []): Column => ({ data, shape, dtype: "bool" });

/**
 * Each example's values in the named columns as one key (`a,b|c`), so examples of two splits can
 * be compared (a world's leak audit). Columns the batch lacks are skipped.
 */
export function rowKeys(examples: Examples, names: readonly string[]): string[] {
  const columns = names.flatMap((name) => {
    const column = examples.columns.get(name);
    return column ? [column] : [];
  });
  return Array.from({ length: examples.count }, (_, row) =>
    columns.map((c) => Array.from(c.data.subarray(row * widthOf(c), (row + 1) * widthOf(c))).join(",")).join("|"),
  );
}

/**
 * A world's columns (all examples, training first) split into its training and test examples,
 * and a validation split of the examples after the test split where `total` goes beyond it
 * (drawn last, so the training and test examples are the same with or without it). `shapes`
 * gives the per-example shape of the columns that are not scalars; Int32Array columns are ids or
 * integers, Uint8Array booleans, Float32Array floats.
 */
export function trainAndTest(
  columns: Record<string, ColumnData>,
  shapes: Record<string, number[]>,
  trainExamples: number,
  total: number,
  testExamples = total - trainExamples,
): { train: Examples; test: Examples; valid?: Examples } {
  const split = (from: number, to: number): Examples => ({
    count: to - from,
    columns: new Map(
      Object.entries(columns).map(([name, data]) => {
        const shape = shapes[name] ?? [];
        const width = shape.reduce((x, y) => x * y, 1);
        const column: Column = {
          data: data.slice(from * width, to * width),
          shape,
          dtype: data instanceof Uint8Array ? "bool" : data instanceof Int32Array ? "int32" : "float32",
        };
        return [name, column];
      }),
    ),
  });
  const testEnd = trainExamples + testExamples;
  return { train: split(0, trainExamples), test: split(trainExamples, testEnd), ...(testEnd < total ? { valid: split(testEnd, total) } : {}) };
}
