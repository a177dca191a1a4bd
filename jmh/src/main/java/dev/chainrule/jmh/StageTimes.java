package dev.chainrule.jmh;

import dev.chainrule.layers.Dense;
import dev.chainrule.layers.Initializer;
import dev.chainrule.layers.Sigmoid;
import dev.chainrule.api.InPlaceUpdate;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Loss;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.kernels.Parallelism;
import dev.chainrule.losses.SoftmaxCrossEntropy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where an epoch of the notes' network goes, stage by stage: 784→128→64→10 sigmoid, softmax-CE on the logits,
 * plain fused SGD (α = 0.1 on the mean gradient), the training images in file order, timed per stage with
 * {@code System.nanoTime} and printed in µs per sample after each of five epochs.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp jmh/target/jmh-benchmarks.jar \
 *     dev.chainrule.layers.StageTimes MNIST_DIR BATCH THREADS
 * </pre>
 *
 * Columns: {@code f0..f4} the forward pass of each stage (dense, sigmoid, dense, sigmoid, dense), {@code loss} the
 * loss forward and backward, {@code b4..b0} each stage's backward pass (the dense ones with their step).
 */
public final class StageTimes {
    private StageTimes() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: StageTimes MNIST_DIR BATCH THREADS");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        Parallelism.setThreads(Integer.parseInt(args[2]));
        byte[] images = Files.readAllBytes(dir.resolve("train-images-idx3-ubyte"));
        byte[] labels = Files.readAllBytes(dir.resolve("train-labels-idx1-ubyte"));
        int n = 60_000;
        List<Stage> stages = List.of(new Dense(784, 128, Initializer.GLOROT_UNIFORM, 1), new Sigmoid(128),
                new Dense(128, 64, Initializer.GLOROT_UNIFORM, 2), new Sigmoid(64),
                new Dense(64, 10, Initializer.GLOROT_UNIFORM, 3));
        Loss loss = new SoftmaxCrossEntropy(10);
        Tensor x = new Tensor(batch, 784);
        int[] y = new int[batch];
        double step = 0.1 / batch;
        for (int epoch = 1; epoch <= 5; epoch++) {
            long[] fwd = new long[5];
            long[] bwd = new long[5];
            long lossTime = 0;
            long start = System.nanoTime();
            for (int s0 = 0; s0 + batch <= n; s0 += batch) {
                double[] xs = x.data();
                for (int i = 0; i < batch * 784; i++) {
                    xs[i] = (images[16 + s0 * 784 + i] & 0xff) / 255.0;
                }
                for (int r = 0; r < batch; r++) {
                    y[r] = labels[8 + s0 + r];
                }
                Tensor z = x;
                long t = System.nanoTime();
                for (int i = 0; i < 5; i++) {
                    z = stages.get(i).forward(z);
                    long u = System.nanoTime();
                    fwd[i] += u - t;
                    t = u;
                }
                loss.forward(z, y);
                Tensor g = loss.backward();
                long u0 = System.nanoTime();
                lossTime += u0 - t;
                t = u0;
                for (int i = 4; i >= 0; i--) {
                    Stage s = stages.get(i);
                    g = s instanceof InPlaceUpdate l ? l.backwardAndUpdate(g, i > 0, step) : s.backward(g, true);
                    long u = System.nanoTime();
                    bwd[i] += u - t;
                    t = u;
                }
            }
            int done = n / batch * batch;
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d, batch %d, %d thread(s): %.2f µs/sample;",
                    epoch, batch, Parallelism.threads(), (System.nanoTime() - start) / 1e3 / done));
            for (int i = 0; i < 5; i++) {
                sb.append(String.format(Locale.ROOT, " f%d %.2f", i, fwd[i] / 1e3 / done));
            }
            sb.append(String.format(Locale.ROOT, " loss %.2f", lossTime / 1e3 / done));
            for (int i = 4; i >= 0; i--) {
                sb.append(String.format(Locale.ROOT, " b%d %.2f", i, bwd[i] / 1e3 / done));
            }
            System.out.println(sb);
        }
    }
}
