package dev.chainrule.engine.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Buffer;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.registry.ProviderRegistry;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every built-in stage exported and run in ONNX Runtime against chainrule's own forward, on random parameters
 * and running statistics (nothing left at its initial 0 or 1) and random inputs.
 */
class OnnxExportTest {
    static final ProviderRegistry REG = ProviderRegistry.builtIn();

    static RunConfig config(String layers) {
        return new ConfigReader(REG).parse("{\"name\": \"t\", \"seed\": 5, \"network\": {\"layers\": [" + layers + "]}}",
                "t.json", "t", null);
    }

    /** The network with every parameter and buffer drawn at random. */
    static Network network(RunConfig c, Shape in, int classes, long seed) {
        Network n = new NetworkFactory(REG).build(c, in, classes);
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : n.parameters()) {
            double[] v = new double[p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble(-0.5, 0.5) + (p.name().equals("gamma") ? 1.0 : 0.0);
            }
            p.setFromRowMajor(v);
        }
        for (Buffer b : n.buffers()) {
            double[] v = b.values();
            for (int i = 0; i < v.length; i++) {
                v[i] = b.name().equals("running_var") ? r.nextDouble(0.2, 2.0) : r.nextDouble(-0.5, 0.5);
            }
        }
        return n;
    }

    static double[] input(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        return x;
    }

    /** The largest relative difference between ONNX Runtime's output and chainrule's predict. */
    static double compare(String layers, Shape in, int classes, String dtype) throws Exception {
        RunConfig c = config(layers);
        Network n = network(c, in, classes, 11);
        OnnxExporter.Exported e = new OnnxExporter(REG).export(n, c, dtype);
        int rows = 17;
        double[] x = input(rows, in.size(), 3);
        double[] want = n.predict(new Tensor(rows, in.size(), x.clone())).data().clone();
        try (Ort ort = new Ort(e.bytes(), dtype)) {
            double[] got = ort.run(x, rows, in.dims());
            double err = Ort.maxRelative(got, want, 1e-300);
            System.out.printf("%s %s: %d nodes, max relative error %.3g%n", dtype, layers, e.nodes(), err);
            return err;
        }
    }

    static final String MLP = "{\"type\": \"dense\", \"units\": 32}, {\"type\": \"sigmoid\"},"
            + "{\"type\": \"dense\", \"units\": 16}, {\"type\": \"tanh\"}, {\"type\": \"dense\", \"units\": 12},"
            + "{\"type\": \"relu\"}, {\"type\": \"dense\", \"units\": 10}, {\"type\": \"softmax\"}";

    @Test
    void float64MlpMatchesTo1e12() throws Exception {
        double err = compare(MLP, Shape.of(20), 10, "float64");
        assertTrue(err <= 1e-12, "max relative error " + err);
    }

    @Test
    void float64MlpOnImagesWithNormsAndDropoutMatchesTo1e12() throws Exception {
        double err = compare("{\"type\": \"layer-norm\"}, {\"type\": \"dense\", \"units\": 24}, {\"type\": \"batch-norm\"},"
                + "{\"type\": \"sigmoid\"}, {\"type\": \"dropout\", \"rate\": 0.3}, {\"type\": \"dense\", \"units\": 16},"
                + "{\"type\": \"layer-norm\", \"epsilon\": 0.001}, {\"type\": \"tanh\"}, {\"type\": \"dense\", \"units\": 5},"
                + "{\"type\": \"softmax\"}", Shape.image(1, 6, 5), 5, "float64");
        assertTrue(err <= 1e-12, "max relative error " + err);
    }

    @Test
    void augmentationStagesAreTheIdentityInOnnxAsInInference() throws Exception {
        // random-shift and random-flip export no node (their providers' OnnxExport returns the input)
        double err = compare("{\"type\": \"random-shift\", \"max\": 2}, {\"type\": \"random-flip\", \"vertical\": true},"
                + "{\"type\": \"conv2d\", \"filters\": 4, \"kernel\": 3}, {\"type\": \"relu\"}, {\"type\": \"flatten\"},"
                + "{\"type\": \"dense\", \"units\": 5}, {\"type\": \"softmax\"}", Shape.image(3, 7, 9), 5, "float32");
        assertTrue(err <= 1e-5, "max relative error " + err);
    }

    @Test
    void float32MlpMatchesTo1e5() throws Exception {
        double err = compare(MLP, Shape.of(20), 10, "float32");
        assertTrue(err <= 1e-5, "max relative error " + err);
    }

    @Test
    void float32ConvnetMatchesTo1e5() throws Exception {
        // the MNIST convnet's stages (configs/mnist-cnn.json) on 1×28×28
        double err = compare("{\"type\": \"conv2d\", \"filters\": 8, \"kernel\": 3}, {\"type\": \"relu\"},"
                + "{\"type\": \"maxpool2d\", \"size\": 2}, {\"type\": \"conv2d\", \"filters\": 16, \"kernel\": 3},"
                + "{\"type\": \"relu\"}, {\"type\": \"maxpool2d\", \"size\": 2}, {\"type\": \"flatten\"},"
                + "{\"type\": \"dropout\", \"rate\": 0.5}, {\"type\": \"dense\", \"units\": 10}, {\"type\": \"softmax\"}",
                Shape.image(1, 28, 28), 10, "float32");
        assertTrue(err <= 1e-5, "max relative error " + err);
    }

    @Test
    void float32EveryVisionStageMatchesTo1e5() throws Exception {
        double err = compare("{\"type\": \"conv2d\", \"filters\": 4, \"kernel\": [2, 3], \"stride\": 2, \"padding\": \"same\"},"
                + "{\"type\": \"batch-norm\"}, {\"type\": \"relu\"}, {\"type\": \"avgpool2d\", \"size\": [2, 1]},"
                + "{\"type\": \"layer-norm\"}, {\"type\": \"conv2d\", \"filters\": 6, \"kernel\": 1},"
                + "{\"type\": \"maxpool2d\", \"size\": 3, \"stride\": 1}, {\"type\": \"global-avgpool\"},"
                + "{\"type\": \"dense\", \"units\": 3}, {\"type\": \"softmax\"}", Shape.image(2, 11, 9), 3, "float32");
        assertTrue(err <= 1e-5, "max relative error " + err);
    }

    @Test
    void anUnknownDtypeIsOneLine() {
        RunConfig c = config(MLP);
        Network n = network(c, Shape.of(20), 10, 1);
        BadInputException e = assertThrows(BadInputException.class, () -> new OnnxExporter(REG).export(n, c, "float16"));
        assertEquals("--dtype float16: not a dtype of the ONNX export; use one of [float32, float64]", e.getMessage());
    }
}
