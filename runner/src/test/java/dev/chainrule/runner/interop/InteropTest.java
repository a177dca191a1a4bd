package dev.chainrule.runner.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.interop.Ort;
import dev.chainrule.engine.output.ModelFiles;
import dev.chainrule.engine.plugins.MnistSubset;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.run.ModelLoader;
import dev.chainrule.engine.train.Evaluation;
import dev.chainrule.engine.train.IdxDataSource;
import dev.chainrule.engine.train.Samples;
import dev.chainrule.runner.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * runner export and import-weights end to end: imported weights give the loss a plain re-implementation of the
 * network computes (PyTorch's formulas, in double), exports run in ONNX Runtime with the same argmax as chainrule on
 * the whole MNIST test set, and every bad input is one line, exit 2, nothing written.
 */
class InteropTest {
    @TempDir
    static Path shared;
    static Path data;
    static Samples test;

    @TempDir
    Path tmp;

    static final int HIDDEN = 16;

    @BeforeAll
    static void mnist() throws Exception {
        data = MnistSubset.write(shared.resolve("mnist"), 2000, 10000);
        test = new IdxDataSource(terminal()).load(new RunConfig.Data(null, data.toString())).test();
    }

    static Terminal terminal() {
        return new Terminal(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false);
    }

    static Tensor testInputs(int[] labels) {
        int n = test.size();
        Tensor x = new Tensor(n, test.features());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        test.fill(order, 0, n, x, labels);
        return x;
    }

    static ModelLoader loader() {
        ProviderRegistry reg = ProviderRegistry.builtIn();
        return new ModelLoader(new ConfigReader(reg), new NetworkFactory(reg), new ObjectMapper(), null, null,
                new IdxDataSource(terminal()));
    }

    Path mlpConfig() throws Exception {
        Path cfg = tmp.resolve("mlp.json");
        Files.writeString(cfg, """
                {"name": "small-mlp", "seed": 1, "network": {"input": 784, "layers": [
                  {"type": "dense", "units": %d}, {"type": "sigmoid"}, {"type": "dense", "units": 10}, {"type": "softmax"}]},
                 "loss": {"type": "cross-entropy"}}
                """.formatted(HIDDEN));
        return cfg;
    }

    /** fc1 (16×784), fc2 (10×16) as torch.nn.Linear names them, random. */
    static Map<String, WeightFiles.T> torchMlp() {
        SplittableRandom r = new SplittableRandom(7);
        Map<String, WeightFiles.T> m = new LinkedHashMap<>();
        m.put("fc1.weight", new WeightFiles.T(new int[] {HIDDEN, 784}, r.doubles(HIDDEN * 784L, -0.1, 0.1).toArray()));
        m.put("fc1.bias", new WeightFiles.T(new int[] {HIDDEN}, r.doubles(HIDDEN, -0.5, 0.5).toArray()));
        m.put("fc2.weight", new WeightFiles.T(new int[] {10, HIDDEN}, r.doubles(10L * HIDDEN, -1, 1).toArray()));
        m.put("fc2.bias", new WeightFiles.T(new int[] {10}, r.doubles(10, -0.5, 0.5).toArray()));
        return m;
    }

    static final String NAMES = """
            {"layers.0.W": "fc1.weight", "layers.0.b": "fc1.bias", "layers.2.W": "fc2.weight", "layers.2.b": "fc2.bias"}
            """;

    /** The mean cross-entropy of the MLP as torch computes it: log_softmax(fc2(sigmoid(fc1(x)))), in double. */
    static double referenceLoss(Map<String, WeightFiles.T> w) {
        int[] labels = new int[test.size()];
        Tensor x = testInputs(labels);
        double[] w1 = w.get("fc1.weight").values();
        double[] b1 = w.get("fc1.bias").values();
        double[] w2 = w.get("fc2.weight").values();
        double[] b2 = w.get("fc2.bias").values();
        double sum = 0;
        for (int s = 0; s < x.rows(); s++) {
            double[] h = new double[HIDDEN];
            for (int j = 0; j < HIDDEN; j++) {
                double a = b1[j];
                for (int k = 0; k < 784; k++) {
                    a += w1[j * 784 + k] * x.get(s, k);
                }
                h[j] = 1 / (1 + Math.exp(-a));
            }
            double[] z = new double[10];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 10; c++) {
                double a = b2[c];
                for (int j = 0; j < HIDDEN; j++) {
                    a += w2[c * HIDDEN + j] * h[j];
                }
                z[c] = a;
                max = Math.max(max, a);
            }
            double se = 0;
            for (int c = 0; c < 10; c++) {
                se += Math.exp(z[c] - max);
            }
            sum += -(z[labels[s]] - max - Math.log(se));
        }
        return sum / x.rows();
    }

    @Test
    void importedSafetensorsGiveTorchsLossTo1e12AndAnOrdinaryModelFolder() throws Exception {
        Map<String, WeightFiles.T> w = torchMlp();
        Path st = tmp.resolve("mlp.safetensors");
        Files.write(st, WeightFiles.safetensors(w));
        Path names = tmp.resolve("names.json");
        Files.writeString(names, NAMES);
        Path run = tmp.resolve("imported");
        Cli.Result r = Cli.run(null, "import-weights", mlpConfig().toString(), st.toString(), "--names", names.toString(),
                "--out", run.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("layers.0.W <- fc1.weight"), r.out());
        ModelLoader models = loader();
        ModelFiles.Loaded m = models.load(run, false);
        Evaluation e = models.evaluate(m, data, run.toString());
        double want = referenceLoss(w);
        double rel = Math.abs(e.meanLoss() - want) / want;
        System.out.printf(Locale.ROOT, "[interop] import-weights safetensors: evaluate's loss %.17g, reference %.17g, "
                + "relative difference %.3g%n", e.meanLoss(), want, rel);
        assertTrue(rel <= 1e-12, "relative difference " + rel);
        Cli.Result ev = Cli.run(null, "evaluate", run.toString(), "--data", data.toString());
        assertEquals(0, ev.code(), ev.out() + ev.err());
        assertTrue(ev.out().contains("on 10000 test samples"), ev.out());
    }

    @Test
    void importedNpzInTheFilesOrderGivesTheSameWeights() throws Exception {
        Map<String, WeightFiles.T> w = torchMlp();
        Path npz = tmp.resolve("mlp.npz");
        WeightFiles.npz(npz, w);
        Path run = tmp.resolve("from-npz");
        Cli.Result r = Cli.run(null, "import-weights", mlpConfig().toString(), npz.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        Network n = loader().load(run, false).network();
        assertEquals(java.util.Arrays.toString(w.get("fc2.weight").values()),
                java.util.Arrays.toString(n.parameters().get(2).toRowMajor()));
        assertEquals(java.util.Arrays.toString(w.get("fc1.bias").values()),
                java.util.Arrays.toString(n.parameters().get(1).toRowMajor()));
    }

    /** One line on stderr, exit 2, nothing at {@code out}. */
    void refused(Path out, String expected, String... args) {
        Cli.Result r = Cli.run(null, args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.errLine().lines().count(), r.err());
        assertTrue(r.errLine().contains(expected), "expected «" + expected + "» in: " + r.err());
        if (out != null) {
            assertFalse(Files.exists(out), out + " written");
        }
    }

    @Test
    void badWeightFilesAndNameMapsAreOneLineAndWriteNothing() throws Exception {
        Path cfg = mlpConfig();
        Map<String, WeightFiles.T> w = torchMlp();
        Path names = tmp.resolve("names.json");
        Files.writeString(names, NAMES);
        Path out = tmp.resolve("never");
        Path st = tmp.resolve("bad.safetensors");
        String c = cfg.toString();
        // a header larger than the file
        byte[] good = WeightFiles.safetensors(w);
        byte[] big = good.clone();
        java.nio.ByteBuffer.wrap(big).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, good.length + 100L);
        Files.write(st, big);
        refused(out, "the header says it is", "import-weights", c, st.toString(), "--names", names.toString(), "--out",
                out.toString());
        // offsets out of range
        String h = WeightFiles.header(w).replace("[0, " + 8 * HIDDEN * 784 + "]", "[0, 99999999]");
        Files.write(st, WeightFiles.safetensors(h, w));
        refused(out, "lie outside the data", "import-weights", c, st.toString(), "--names", names.toString(), "--out",
                out.toString());
        // a size that does not match the shape
        h = WeightFiles.header(w).replace("\"shape\": [10]", "\"shape\": [11]");
        Files.write(st, WeightFiles.safetensors(h, w));
        refused(out, "needs 88 bytes but data_offsets give 80", "import-weights", c, st.toString(), "--names",
                names.toString(), "--out", out.toString());
        // a tensor of the wrong shape (a transposed weight, consistent in the file)
        Map<String, WeightFiles.T> t = WeightFiles.copy(w);
        t.put("fc2.weight", new WeightFiles.T(new int[] {HIDDEN, 10}, w.get("fc2.weight").values()));
        Files.write(st, WeightFiles.safetensors(t));
        refused(out, "fc2.weight (for layers.2.W) has shape [16, 10] but layers.2.W is [10, 16]", "import-weights", c,
                st.toString(), "--names", names.toString(), "--out", out.toString());
        // a tensor of the wrong dtype (I64, 8 bytes an entry like F64)
        h = WeightFiles.header(w).replace("\"fc1.bias\": {\"dtype\": \"F64\"", "\"fc1.bias\": {\"dtype\": \"I64\"");
        Files.write(st, WeightFiles.safetensors(h, w));
        refused(out, "fc1.bias (for layers.0.b) has dtype I64", "import-weights", c, st.toString(), "--names",
                names.toString(), "--out", out.toString());
        // a name map that misses a parameter
        Files.write(st, good);
        Path partial = tmp.resolve("partial.json");
        Files.writeString(partial, "{\"layers.0.W\": \"fc1.weight\", \"layers.0.b\": \"fc1.bias\", "
                + "\"layers.2.W\": \"fc2.weight\"}");
        refused(out, "no entry for layers.2.b[10]", "import-weights", c, st.toString(), "--names", partial.toString(),
                "--out", out.toString());
        // an extra tensor in the file
        t = WeightFiles.copy(w);
        t.put("fc3.weight", new WeightFiles.T(new int[] {2}, new double[2]));
        Files.write(st, WeightFiles.safetensors(t));
        refused(out, "extra tensors not in", "import-weights", c, st.toString(), "--names", names.toString(), "--out",
                out.toString());
        // a missing tensor without a name map
        t = WeightFiles.copy(w);
        t.remove("fc2.bias");
        Files.write(st, WeightFiles.safetensors(t));
        refused(out, "3 tensors but the network has 4 (missing: layers.2.b[10])", "import-weights", c, st.toString(),
                "--out", out.toString());
        // not a weights format
        refused(out, "give a .safetensors or an .npz file", "import-weights", c, names.toString(), "--out",
                out.toString());
    }

    @Test
    void badExportRequestsAreOneLineAndWriteNothing() throws Exception {
        Path st = tmp.resolve("mlp.safetensors");
        Files.write(st, WeightFiles.safetensors(torchMlp()));
        Path names = tmp.resolve("names.json");
        Files.writeString(names, NAMES);
        Path run = tmp.resolve("run");
        assertEquals(0, Cli.run(null, "import-weights", mlpConfig().toString(), st.toString(), "--names",
                names.toString(), "--out", run.toString()).code());
        Path onnx = tmp.resolve("m.onnx");
        refused(onnx, "--format tflite: not an export format; the one there is: onnx", "export", run.toString(),
                "--format", "tflite", "--out", onnx.toString());
        refused(onnx, "--dtype float16: not a dtype of the ONNX export", "export", run.toString(), "--format", "onnx",
                "--dtype", "float16", "--out", onnx.toString());
        Cli.Result r = Cli.run(null, "export", run.toString(), "--format", "onnx", "--dtype", "float64", "--out",
                onnx.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ONNX opset 17, IR version 8, float64"), r.out());
    }

    /**
     * A plugin stage whose provider does not implement OnnxExport (the swish example) is refused before anything is
     * written, naming the stage, its type and its provider.
     */
    @Test
    void aPluginStageWithoutAnExportIsOneLineNamingItAndWritesNothing() throws Exception {
        Path plugins = java.nio.file.Files.createDirectories(tmp.resolve("plugins"));
        dev.chainrule.engine.plugins.PluginJarBuilder.example("plugin-swish").build(plugins.resolve("plugin-swish-0.1.0.jar"));
        Path cfg = tmp.resolve("swish.json");
        Files.writeString(cfg, """
                {"name": "swish", "seed": 1, "network": {"layers": [{"type": "dense", "units": 8}, {"type": "swish"},
                 {"type": "dense", "units": 10}, {"type": "softmax"}]},
                 "training": {"batchSize": 50, "epochs": 1}}
                """);
        Path run = tmp.resolve("swish-run");
        Cli.Result t = Cli.run(null, "--plugins", plugins.toString(), "train", cfg.toString(), "--data", data.toString(),
                "--out", run.toString());
        assertEquals(0, t.code(), t.out() + t.err());
        Path onnx = tmp.resolve("swish.onnx");
        Cli.Result r = Cli.run(null, "--plugins", plugins.toString(), "export", run.toString(), "--format", "onnx",
                "--out", onnx.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.errLine().lines().count(), r.err());
        assertTrue(r.errLine().contains("layers[1] (swish) cannot be exported to ONNX: its provider")
                && r.errLine().contains("does not implement dev.chainrule.api.OnnxExport"), r.err());
        assertFalse(Files.exists(onnx), "nothing written");
    }

    /**
     * The two MNIST networks (configs/mnist-3layer.json's and configs/mnist-cnn.json's architectures), trained one
     * short epoch on 2000 samples, exported, run in ONNX Runtime on all 10,000 test images: same argmax as
     * chainrule's forward on every image, outputs within 1e-12 (float64) and 1e-5 (float32) relative.
     */
    @Test
    void exportsAgreeWithChainruleOnTheWholeMnistTestSet() throws Exception {
        agree("mnist-3layer", """
                [{"type": "dense", "units": 128}, {"type": "sigmoid"}, {"type": "dense", "units": 64}, {"type": "sigmoid"},
                 {"type": "dense", "units": 10}, {"type": "softmax"}]""", "\"batchSize\": 1, \"epochs\": 1",
                "float64", "float32");
        agree("mnist-cnn", """
                [{"type": "conv2d", "filters": 32, "kernel": 3}, {"type": "relu"}, {"type": "maxpool2d", "size": 2},
                 {"type": "conv2d", "filters": 64, "kernel": 3}, {"type": "relu"}, {"type": "maxpool2d", "size": 2},
                 {"type": "flatten"}, {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 10},
                 {"type": "softmax"}]""",
                "\"optimizer\": {\"type\": \"adam\", \"learningRate\": 0.001}, \"batchSize\": 32, \"epochs\": 1",
                "float32");
    }

    void agree(String name, String layers, String training, String... dtypes) throws Exception {
        Path cfg = tmp.resolve(name + ".json");
        Files.writeString(cfg, "{\"name\": \"" + name + "\", \"seed\": 42, \"network\": {\"layers\": " + layers
                + "}, \"training\": {" + training + "}}");
        Path run = tmp.resolve(name);
        Cli.Result tr = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", run.toString());
        assertEquals(0, tr.code(), tr.out() + tr.err());
        Network net = loader().load(run, false).network();
        int[] labels = new int[test.size()];
        Tensor x = testInputs(labels);
        int n = x.rows();
        int[] dims = net.inputShape().dims();
        double[] want = new double[n * 10];
        int batch = 500;
        for (int s = 0; s < n; s += batch) {
            Tensor xb = new Tensor(batch, x.cols(), java.util.Arrays.copyOfRange(x.data(), s * x.cols(),
                    (s + batch) * x.cols()));
            System.arraycopy(net.predict(xb).data(), 0, want, s * 10, batch * 10);
        }
        for (String dtype : dtypes) {
            Path onnx = tmp.resolve(name + "-" + dtype + ".onnx");
            Cli.Result ex = Cli.run(null, "export", run.toString(), "--format", "onnx", "--dtype", dtype, "--out",
                    onnx.toString());
            assertEquals(0, ex.code(), ex.out() + ex.err());
            double[] got;
            try (Ort ort = new Ort(Files.readAllBytes(onnx), dtype)) {
                got = new double[n * 10];
                for (int s = 0; s < n; s += batch) {
                    double[] part = ort.run(java.util.Arrays.copyOfRange(x.data(), s * x.cols(), (s + batch) * x.cols()),
                            batch, dims);
                    System.arraycopy(part, 0, got, s * 10, batch * 10);
                }
            }
            int same = 0;
            for (int s = 0; s < n; s++) {
                if (argmax(got, s) == argmax(want, s)) {
                    same++;
                }
            }
            double err = Ort.maxRelative(got, want, 1e-300);
            double errFloor = Ort.maxRelative(got, want, 1e-6);
            System.out.printf(Locale.ROOT, "[interop] %s %s: argmax agrees on %d/%d test images; max relative error "
                    + "%.3g (entries above 1e-6: %.3g)%n", name, dtype, same, n, err, errFloor);
            assertEquals(n, same, name + " " + dtype);
            assertTrue(errFloor <= (dtype.equals("float64") ? 1e-12 : 1e-5), name + " " + dtype + ": " + errFloor);
        }
    }

    static int argmax(double[] v, int row) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
            if (v[row * 10 + c] > v[row * 10 + best]) {
                best = c;
            }
        }
        return best;
    }
}
