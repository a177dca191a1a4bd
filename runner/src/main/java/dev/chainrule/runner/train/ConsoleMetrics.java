package dev.chainrule.runner.train;

import java.io.PrintWriter;
import java.util.Locale;

/** One line per epoch on standard output. */
public class ConsoleMetrics implements MetricsSink {
    private final PrintWriter out;
    private final int epochs;

    public ConsoleMetrics(PrintWriter out, int epochs) {
        this.out = out;
        this.epochs = epochs;
    }

    @Override
    public void epoch(EpochMetrics m) {
        out.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f, test loss %.4f, test accuracy %s, %.1f s, %.0f samples/s%n",
                m.epoch(), epochs, m.trainLoss(), m.testLoss(), Evaluation.percent(m.testAccuracy()), m.seconds(),
                m.samplesPerSecond());
        out.flush();
    }
}
