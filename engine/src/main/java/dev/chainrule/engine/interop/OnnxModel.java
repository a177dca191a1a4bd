package dev.chainrule.engine.interop;

import dev.chainrule.api.OnnxGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model being built: nodes, initializers, one input and one output, written as an ONNX
 * {@code ModelProto} (onnx.proto's field numbers, protobuf wire format through {@link Protobuf}).
 */
final class OnnxModel implements OnnxGraph {
    /** The default domain's opset: LayerNormalization's and Softmax-on-the-last-axis' era, ONNX 1.12. */
    static final int OPSET = 17;
    /** The IR version that goes with opset 17 (ONNX 1.12). */
    static final int IR_VERSION = 8;

    /** onnx.proto TensorProto.DataType. */
    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int DOUBLE = 11;

    private final String dtype;
    private final int elemType;
    private final List<Protobuf> nodes = new ArrayList<>();
    private final List<Protobuf> initializers = new ArrayList<>();
    private final Map<String, Integer> used = new HashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private String prefix = "";

    OnnxModel(String dtype) {
        this.dtype = dtype;
        this.elemType = switch (dtype) {
            case "float32" -> FLOAT;
            case "float64" -> DOUBLE;
            default -> throw new IllegalArgumentException("dtype " + dtype);
        };
    }

    @Override
    public String dtype() {
        return dtype;
    }

    @Override
    public int opset() {
        return OPSET;
    }

    /** Names made from here on start with {@code prefix} (such as {@code "layers.2."}). */
    void prefix(String p) {
        this.prefix = p;
    }

    void metadata(String key, String value) {
        metadata.put(key, value);
    }

    int nodeCount() {
        return nodes.size();
    }

    private String fresh(String hint) {
        String base = prefix + hint;
        int n = used.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "_" + (n - 1);
    }

    @Override
    public String constant(String hint, int[] dims, double[] values) {
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException("constant " + hint + ": " + values.length + " values for dims "
                    + java.util.Arrays.toString(dims));
        }
        String name = fresh(hint);
        boolean f32 = elemType == FLOAT;
        ByteBuffer raw = ByteBuffer.allocate(values.length * (f32 ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (f32) {
                raw.putFloat((float) v);
            } else {
                raw.putDouble(v);
            }
        }
        Protobuf t = new Protobuf();
        for (int d : dims) {
            t.varint(1, d);
        }
        t.varint(2, elemType).string(8, name).bytes(9, raw.array());
        initializers.add(t);
        return name;
    }

    @Override
    public String int64s(String hint, long... values) {
        String name = fresh(hint);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        Protobuf t = new Protobuf().varint(1, values.length).varint(2, INT64).string(8, name).bytes(9, raw.array());
        initializers.add(t);
        return name;
    }

    @Override
    public String node(String opType, List<String> inputs, Map<String, Object> attributes) {
        String out = fresh(opType);
        addNode(opType, inputs, out, attributes);
        return out;
    }

    /** A node whose output has the given name (the graph's output). */
    void addNode(String opType, List<String> inputs, String output, Map<String, Object> attributes) {
        Protobuf n = new Protobuf();
        for (String i : inputs) {
            n.string(1, i);
        }
        n.string(2, output).string(3, fresh(opType + "_node")).string(4, opType);
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            n.message(5, attribute(a.getKey(), a.getValue()));
        }
        nodes.add(n);
    }

    private static Protobuf attribute(String name, Object v) {
        Protobuf a = new Protobuf().string(1, name);
        if (v instanceof Integer || v instanceof Long) {
            a.varint(3, ((Number) v).longValue()).varint(20, 2);
        } else if (v instanceof Double || v instanceof Float) {
            a.float32(2, ((Number) v).floatValue()).varint(20, 1);
        } else if (v instanceof String s) {
            a.string(4, s).varint(20, 3);
        } else if (v instanceof int[] is) {
            for (int i : is) {
                a.varint(8, i);
            }
            a.varint(20, 7);
        } else if (v instanceof long[] ls) {
            for (long l : ls) {
                a.varint(8, l);
            }
            a.varint(20, 7);
        } else if (v instanceof double[] ds) {
            for (double d : ds) {
                a.float32(7, (float) d);
            }
            a.varint(20, 6);
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported value " + v);
        }
        return a;
    }

    /** {@code [N, dims...]} of the graph's element type, N symbolic. */
    private Protobuf valueInfo(String name, int[] dims, String doc) {
        Protobuf shape = new Protobuf();
        shape.message(1, new Protobuf().string(2, "N"));
        for (int d : dims) {
            shape.message(1, new Protobuf().varint(1, d));
        }
        Protobuf tensor = new Protobuf().varint(1, elemType).message(2, shape);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensor)).string(3, doc);
    }

    /** The ModelProto. */
    byte[] toBytes(String graphName, String input, int[] inputDims, String inputDoc, String output, int[] outputDims,
            String outputDoc, String producerVersion) {
        Protobuf g = new Protobuf();
        for (Protobuf n : nodes) {
            g.message(1, n);
        }
        g.string(2, graphName);
        for (Protobuf t : initializers) {
            g.message(5, t);
        }
        g.message(11, valueInfo(input, inputDims, inputDoc));
        g.message(12, valueInfo(output, outputDims, outputDoc));
        Protobuf m = new Protobuf().varint(1, IR_VERSION)
                .message(8, new Protobuf().string(1, "").varint(2, OPSET))
                .string(2, "chainrule").string(3, producerVersion)
                .message(7, g);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            m.message(14, new Protobuf().string(1, e.getKey()).string(2, e.getValue()));
        }
        return m.toByteArray();
    }
}
