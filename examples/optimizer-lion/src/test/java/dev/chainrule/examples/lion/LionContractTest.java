package dev.chainrule.examples.lion;

import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.Options;
import dev.chainrule.testkit.BadOption;
import dev.chainrule.testkit.OptimizerContract;
import java.util.List;
import java.util.Map;

class LionContractTest extends OptimizerContract {
    @Override
    protected OptimizerProvider provider() {
        return new LionProvider();
    }

    @Override
    protected Options validOptions() {
        return new Options(Map.of("learningRate", 0.01, "weightDecay", 0.1));
    }

    @Override
    protected List<BadOption> badOptions() {
        return List.of(new BadOption(new Options(Map.of("beta1", 1.0)), "beta1", "[0, 1)"),
                new BadOption(new Options(Map.of("learningRate", -1.0)), "learningRate", "-1"));
    }

    /** The paper's update, written out: decay, sign of the interpolation, then the momentum. */
    @Override
    protected double[][] expectedStep(double[][] w0, double[][][] sums, int batch) {
        double lr = 0.01;
        double wd = 0.1;
        double[][] w = new double[w0.length][];
        double[][] m = new double[w0.length][];
        for (int i = 0; i < w0.length; i++) {
            w[i] = w0[i].clone();
            m[i] = new double[w0[i].length];
        }
        for (double[][] sum : sums) {
            for (int i = 0; i < w.length; i++) {
                for (int j = 0; j < w[i].length; j++) {
                    double g = sum[i][j] / batch;
                    double c = 0.9 * m[i][j] + 0.1 * g;
                    w[i][j] = w[i][j] * (1 - lr * wd) - lr * Math.signum(c);
                    m[i][j] = 0.99 * m[i][j] + 0.01 * g;
                }
            }
        }
        return w;
    }
}
