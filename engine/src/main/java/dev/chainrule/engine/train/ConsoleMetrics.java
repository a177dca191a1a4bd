package dev.chainrule.engine.train;

import dev.chainrule.engine.io.Text;
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
        // a loss that grows huge but stays finite would print as hundreds of digits in %f
        String score = m.isRegression()
                ? "test R² " + Text.number(m.testR2(), 4) + ", MSE " + Text.number(m.testMse(), 4) + ", MAE "
                        + Text.number(m.testMae(), 4)
                : "test accuracy " + Evaluation.percent(m.testAccuracy());
        out.printf(Locale.ROOT, "epoch %d/%d: train loss %s, test loss %s, %s, %.1f s, %.0f samples/s%n",
                m.epoch(), epochs, Text.number(m.trainLoss(), 4), Text.number(m.testLoss(), 4), score, m.seconds(),
                m.samplesPerSecond());
        out.flush();
    }
}
