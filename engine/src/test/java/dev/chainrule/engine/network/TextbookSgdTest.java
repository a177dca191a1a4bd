package dev.chainrule.engine.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.chainrule.losses.CrossEntropy;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.optimizers.Sgd;
import dev.chainrule.api.Tensor;
import dev.chainrule.layers.Dense;
import dev.chainrule.layers.Initializer;
import dev.chainrule.layers.Sigmoid;
import dev.chainrule.layers.Softmax;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast path (fused step, sparse columns, SIMD kernels) trains bitwise like the notes' textbook loop written
 * with plain arrays: row-major W, every sum in index order, {@code θ ← θ − α·g} after each sample.
 */
class TextbookSgdTest {
    static final int[] SIZES = {40, 32, 16, 10};
    static final double LR = 0.1;

    @Test
    void batchSizeOneSgdIsBitwiseTheTextbookLoop() {
        Dense[] dense = new Dense[3];
        for (int l = 0; l < 3; l++) {
            dense[l] = new Dense(SIZES[l], SIZES[l + 1], Initializer.GLOROT_UNIFORM, 7 + l);
        }
        Network net = new Network(List.of(dense[0], new Sigmoid(32), dense[1], new Sigmoid(16), dense[2],
                new Softmax(10)), new CrossEntropy(10));
        double[][] w = new double[3][];
        double[][] b = new double[3][];
        for (int l = 0; l < 3; l++) {
            w[l] = dense[l].weight().toRowMajor();
            b[l] = dense[l].bias().value().clone();
        }
        SplittableRandom rng = new SplittableRandom(3);
        Sgd sgd = new Sgd(LR, 0, 0, false, 0, 0);
        for (int step = 0; step < 50; step++) {
            double[] x = new double[SIZES[0]];
            for (int k = 0; k < x.length; k++) {
                x[k] = rng.nextDouble() < 0.3 ? rng.nextInt(1, 256) / 255.0 : 0.0;
            }
            int y = rng.nextInt(10);
            net.trainStep(Tensor.of(new double[][] {x}), new int[] {y}, sgd, ForwardContext.training(0L, 0L));
            textbookStep(w, b, x, y);
        }
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(w[l], dense[l].weight().toRowMajor(), "W of layer " + (l + 1));
            assertArrayEquals(b[l], dense[l].bias().value(), "b of layer " + (l + 1));
        }
    }

    /** One SGD step of the notes' network on one sample, straight from docs/math.md. */
    private static void textbookStep(double[][] w, double[][] b, double[] x, int y) {
        double[][] z = new double[4][];
        double[][] d = new double[3][];
        z[0] = x;
        double[] logits = null;
        for (int l = 0; l < 3; l++) {
            int n = SIZES[l];
            int m = SIZES[l + 1];
            double[] h = new double[m];
            for (int i = 0; i < m; i++) {
                double s = b[l][i];
                for (int k = 0; k < n; k++) {
                    if (z[l][k] != 0.0) {
                        s += z[l][k] * w[l][i * n + k];
                    }
                }
                h[i] = s;
            }
            if (l == 2) {
                logits = h;
                break;
            }
            z[l + 1] = new double[m];
            d[l + 1] = new double[m];
            for (int i = 0; i < m; i++) {
                double t = Math.exp(-Math.abs(h[i]));
                double u = 1.0 + t;
                z[l + 1][i] = h[i] >= 0 ? 1.0 / u : t / u;
                d[l + 1][i] = t / (u * u); // σ' = σ(1 − σ)
            }
        }
        // D CE∘SM w.r.t. the logits: SM(ẑ) − e_y
        double c = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            c = Math.max(c, v);
        }
        double sum = 0.0;
        for (double v : logits) {
            sum += Math.exp(v - c);
        }
        double lse = c + Math.log(sum);
        double[] g = new double[10];
        for (int i = 0; i < 10; i++) {
            g[i] = Math.exp(logits[i] - lse);
        }
        g[y] -= 1.0;
        for (int l = 2; l >= 0; l--) {
            int n = SIZES[l];
            int m = SIZES[l + 1];
            double[] gx = new double[n];
            if (l > 0) {
                for (int k = 0; k < n; k++) { // g·D_x = g W, with W before the step
                    double s = 0.0;
                    for (int i = 0; i < m; i++) {
                        s += w[l][i * n + k] * g[i];
                    }
                    gx[k] = s * d[l][k];      // then through σ: g ∘ σ'
                }
            }
            for (int i = 0; i < m; i++) {
                b[l][i] -= LR * g[i];
                for (int k = 0; k < n; k++) {
                    if (z[l][k] != 0.0) {
                        w[l][i * n + k] -= LR * (g[i] * z[l][k]); // g·D_W = gᵀxᵀ
                    }
                }
            }
            g = gx;
        }
    }
}
