/**
 * A small builder for ONNX graphs: float32 and int64 initializers, nodes with unique names and outputs, and
 * inputs/outputs with symbolic dimensions. Node and tensor names follow the `/scope/Op_n` style of PyTorch's
 * exporter, so a graph reads well in Netron.
 */
import { endianness } from 'node:os';
import {
  AttributeType,
  DataType,
  type AttributeProto,
  type DataTypeValue,
  type Dimension,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto';

/** A node attribute value: an integer, a float (`{ f }`, so 1.0 stays a float) or a list of integers. */
export type AttributeValue = number | { f: number } | number[];

function attribute(name: string, v: AttributeValue): AttributeProto {
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v };
  if (typeof v === 'number') {
    if (!Number.isInteger(v))
      throw new Error(`GraphBuilder: integer attribute '${name}' must be an integer; got ${v}.`);
    return { name, type: AttributeType.INT, i: v };
  }
  return { name, type: AttributeType.FLOAT, f: v.f };
}

/** The bytes of `values` (a view, not a copy: the builder keeps it until the model is encoded). */
function bytesOf(values: Float32Array | BigInt64Array): Uint8Array {
  // ONNX raw_data is little-endian; typed arrays use the host's order.
  if (endianness() !== 'LE') throw new Error('GraphBuilder: writing ONNX raw_data needs a little-endian host.');
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function valueInfo(name: string, elemType: DataTypeValue, dims: readonly (number | string)[]): ValueInfoProto {
  const dim: Dimension[] = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/**
 * Builds an ONNX `GraphProto` node by node: initializers (weights), inputs, nodes with unique names, outputs.
 * Errors name the tensor: a name used twice, or an output that no node produces.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private readonly opCounts = new Map<string, number>();
  private readonly constants = new Map<string, string>();

  /** `name` becomes the graph's name (e.g. the model type). */
  constructor(readonly name: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`GraphBuilder: the name '${name}' is used twice.`);
    this.names.add(name);
    return name;
  }

  /** A float32 initializer of shape `dims` (row-major `values`); returns its name. */
  initializer(name: string, values: Float32Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size)
      throw new Error(`GraphBuilder: initializer '${name}' has ${values.length} values for shape [${dims}].`);
    this.initializers.push({
      name: this.claim(name),
      dims: [...dims],
      dataType: DataType.FLOAT,
      rawData: bytesOf(values),
    });
    return name;
  }

  /** A float32 constant (an initializer shared by every use of the same values and shape). */
  floatConst(values: number | readonly number[], dims: readonly number[] = []): string {
    const list = typeof values === 'number' ? [values] : values;
    const key = `f:${dims}:${list}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.initializer(`/const/float_${this.constants.size}`, Float32Array.from(list), dims);
      this.constants.set(key, name);
    }
    return name;
  }

  /** An int64 constant, a 1-D list (`dims` [n]) or a scalar (`dims` []). */
  int64Const(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i:${dims}:${values}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.claim(`/const/int64_${this.constants.size}`);
      const raw = bytesOf(BigInt64Array.from(values, (v) => BigInt(v)));
      this.initializers.push({ name, dims: [...dims], dataType: DataType.INT64, rawData: raw });
      this.constants.set(key, name);
    }
    return name;
  }

  /**
   * Add a single-output node `opType(inputs)` in `scope`; returns its output's name, `out` when given, else the
   * generated `/scope/Op_n_output_0`. Every input must exist already (the graph stays topologically sorted).
   */
  node(
    scope: string,
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttributeValue> = {},
    out?: string,
  ): string {
    for (const i of inputs)
      if (!this.names.has(i)) throw new Error(`GraphBuilder: input '${i}' of ${opType} is not defined yet.`);
    const n = this.opCounts.get(`${scope}/${opType}`) ?? 0;
    this.opCounts.set(`${scope}/${opType}`, n + 1);
    const name = `${scope}/${opType}${n === 0 ? '' : `_${n}`}`;
    const output = this.claim(out ?? `${name}_output_0`);
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /** Declare a graph input. */
  input(name: string, elemType: DataTypeValue, dims: readonly (number | string)[]): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims));
    return name;
  }

  /** Declare an existing tensor as a graph output. */
  output(name: string, elemType: DataTypeValue, dims: readonly (number | string)[]): void {
    if (!this.names.has(name)) throw new Error(`GraphBuilder: output '${name}' is not produced by the graph.`);
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** The graph as built so far, with `docString` when given (the arrays are shared, not copied). */
  build(docString?: string): GraphProto {
    return {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
      ...(docString ? { docString } : {}),
    };
  }
}
