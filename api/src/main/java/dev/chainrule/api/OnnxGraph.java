package dev.chainrule.api;

import java.util.List;
import java.util.Map;

/**
 * The ONNX graph an {@link OnnxExport} adds its nodes to: standard operators of the default domain at the
 * opset {@link #opset()}; every floating tensor of the graph has the element type {@link #dtype()}.
 */
public interface OnnxGraph {

    /** {@code "float32"} or {@code "float64"}. */
    String dtype();

    /** The default domain's opset version the graph declares. */
    int opset();

    /**
     * A constant (an initializer) of the graph's dtype, {@code values} row-major over {@code dims} (empty dims:
     * a scalar); {@code hint} becomes part of its unique name. Returns that name.
     */
    String constant(String hint, int[] dims, double[] values);

    /** A constant 1-d int64 tensor (shapes, axes). Returns its name. */
    String int64s(String hint, long... values);

    /**
     * Adds one node of the default domain and returns the name of its (first) output, a fresh name.
     *
     * @param attributes {@code Integer}/{@code Long} (INT), {@code Double}/{@code Float} (FLOAT), {@code String}
     *                   (STRING), {@code int[]}/{@code long[]} (INTS), {@code double[]} (FLOATS)
     */
    String node(String opType, List<String> inputs, Map<String, Object> attributes);
}
