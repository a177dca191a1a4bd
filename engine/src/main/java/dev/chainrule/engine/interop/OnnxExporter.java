package dev.chainrule.engine.interop;

import com.google.inject.Inject;
import dev.chainrule.api.ApiVersion;
import dev.chainrule.api.Buffer;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.Layer;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.OnnxExport;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Stage;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.ComponentSpec;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.registry.ProviderRegistry;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a model as ONNX (docs/interop.md): one graph {@code input [N, inputShape…] → output [N, classes]} that
 * computes {@link Network#predict} in inference mode, standard operators of the default domain at opset
 * {@value OnnxModel#OPSET}, IR version {@value OnnxModel#IR_VERSION}, every parameter an initializer of the chosen
 * dtype. The built-in stages map as the table in docs/interop.md says; a plugin stage exports when its provider
 * implements {@link OnnxExport}; any other stage fails the export with one line naming it.
 *
 * <p>The graph starts at the network's input: the scaling chainrule applies when it reads data (IDX pixels
 * divided by 255) is the caller's job, as the graph input's doc string says.
 */
public final class OnnxExporter {
    public static final List<String> DTYPES = List.of("float32", "float64");
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";
    public static final String INPUT_DOC = "one sample per row of the batch, in the shape the network was trained on, "
            + "scaled as chainrule reads data: IDX/MNIST pixels divided by 255 (values in [0, 1]); this graph does "
            + "not scale";

    private final ProviderRegistry registry;

    @Inject
    public OnnxExporter(ProviderRegistry registry) {
        this.registry = registry;
    }

    /** The opset the exports declare. */
    public static int opset() {
        return OnnxModel.OPSET;
    }

    /** The IR version the exports declare. */
    public static int irVersion() {
        return OnnxModel.IR_VERSION;
    }

    /** The result: the ModelProto's bytes and how many nodes the graph has. */
    public record Exported(byte[] bytes, int nodes) {
    }

    /**
     * @param config the config the network was built from (its entries' options: strides, paddings, epsilons)
     * @param dtype {@code float32} or {@code float64}
     * @throws BadInputException for an unknown dtype or a stage that cannot be exported
     */
    public Exported export(Network network, RunConfig config, String dtype) {
        if (!DTYPES.contains(dtype)) {
            throw new BadInputException("--dtype " + dtype + ": not a dtype of the ONNX export; use one of " + DTYPES);
        }
        List<Stage> stages = network.stages();
        if (config.layers().size() != stages.size()) {
            throw new IllegalStateException("config has " + config.layers().size() + " entries, network "
                    + stages.size() + " stages");
        }
        if (!network.graph().isChain()) {
            throw new BadInputException("the network is a graph (" + network.graph() + "); the ONNX export writes"
                    + " chains of stages only, not yet merges or stages with named inputs");
        }
        // every stage is checked before anything is built, so the message names the first that cannot be exported
        for (int i = 0; i < stages.size(); i++) {
            String type = stages.get(i).type();
            if (!BUILT_IN.contains(type) && !(registry.stage(type) instanceof OnnxExport)) {
                ComponentProvider p = registry.stage(type);
                throw new BadInputException("layers[" + i + "] (" + type + ") cannot be exported to ONNX: its provider "
                        + p.getClass().getName() + " does not implement " + OnnxExport.class.getName()
                        + " (docs/interop.md)");
            }
        }
        OnnxModel g = new OnnxModel(dtype);
        String x = INPUT;
        int[] dims = network.inputShape().dims();
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            ComponentSpec spec = config.layers().get(i);
            g.prefix("layers." + i + "." + s.type() + ".");
            if (SHAPE_FREE.contains(s.type()) && size(dims) == s.inputSize()) {
                x = stage(g, s, spec, x, dims);
                // an element-wise map or dropout keeps whatever shape its input has
                continue;
            }
            x = reshape(g, x, dims, s.inputShape().dims());
            ComponentProvider p = registry.stage(s.type());
            x = p instanceof OnnxExport e && !BUILT_IN.contains(s.type()) ? e.exportOnnx(s, g, x)
                    : stage(g, s, spec, x, s.inputShape().dims());
            dims = s.outputShape().dims();
        }
        g.prefix("");
        int[] outDims = {network.outputSize()};
        x = reshape(g, x, dims, outDims);
        // the graph's output is a node's output named OUTPUT (an Identity when the chain made no node, or ended on
        // an initializer-free rename)
        g.addNode("Identity", List.of(x), OUTPUT, Map.of());
        g.metadata("chainrule.name", config.name());
        g.metadata("chainrule.input", INPUT_DOC);
        g.metadata("chainrule.layers", String.valueOf(stages.size()));
        g.metadata("chainrule.dtype", dtype);
        byte[] bytes = g.toBytes(config.name(), INPUT, network.inputShape().dims(), INPUT_DOC, OUTPUT, outDims,
                "the network's output per sample (class probabilities after a softmax stage)",
                "chainrule api " + ApiVersion.VERSION);
        return new Exported(bytes, g.nodeCount());
    }

    static final List<String> BUILT_IN = List.of("dense", "sigmoid", "tanh", "relu", "softmax", "conv2d", "maxpool2d",
            "avgpool2d", "flatten", "global-avgpool", "dropout", "batch-norm", "layer-norm");
    private static final List<String> SHAPE_FREE = List.of("sigmoid", "tanh", "relu", "dropout");

    /** One built-in stage; {@code dims} is its input's per-sample shape. */
    private String stage(OnnxModel g, Stage s, ComponentSpec spec, String x, int[] dims) {
        Options o = spec.asOptions();
        switch (s.type()) {
            case "dense": {
                Parameter w = param(s, "W");
                Parameter b = param(s, "b");
                String wn = g.constant("W", w.shape(), w.toRowMajor());
                String bn = g.constant("b", b.shape(), b.toRowMajor());
                // dense takes a row of any shape as a vector; chainrule's W is out×in (as torch.nn.Linear.weight):
                // y = x·Wᵀ + b
                return g.node("Gemm", List.of(reshape(g, x, dims, new int[] {size(dims)}), wn, bn), attrs("transB", 1));
            }
            case "sigmoid":
                return g.node("Sigmoid", List.of(x), Map.of());
            case "tanh":
                return g.node("Tanh", List.of(x), Map.of());
            case "relu":
                return g.node("Relu", List.of(x), Map.of());
            case "softmax":
                // over the whole row, as a vector
                return g.node("Softmax", List.of(reshape(g, x, dims, new int[] {size(dims)})), attrs("axis", -1));
            case "dropout":
                // the identity in inference: no node
                return x;
            case "flatten":
                return g.node("Flatten", List.of(x), attrs("axis", 1));
            case "global-avgpool": {
                String p = g.node("GlobalAveragePool", List.of(x), Map.of());
                return g.node("Flatten", List.of(p), attrs("axis", 1));
            }
            case "maxpool2d":
            case "avgpool2d": {
                int[] k = pair(o, "size", new int[] {2, 2});
                int[] st = pair(o, "stride", k);
                return g.node(s.type().equals("maxpool2d") ? "MaxPool" : "AveragePool", List.of(x),
                        attrs("kernel_shape", k, "strides", st));
            }
            case "conv2d": {
                Parameter k = param(s, "K");
                Parameter b = param(s, "b");
                int[] ks = k.shape();
                int[] st = pair(o, "stride", new int[] {1, 1});
                int h = dims[1];
                int w = dims[2];
                int[] pads = {0, 0, 0, 0};
                if ("same".equals(o.asMap().get("padding"))) {
                    int oh = (h + st[0] - 1) / st[0];
                    int ow = (w + st[1] - 1) / st[1];
                    int th = Math.max((oh - 1) * st[0] + ks[2] - h, 0);
                    int tw = Math.max((ow - 1) * st[1] + ks[3] - w, 0);
                    pads = new int[] {th / 2, tw / 2, th - th / 2, tw - tw / 2};
                }
                String kn = g.constant("K", ks, k.toRowMajor());
                String bn = g.constant("b", b.shape(), b.toRowMajor());
                return g.node("Conv", List.of(x, kn, bn), attrs("kernel_shape", new int[] {ks[2], ks[3]},
                        "strides", st, "pads", pads, "dilations", new int[] {1, 1}, "group", 1));
            }
            case "batch-norm": {
                double eps = number(s, spec, "epsilon");
                float eps32 = (float) eps;
                Parameter gamma = param(s, "gamma");
                Parameter beta = param(s, "beta");
                double[] mean = buffer(s, "running_mean").values().clone();
                double[] var = buffer(s, "running_var").values().clone();
                // ONNX's epsilon is a float32 attribute: the difference to chainrule's float64 ε goes into the
                // variance, so var + ε is the same sum in both
                for (int c = 0; c < var.length; c++) {
                    var[c] += eps - (double) eps32;
                }
                int[] f = {var.length};
                return g.node("BatchNormalization", List.of(x, g.constant("scale", f, gamma.toRowMajor()),
                        g.constant("bias", f, beta.toRowMajor()), g.constant("mean", f, mean),
                        g.constant("var", f, var)), attrs("epsilon", eps32));
            }
            case "layer-norm": {
                double eps = number(s, spec, "epsilon");
                long[] axes = new long[dims.length];
                for (int a = 0; a < axes.length; a++) {
                    axes[a] = a + 1;
                }
                // written out in ReduceMean/Sub/Mul/Add/Sqrt/Div so that ε keeps the graph's dtype (the
                // LayerNormalization operator's epsilon is a float32 attribute)
                String mu = g.node("ReduceMean", List.of(x), attrs("axes", axes, "keepdims", 1));
                String d = g.node("Sub", List.of(x, mu), Map.of());
                String sq = g.node("Mul", List.of(d, d), Map.of());
                String var = g.node("ReduceMean", List.of(sq), attrs("axes", axes, "keepdims", 1));
                String ve = g.node("Add", List.of(var, g.constant("epsilon", new int[0], new double[] {eps})), Map.of());
                String sd = g.node("Sqrt", List.of(ve), Map.of());
                String xh = g.node("Div", List.of(d, sd), Map.of());
                Parameter gamma = param(s, "gamma");
                Parameter beta = param(s, "beta");
                String y = g.node("Mul", List.of(xh, g.constant("gamma", gamma.shape(), gamma.toRowMajor())), Map.of());
                return g.node("Add", List.of(y, g.constant("beta", beta.shape(), beta.toRowMajor())), Map.of());
            }
            default:
                throw new IllegalStateException("no ONNX mapping for " + s.type());
        }
    }

    /** {@code x} of per-sample shape {@code from} seen as {@code to} (same size): Flatten or Reshape, or nothing. */
    private static String reshape(OnnxModel g, String x, int[] from, int[] to) {
        if (Arrays.equals(from, to)) {
            return x;
        }
        if (to.length == 1) {
            return g.node("Flatten", List.of(x), attrs("axis", 1));
        }
        long[] shape = new long[to.length + 1];
        shape[0] = -1;
        for (int i = 0; i < to.length; i++) {
            shape[i + 1] = to[i];
        }
        return g.node("Reshape", List.of(x, g.int64s("shape", shape)), Map.of());
    }

    private static int size(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    private static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Parameter param(Stage s, String name) {
        for (Parameter p : ((Layer) s).parameters()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalStateException(s.type() + " has no parameter " + name);
    }

    private static Buffer buffer(Stage s, String name) {
        for (Buffer b : s.buffers()) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new IllegalStateException(s.type() + " has no buffer " + name);
    }

    /** A number option with the provider's default. */
    private double number(Stage s, ComponentSpec spec, String key) {
        for (OptionSpec os : registry.stage(s.type()).options()) {
            if (os.name().equals(key)) {
                return os.numberValue(spec.asOptions());
            }
        }
        throw new IllegalStateException(s.type() + " has no option " + key);
    }

    /** An option that is an integer (square) or [height, width]. */
    private static int[] pair(Options o, String key, int[] dflt) {
        Object v = o.asMap().get(key);
        if (v instanceof Number n) {
            return new int[] {n.intValue(), n.intValue()};
        }
        if (v instanceof List<?> l && l.size() == 2) {
            return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue()};
        }
        return dflt.clone();
    }
}
