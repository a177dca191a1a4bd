package dev.chainrule.runner.serve;

import dev.chainrule.serve.Saliency;
import dev.chainrule.serve.DigitModel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.predict.MnistPreprocessor;
import dev.chainrule.engine.registry.ProviderRegistry;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The saliency map D_x h_c(x) from the stages' VJPs against central finite differences of h_c. */
class SaliencyTest {
    static Network network(String layers, int input, int classes) {
        ProviderRegistry registry = ProviderRegistry.builtIn();
        String cfg = "{\"name\": \"s\", \"seed\": 7, \"network\": {\"layers\": [" + layers + "]}}";
        var c = new ConfigReader(registry).parse(cfg, "s.json", "s", null).withInput(input);
        return new NetworkFactory(registry).build(c, classes);
    }

    /** A "7" drawn with a thick pen, dark on white, as the page's canvas sends it. */
    static BufferedImage drawnSeven() {
        BufferedImage img = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 280, 280);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(18, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawPolyline(new int[] {70, 200, 120}, new int[] {60, 60, 230}, 3);
        g.dispose();
        return img;
    }

    /** (h_c(x + ε e_i) − h_c(x − ε e_i)) / 2ε for every input i. */
    static double[] centralDifferences(Network net, double[] x, int c, double eps) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[i] += eps;
            down[i] -= eps;
            d[i] = (net.predict(Tensor.row(up)).get(0, c) - net.predict(Tensor.row(down)).get(0, c)) / (2 * eps);
        }
        return d;
    }

    @Test
    void theSaliencyOfADrawnDigitIsTheFiniteDifferenceGradientOfThePredictedClass() {
        Network net = network("{\"type\": \"dense\", \"units\": 16}, {\"type\": \"tanh\"}, {\"type\": \"dense\", \"units\": 10},"
                + " {\"type\": \"softmax\"}", 784, 10);
        DigitModel model = new DigitModel("m", net);
        DigitModel.Analysis a = model.analyse(drawnSeven());
        double[] x = MnistPreprocessor.preprocess(drawnSeven(), 28).pixels();
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) x[i], a.input()[i], "the page's input is predict's preprocessing");
        }
        int c = a.predicted();
        double[] fd = centralDifferences(net, x, c, 1e-6);
        double max = 0;
        for (double v : fd) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 1e-4, "a gradient that is not flat: " + max);
        double[] exact = Saliency.of(net, x, c);
        for (int i = 0; i < x.length; i++) {
            assertEquals(fd[i], exact[i], 1e-7 * max + 1e-10, "pixel " + i);
            // what the page gets is the same map, rounded to float
            assertEquals(exact[i], a.saliency()[i], 1e-6 * max, "pixel " + i + " as sent");
        }
    }

    @Test
    void everyClassOfANetworkWithoutSoftmaxMatchesToo() {
        Network net = network("{\"type\": \"dense\", \"units\": 6}, {\"type\": \"sigmoid\"}, {\"type\": \"dense\", \"units\": 4}",
                9, 4);
        double[] x = new java.util.Random(3).doubles(9, -1, 1).toArray();
        for (int c = 0; c < 4; c++) {
            double[] fd = centralDifferences(net, x, c, 1e-6);
            double[] exact = Saliency.of(net, x, c);
            for (int i = 0; i < x.length; i++) {
                assertEquals(fd[i], exact[i], 1e-8, "class " + c + ", input " + i);
            }
        }
    }

    @Test
    void theStagesAreDescribedAsExplainPrintsThem() {
        Network net = network("{\"type\": \"dense\", \"units\": 12}, {\"type\": \"sigmoid\"}, {\"type\": \"dense\", \"units\": 10},"
                + " {\"type\": \"softmax\"}", 784, 10);
        DigitModel.Analysis a = new DigitModel("m", net).analyse(drawnSeven());
        assertEquals(4, a.stages().size());
        DigitModel.StageView sig = a.stages().get(1);
        assertEquals("12×12", sig.shape());
        assertTrue(sig.text().startsWith("12×12, structure diag(σ(ẑ)∘(1−σ(ẑ))) (DiagonalJacobian), dense:"), sig.text());
        assertEquals(12, sig.dense().length);
        assertEquals(0f, sig.dense()[0][1], "a diagonal Jacobian's heat map is diagonal");
        assertEquals("12×784", a.stages().get(0).shape());
        assertEquals(3, a.top().size());
        assertEquals(a.predicted(), a.top().get(0).label());
    }

    @Test
    void aLargeJacobianIsDownsampledByLargestMagnitudeSoADiagonalStaysVisible() {
        double[][] d = new double[1000][1000];
        for (int i = 0; i < 1000; i++) {
            d[i][i] = i % 2 == 0 ? 1 : -2;
        }
        DigitModel.Downsampled s = DigitModel.downsample(dev.chainrule.api.support.DenseJacobian.of(d, "D"));
        assertEquals(7, s.rowStep());
        assertEquals(4, s.colStep());
        assertEquals(143, s.cells().length);
        assertEquals(250, s.cells()[0].length);
        assertEquals(-2f, s.cells()[0][0], "the largest |entry| of the block, with its sign");
        assertEquals(0f, s.cells()[0][10], "off the diagonal");
        assertEquals(-2f, s.cells()[142][249]);
    }
}
