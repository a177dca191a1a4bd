package dev.chainrule.engine.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.io.FileWriteException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * {@code steps.jsonl} of a run folder: the training loss within epochs, one JSON line per window of
 * {@link #window W} consecutive batches (W = max(1, ⌈steps per epoch / 100⌉), so about 100 lines an epoch
 * whatever its size; the last window of an epoch ends with it):
 *
 * <pre>{"epoch":1,"step":372,"from":11872,"position":11904,"samples":60000,"loss":0.4112,"learningRate":0.1,"seconds":3.21}</pre>
 *
 * {@code step}: the batches finished since the run began (epoch e's batch k, 1-based, is step
 * (e − 1)·⌈n/b⌉ + k); {@code from} and {@code position}: the window's first and one-past-last sample of the
 * epoch; {@code samples}: the epoch's n; {@code loss}: the mean training loss of the window's samples,
 * (Σ of its batches' summed losses) / (position − from), in the units of metrics.jsonl's {@code trainLoss} and
 * from the same per-batch sums, so bitwise the same for any thread count; {@code seconds}: since this
 * process started the epoch (a timing, like metrics.jsonl's).
 *
 * <p>Appended with one write per line and never forced to disk: it is a view of the training, not part of
 * its state. A crash can leave a torn last line (readers skip a last line without its newline) or lose lines
 * past the checkpoint; {@link #cutBack} at {@code --resume} drops every line past the checkpoint, and the
 * resumed run writes them again (its first window starts at the checkpoint's sample, so that one line may
 * cover fewer batches than in a run never stopped).
 */
public final class StepLog implements AutoCloseable {
    public static final String FILE = "steps.jsonl";
    /** Lines an epoch, about. */
    static final int LINES_PER_EPOCH = 100;

    private final Path file;
    private final FileChannel out;
    private final int batch;
    private final IntToDoubleFunction learningRate;
    private int epoch;
    private int samples;
    private int stepsPerEpoch;
    private int w;
    private long epochStart;
    /** The window's first sample (-1: no batch yet in this epoch) and its summed loss. */
    private int from = -1;
    private double windowLoss;

    private StepLog(Path file, FileChannel out, int batch, IntToDoubleFunction learningRate) {
        this.file = file;
        this.out = out;
        this.batch = batch;
        this.learningRate = learningRate;
    }

    /**
     * Opens the run's steps.jsonl for appending; {@code fresh} empties it first (a new run in a folder where a
     * start killed before its first checkpoint left one).
     *
     * @param batch        the training batch size
     * @param learningRate each epoch's learning rate (the schedule's)
     */
    public static StepLog open(Path dir, boolean fresh, int batch, IntToDoubleFunction learningRate) {
        Path f = dir.resolve(FILE);
        try {
            FileChannel ch = fresh
                    ? FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)
                    : FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new StepLog(f, ch, batch, learningRate);
        } catch (IOException e) {
            throw new UncheckedIOException(new FileWriteException(f, e));
        }
    }

    /** W: batches a line covers, for an epoch of {@code steps} batches. */
    public static int window(int steps) {
        return Math.max(1, (steps + LINES_PER_EPOCH - 1) / LINES_PER_EPOCH);
    }

    public void epochStarted(int epoch, int samples) {
        this.epoch = epoch;
        this.samples = samples;
        this.stepsPerEpoch = (int) ((samples + (long) batch - 1) / batch);
        this.w = window(stepsPerEpoch);
        this.epochStart = System.nanoTime();
        this.from = -1;
        this.windowLoss = 0;
    }

    /**
     * The batch that ended at sample {@code done} had summed loss {@code loss}; a line is written when it closes
     * a window. Its first sample follows from the batch grid: a batch is b samples, the epoch's last n mod b.
     */
    public void batch(int done, double loss) {
        int start = done == samples && samples % batch != 0 ? samples - samples % batch : done - batch;
        if (from < 0) {
            from = start; // the epoch's first batch, or the first after a resume
        }
        windowLoss += loss;
        int k = start / batch; // 0-based batch of the epoch
        if ((k + 1) % w != 0 && done < samples) {
            return;
        }
        long step = (epoch - 1L) * stepsPerEpoch + k + 1;
        String line = String.format(Locale.ROOT,
                "{\"epoch\":%d,\"step\":%d,\"from\":%d,\"position\":%d,\"samples\":%d,\"loss\":%s,\"learningRate\":%s,"
                        + "\"seconds\":%.3f}\n",
                epoch, step, from, done, samples, json(windowLoss / Math.max(1, done - from)),
                json(learningRate.applyAsDouble(epoch)), (System.nanoTime() - epochStart) / 1e9);
        from = done;
        windowLoss = 0;
        try {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(new FileWriteException(file, e));
        }
    }

    /** Java's shortest round-tripping form; a non-finite value (never written: the run stops first) as null. */
    private static String json(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            // every line was written when it was made; nothing is lost by a failed close
        }
    }

    /**
     * Drops the lines past a checkpoint at {@code epoch}, sample {@code position} (and a torn last line), so
     * the resumed run's lines follow on; the file is cut in place (it is not part of the run's state: a crash
     * during the cut leaves lines the next resume cuts again).
     */
    public static void cutBack(Path dir, int epoch, int position, ObjectMapper mapper) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        long keep = 0;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            long offset = 0;
            int c;
            while ((c = in.read()) >= 0) {
                offset++;
                if (c != '\n') {
                    line.write(c);
                    continue;
                }
                if (!before(line.toByteArray(), epoch, position, mapper)) {
                    break;
                }
                keep = offset;
                line.reset();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(new FileWriteException(f, e));
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(keep);
        } catch (IOException e) {
            throw new UncheckedIOException(new FileWriteException(f, e));
        }
    }

    /** Whether a line is one of ours that ends at or before (epoch, position). */
    private static boolean before(byte[] line, int epoch, int position, ObjectMapper mapper) {
        try {
            JsonNode n = mapper.readTree(line);
            if (n == null || !n.path("epoch").canConvertToInt() || !n.path("position").canConvertToInt()) {
                return false;
            }
            int e = n.get("epoch").asInt();
            return e < epoch || e == epoch && n.get("position").asInt() <= position;
        } catch (IOException e) {
            return false;
        }
    }
}
