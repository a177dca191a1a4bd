package dev.chainrule.engine.network;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.losses.CrossEntropy;
import dev.chainrule.api.Loss;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Parameter;
import dev.chainrule.optimizers.Sgd;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.layers.Dense;
import dev.chainrule.layers.Initializer;
import dev.chainrule.layers.Sigmoid;
import dev.chainrule.layers.Softmax;
import dev.chainrule.testkit.CheckResult;
import dev.chainrule.testkit.JacobianChecker;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The notes' three-layer network: dense-sigmoid-dense-sigmoid-dense-softmax, then cross-entropy. */
class NetworkGradientTest {

    private static Network threeLayer(int n, int h1, int h2, int classes, Loss loss, long seed) {
        List<Stage> stages = List.of(
                new Dense(n, h1, Initializer.GLOROT_UNIFORM, seed), new Sigmoid(h1),
                new Dense(h1, h2, Initializer.GLOROT_UNIFORM, seed + 1), new Sigmoid(h2),
                new Dense(h2, classes, Initializer.GLOROT_UNIFORM, seed + 2), new Softmax(classes));
        return new Network(stages, loss);
    }

    private static Tensor inputs(int rows, int n, SplittableRandom rng) {
        Tensor x = new Tensor(rows, n);
        for (int i = 0; i < x.data().length; i++) {
            // some exact zeros, as in MNIST, so the sparse path of dense is exercised
            x.data()[i] = rng.nextDouble() < 0.3 ? 0.0 : rng.nextDouble(-1, 1);
        }
        return x;
    }

    @Test
    void wholeNetworkParameterGradientMatchesFiniteDifferencesOfTheLoss() {
        SplittableRandom rng = new SplittableRandom(11);
        Network net = threeLayer(5, 4, 3, 3, new CrossEntropy(3), 11);
        assertTrue(net.isFused(), "softmax + cross-entropy should train fused");
        Tensor x = inputs(3, 5, rng);
        int[] y = {0, 2, 1};
        CheckResult r = new JacobianChecker().checkNetworkGradient(net, x, y, Integer.MAX_VALUE, 1);
        System.out.println("[jacobian-check] 3-layer network: " + r.describe());
        assertTrue(r.passed(), r::describe);
    }

    @Test
    void unfusedCrossEntropyGivesTheSameGradient() {
        SplittableRandom rng = new SplittableRandom(12);
        Tensor x = inputs(4, 5, rng);
        int[] y = {1, 0, 2, 2};
        Network fused = threeLayer(5, 4, 3, 3, new CrossEntropy(3), 12);
        // the same chain and weights, but the loss refuses to fuse: CE on probabilities after a softmax stage
        Network unfused = threeLayer(5, 4, 3, 3, new Unfusable(new CrossEntropy(3)), 12);
        assertFalse(unfused.isFused());
        fused.zeroGrad();
        fused.forward(x, y);
        fused.backward();
        unfused.zeroGrad();
        unfused.forward(x, y);
        unfused.backward();
        List<Parameter> a = fused.parameters();
        List<Parameter> b = unfused.parameters();
        double[][] ga = new double[a.size()][];
        double[][] gb = new double[b.size()][];
        for (int i = 0; i < a.size(); i++) {
            ga[i] = a.get(i).grad().clone();
            gb[i] = b.get(i).grad().clone();
        }
        CheckResult r = new JacobianChecker(1e-9, 1e-14).compare("fused vs unfused gradient", ga, gb, null);
        assertTrue(r.passed(), r::describe);
        CheckResult numeric = new JacobianChecker().checkNetworkGradient(unfused, x, y, Integer.MAX_VALUE, 2);
        assertTrue(numeric.passed(), numeric::describe);
    }

    @Test
    void trainingOnAToy2ClassProblemDrivesTheLossDown() {
        // two Gaussian blobs in R^2 centred at (1, 1) and (−1, −1)
        SplittableRandom rng = new SplittableRandom(3);
        int samples = 200;
        Tensor x = new Tensor(samples, 2);
        int[] y = new int[samples];
        for (int s = 0; s < samples; s++) {
            y[s] = s % 2;
            double c = y[s] == 0 ? 1 : -1;
            x.set(s, 0, c + 0.5 * rng.nextGaussian());
            x.set(s, 1, c + 0.5 * rng.nextGaussian());
        }
        Network net = threeLayer(2, 8, 8, 2, new CrossEntropy(2), 3);
        Sgd sgd = new Sgd(0.5, 0, 0, false, 0, 0);
        double first = net.forward(x, y) / samples;
        int batch = 10;
        for (int epoch = 0; epoch < 30; epoch++) {
            for (int s = 0; s < samples; s += batch) {
                Tensor xb = new Tensor(batch, 2);
                int[] yb = new int[batch];
                System.arraycopy(x.data(), s * 2, xb.data(), 0, batch * 2);
                System.arraycopy(y, s, yb, 0, batch);
                net.trainStep(xb, yb, sgd, ForwardContext.training(0L, 0L));
            }
        }
        double last = net.forward(x, y) / samples;
        assertTrue(first > 0.5, "untrained mean loss " + first);
        assertTrue(last < 0.1, "mean loss after training " + last + " (from " + first + ")");
    }

    /** Delegates everything except fusing, to compare against the fused path. */
    private record Unfusable(Loss inner) implements Loss {
        @Override
        public String type() {
            return inner.type();
        }

        @Override
        public int inputSize() {
            return inner.inputSize();
        }

        @Override
        public double forward(Tensor prediction, int[] labels) {
            return inner.forward(prediction, labels);
        }

        @Override
        public dev.chainrule.api.Jacobian jacobian(int row) {
            return inner.jacobian(row);
        }

        @Override
        public Tensor backward() {
            return inner.backward();
        }
    }
}
