package dev.chainrule.optimizers;

import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.OptimizerContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * Every built-in passes the optimizer contract, with its most stateful options, against the formula of
 * docs/optimizers.md written out once more, plainly, per element.
 */
class BuiltInContractTest {

    /** Copies of {@code w0} and fresh zero buffers like it. */
    static double[][] copy(double[][] w0) {
        double[][] w = new double[w0.length][];
        for (int i = 0; i < w0.length; i++) {
            w[i] = w0[i].clone();
        }
        return w;
    }

    static double[][] zeros(double[][] w0) {
        double[][] z = new double[w0.length][];
        for (int i = 0; i < w0.length; i++) {
            z[i] = new double[w0[i].length];
        }
        return z;
    }

    @Nested
    class SgdNesterov extends OptimizerContract {
        @Override
        protected OptimizerProvider provider() {
            return new SgdProvider();
        }

        @Override
        protected Options validOptions() {
            return new Options(Map.of("learningRate", 0.05, "momentum", 0.8, "nesterov", true, "weightDecay", 0.01));
        }

        @Override
        protected List<BadOption> badOptions() {
            return List.of(new BadOption(new Options(Map.of("momentum", 1.0)), "momentum", "[0, 1)"),
                    new BadOption(new Options(Map.of("nesterov", true)), "nesterov", "momentum > 0"));
        }

        @Override
        protected double[][] expectedStep(double[][] w0, double[][][] sums, int batch) {
            double[][] w = copy(w0);
            double[][] v = zeros(w0);
            for (int k = 0; k < sums.length; k++) {
                for (int i = 0; i < w.length; i++) {
                    for (int j = 0; j < w[i].length; j++) {
                        double d = sums[k][i][j] / batch + 0.01 * w[i][j];
                        v[i][j] = k == 0 ? d : 0.8 * v[i][j] + d;
                        w[i][j] -= 0.05 * (d + 0.8 * v[i][j]);
                    }
                }
            }
            return w;
        }
    }

    @Nested
    class PlainSgd extends OptimizerContract {
        @Override
        protected OptimizerProvider provider() {
            return new SgdProvider();
        }

        @Override
        protected double[][] expectedStep(double[][] w0, double[][][] sums, int batch) {
            double[][] w = copy(w0);
            for (double[][] sum : sums) {
                for (int i = 0; i < w.length; i++) {
                    for (int j = 0; j < w[i].length; j++) {
                        w[i][j] -= 0.1 * sum[i][j] / batch;
                    }
                }
            }
            return w;
        }
    }

    @Nested
    class AdamClipped extends OptimizerContract {
        @Override
        protected OptimizerProvider provider() {
            return new AdamProvider();
        }

        @Override
        protected Options validOptions() {
            return new Options(Map.of("learningRate", 0.01, "weightDecay", 0.1, "clipNorm", 1.0));
        }

        @Override
        protected List<BadOption> badOptions() {
            return List.of(new BadOption(new Options(Map.of("beta2", 1.0)), "beta2", "[0, 1)"),
                    new BadOption(new Options(Map.of("epsilon", 0.0)), "epsilon", "(0, ∞)"));
        }

        @Override
        protected double[][] expectedStep(double[][] w0, double[][][] sums, int batch) {
            double[][] w = copy(w0);
            double[][] m = zeros(w0);
            double[][] v = zeros(w0);
            for (int k = 0; k < sums.length; k++) {
                double norm2 = 0;
                for (double[] s : sums[k]) {
                    for (double x : s) {
                        norm2 += (x / batch) * (x / batch);
                    }
                }
                double clip = Math.min(1, 1.0 / (Math.sqrt(norm2) + 1e-6));
                int t = k + 1;
                for (int i = 0; i < w.length; i++) {
                    for (int j = 0; j < w[i].length; j++) {
                        double d = sums[k][i][j] / batch * clip + 0.1 * w[i][j];
                        m[i][j] = 0.9 * m[i][j] + 0.1 * d;
                        v[i][j] = 0.999 * v[i][j] + 0.001 * d * d;
                        double mHat = m[i][j] / (1 - Math.pow(0.9, t));
                        double vHat = v[i][j] / (1 - Math.pow(0.999, t));
                        w[i][j] -= 0.01 * mHat / (Math.sqrt(vHat) + 1e-8);
                    }
                }
            }
            return w;
        }
    }

    @Nested
    class AdamW extends OptimizerContract {
        @Override
        protected OptimizerProvider provider() {
            return new AdamWProvider();
        }

        @Override
        protected Options validOptions() {
            return new Options(Map.of("learningRate", 0.01, "weightDecay", 0.1));
        }

        @Override
        protected double[][] expectedStep(double[][] w0, double[][][] sums, int batch) {
            double[][] w = copy(w0);
            double[][] m = zeros(w0);
            double[][] v = zeros(w0);
            for (int k = 0; k < sums.length; k++) {
                int t = k + 1;
                for (int i = 0; i < w.length; i++) {
                    for (int j = 0; j < w[i].length; j++) {
                        double d = sums[k][i][j] / batch;
                        w[i][j] *= 1 - 0.01 * 0.1;
                        m[i][j] = 0.9 * m[i][j] + 0.1 * d;
                        v[i][j] = 0.999 * v[i][j] + 0.001 * d * d;
                        double mHat = m[i][j] / (1 - Math.pow(0.9, t));
                        double vHat = v[i][j] / (1 - Math.pow(0.999, t));
                        w[i][j] -= 0.01 * mHat / (Math.sqrt(vHat) + 1e-8);
                    }
                }
            }
            return w;
        }
    }

    @Nested
    class RmsPropCenteredMomentum extends OptimizerContract {
        @Override
        protected OptimizerProvider provider() {
            return new RmsPropProvider();
        }

        @Override
        protected Options validOptions() {
            return new Options(Map.of("momentum", 0.5, "centered", true, "weightDecay", 0.01));
        }

        @Override
        protected double[][] expectedStep(double[][] w0, double[][][] sums, int batch) {
            double[][] w = copy(w0);
            double[][] s = zeros(w0);
            double[][] c = zeros(w0);
            double[][] b = zeros(w0);
            for (double[][] sum : sums) {
                for (int i = 0; i < w.length; i++) {
                    for (int j = 0; j < w[i].length; j++) {
                        double d = sum[i][j] / batch + 0.01 * w[i][j];
                        s[i][j] = 0.99 * s[i][j] + 0.01 * d * d;
                        c[i][j] = 0.99 * c[i][j] + 0.01 * d;
                        double r = Math.sqrt(s[i][j] - c[i][j] * c[i][j]) + 1e-8;
                        b[i][j] = 0.5 * b[i][j] + d / r;
                        w[i][j] -= 0.01 * b[i][j];
                    }
                }
            }
            return w;
        }
    }

    @Nested
    class AdagradDecaying extends OptimizerContract {
        @Override
        protected OptimizerProvider provider() {
            return new AdagradProvider();
        }

        @Override
        protected Options validOptions() {
            return new Options(Map.of("lrDecay", 0.1, "initialAccumulatorValue", 0.2));
        }

        @Override
        protected double[][] expectedStep(double[][] w0, double[][][] sums, int batch) {
            double[][] w = copy(w0);
            double[][] acc = zeros(w0);
            for (int k = 0; k < sums.length; k++) {
                double eta = 0.01 / (1 + k * 0.1);
                for (int i = 0; i < w.length; i++) {
                    for (int j = 0; j < w[i].length; j++) {
                        double d = sums[k][i][j] / batch;
                        acc[i][j] = (k == 0 ? 0.2 : acc[i][j]) + d * d;
                        w[i][j] -= eta * d / (Math.sqrt(acc[i][j]) + 1e-10);
                    }
                }
            }
            return w;
        }
    }
}
