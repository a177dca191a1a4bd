package dev.chainrule.engine.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress within an epoch. On a terminal: one bar redrawn in place (carriage return) with samples/s and
 * ETA, at most ten times a second. Elsewhere (a log file, CI): a plain line at every 10%.
 */
public class ConsoleProgress implements ProgressSink {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean interactive;
    private int epoch;
    private int epochs;
    private int samples;
    private long start;
    private long lastDraw;
    private int nextTenth;
    private boolean drawn;

    public ConsoleProgress(PrintWriter err, boolean interactive) {
        this.err = err;
        this.interactive = interactive;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int samples) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.samples = samples;
        this.start = System.nanoTime();
        this.lastDraw = start;
        this.nextTenth = 1;
        this.drawn = false;
    }

    @Override
    public void advanced(int done) {
        if (interactive) {
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                draw(done, now);
            }
        } else if (samples > 0 && (long) done * 10 >= (long) nextTenth * samples) {
            while ((long) done * 10 >= (long) nextTenth * samples) {
                nextTenth++;
            }
            double s = (System.nanoTime() - start) / 1e9;
            err.printf(Locale.ROOT, "epoch %d/%d: %3d%% (%d/%d samples, %.0f samples/s)%n", epoch, epochs,
                    100L * done / samples, done, samples, done / Math.max(s, 1e-9));
            err.flush();
        }
    }

    private void draw(int done, long now) {
        double s = (now - start) / 1e9;
        double rate = done / Math.max(s, 1e-9);
        double eta = rate > 0 ? (samples - done) / rate : 0;
        int filled = samples == 0 ? WIDTH : (int) ((long) WIDTH * done / samples);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        // the first second runs in the interpreter and the JIT: a rate from it would promise hours
        String etaText = s < 1.0 ? "  --" : String.format(Locale.ROOT, "%4.0f", eta);
        err.printf(Locale.ROOT, "\repoch %d/%d [%s] %3d%% %7.0f samples/s ETA %ss ", epoch, epochs, bar,
                samples == 0 ? 100 : 100L * done / samples, rate, etaText);
        err.flush();
        drawn = true;
    }

    @Override
    public void epochFinished() {
        if (interactive && drawn) {
            err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
            err.flush();
        }
    }
}
