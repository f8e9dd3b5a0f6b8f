// numpy's .npy format (version 1.0), for the batches an export hands to Python: the magic
// `\x93NUMPY`, the version, a little-endian u16 header length, a Python dict literal giving
// dtype, order and shape (padded with spaces to a multiple of 64 bytes, ending in a newline),
// then the raw little-endian data. numpy.load reads it, memory-mapped where asked.

export type NpyData = Float32Array | Int32Array | Uint8Array;

const DESCR = (data: NpyData) => (data instanceof Float32Array ? "<f4" : data instanceof Int32Array ? "<i4" : "|b1");

export function encodeNpy(data: NpyData, shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '${DESCR(data)}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const prefix = Buffer.alloc(10);
  prefix.write("\x93NUMPY", 0, "latin1");
  prefix.writeUInt8(1, 6);
  prefix.writeUInt8(0, 7);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, "latin1"), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
