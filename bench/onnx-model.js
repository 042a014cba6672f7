// A tiny hand-written encoder of ONNX ModelProto bytes (protobuf wire format), enough for the
// benchmark's models: one float32 input `x` of shape [n] (n symbolic, so one model serves every
// size), a few nodes (usually one), float32 initializers, one output `y`.
//
//   onnxModel({ opset: 18, nodes: [{ op: 'Elu', attrs: { alpha: 1 } }] })  -> Uint8Array
//
// A node's inputs default to the previous node's output (the first node's to `x`), its output to
// a fresh name, and the last node's output is `y`. Attributes: a JS number that is an integer and
// listed in `ints` is encoded as INT, every other number as FLOAT, strings as STRING.
// Field numbers from onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
// ValueInfoProto, TypeProto, TensorShapeProto, TensorProto, OperatorSetIdProto).

const enc = new TextEncoder();

function varint(n) {
  // Integers (negative ones as 10-byte int64 varints).
  const out = [];
  let v = BigInt.asUintN(64, BigInt(n)); // int64 two's complement for negatives
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const tag = (field, wire) => varint((field << 3) | wire);
const concat = (parts) => {
  const len = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

/** Field helpers: each returns the bytes of one field. */
const fInt = (field, n) => Uint8Array.from([...tag(field, 0), ...varint(n)]);
const fBytes = (field, bytes) => concat([Uint8Array.from([...tag(field, 2), ...varint(bytes.length)]), bytes]);
const fStr = (field, s) => fBytes(field, enc.encode(s));
const fFloat = (field, v) => concat([Uint8Array.from(tag(field, 5)), new Uint8Array(new Float32Array([v]).buffer)]);

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3;

function attribute(name, value, asInt) {
  if (typeof value === 'string') return concat([fStr(1, name), fStr(4, value), fInt(20, ATTR_STRING)]);
  if (asInt) return concat([fStr(1, name), fInt(3, value), fInt(20, ATTR_INT)]);
  return concat([fStr(1, name), fFloat(2, value), fInt(20, ATTR_FLOAT)]);
}

function node({ op, inputs, outputs, attrs = {}, ints = [], name }) {
  const parts = [];
  for (const i of inputs) parts.push(fStr(1, i));
  for (const o of outputs) parts.push(fStr(2, o));
  parts.push(fStr(3, name), fStr(4, op));
  for (const [k, v] of Object.entries(attrs)) parts.push(fBytes(5, attribute(k, v, ints.includes(k))));
  return concat(parts);
}

/** ValueInfoProto of a float tensor with one symbolic dimension `n`. */
function valueInfo(name) {
  const dim = fStr(2, 'n'); // Dimension.dim_param
  const shape = fBytes(1, dim); // TensorShapeProto.dim
  const tensorType = concat([fInt(1, FLOAT), fBytes(2, shape)]);
  const type = fBytes(1, tensorType); // TypeProto.tensor_type
  return concat([fStr(1, name), fBytes(2, type)]);
}

/** TensorProto: a float32 scalar (dims []) named `name`. */
function scalarInitializer(name, value) {
  const data = new Uint8Array(new Float32Array([value]).buffer);
  return concat([fInt(2, FLOAT), fStr(8, name), fBytes(9, data)]); // data_type, name, raw_data
}

/**
 * @param {{ opset: number, nodes: Array<{ op: string, inputs?: string[], attrs?: object, ints?: string[] }>,
 *           initializers?: Record<string, number> }} spec
 * @returns {Uint8Array} the serialized ModelProto
 */
export function onnxModel({ opset, nodes, initializers = {} }) {
  const graph = [];
  let prev = 'x';
  nodes.forEach((n, i) => {
    const out = i === nodes.length - 1 ? 'y' : `t${i}`;
    graph.push(fBytes(1, node({ ...n, inputs: n.inputs ?? [prev], outputs: [out], name: `n${i}_${n.op}` })));
    prev = out;
  });
  graph.push(fStr(2, 'bench'));
  for (const [name, v] of Object.entries(initializers)) graph.push(fBytes(5, scalarInitializer(name, v)));
  graph.push(fBytes(11, valueInfo('x')));
  graph.push(fBytes(12, valueInfo('y')));
  // IR version 9 (ONNX 1.15) covers opsets up to 20.
  return concat([
    fInt(1, 9),
    fStr(2, 'wasm-activations-bench'),
    fBytes(7, concat(graph)),
    fBytes(8, concat([fStr(1, ''), fInt(2, opset)])),
  ]);
}
