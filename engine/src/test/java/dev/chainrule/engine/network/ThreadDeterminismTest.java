package dev.chainrule.engine.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chainrule.losses.CrossEntropy;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Parameter;
import dev.chainrule.optimizers.Sgd;
import dev.chainrule.api.Tensor;
import dev.chainrule.layers.Dense;
import dev.chainrule.layers.Initializer;
import dev.chainrule.kernels.Parallelism;
import dev.chainrule.layers.Sigmoid;
import dev.chainrule.layers.Softmax;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Same model, seed and data: bitwise the same weights after training with 1, 2 or 3 threads. */
class ThreadDeterminismTest {
    @AfterEach
    void restore() {
        Parallelism.setThreads(Parallelism.defaultThreads());
    }

    /** The notes' 784-128-64-10 model, a few mini-batch steps of plain SGD and of momentum SGD. */
    private static List<double[]> train(int threads, double momentum) {
        Parallelism.setThreads(threads);
        Network net = new Network(List.of(
                new Dense(784, 128, Initializer.GLOROT_UNIFORM, 1), new Sigmoid(128),
                new Dense(128, 64, Initializer.GLOROT_UNIFORM, 2), new Sigmoid(64),
                new Dense(64, 10, Initializer.GLOROT_UNIFORM, 3), new Softmax(10)),
                new CrossEntropy(10));
        Sgd sgd = new Sgd(0.1, momentum, 0, false, 0, 0);
        SplittableRandom rng = new SplittableRandom(42);
        Tensor x = new Tensor(64, 784);
        int[] y = new int[64];
        for (int step = 0; step < 4; step++) {
            for (int i = 0; i < x.data().length; i++) {
                x.data()[i] = rng.nextDouble() < 0.2 ? rng.nextInt(1, 256) / 255.0 : 0.0;
            }
            for (int r = 0; r < y.length; r++) {
                y[r] = rng.nextInt(10);
            }
            net.trainStep(x, y, sgd, ForwardContext.training(0L, 0L));
        }
        return net.parameters().stream().map(Parameter::value).map(double[]::clone).toList();
    }

    @Test
    void plainSgdWeightsDoNotDependOnTheThreadCount() {
        List<double[]> one = train(1, 0.0);
        for (int t : new int[] {2, 3}) {
            List<double[]> many = train(t, 0.0);
            assertEquals(one.size(), many.size());
            for (int i = 0; i < one.size(); i++) {
                assertArrayEquals(one.get(i), many.get(i), "parameter " + i + " with " + t + " threads");
            }
        }
    }

    @Test
    void momentumSgdWeightsDoNotDependOnTheThreadCount() {
        List<double[]> one = train(1, 0.9);
        List<double[]> two = train(2, 0.9);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), "parameter " + i);
        }
    }
}
