package dev.chainrule.engine.output;

import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.train.EpochMetrics;
import java.nio.file.Path;

/** Writes a run folder: config.json, metrics.jsonl, model.json + weights.bin, confusion.csv. */
public interface RunWriter {

    /**
     * Chooses and creates the run folder ({@code out}, or {@code runs/<name>-<yyyyMMdd-HHmmss>}) and proves
     * it writable, before any training; refuses a folder that already holds a run.
     */
    Path prepare(RunConfig config, Path out);

    /**
     * Takes the folder's single-writer lock ({@link RunLock}), held until closed; refuses with one line when
     * another runner holds it. {@code shown} names the folder as the user gave it.
     */
    default RunLock lock(Path dir, String shown) {
        return RunLock.acquire(dir, shown);
    }

    void writeConfig(Path dir, RunConfig config);

    /** Appends one line to metrics.jsonl (one write, not forced to disk: rebuilt from the checkpoint on resume). */
    void appendMetrics(Path dir, EpochMetrics metrics);

    /** Replaces metrics.jsonl by these epochs (on resume: the epochs the checkpoint holds). */
    void rewriteMetrics(Path dir, java.util.List<EpochMetrics> all);

    /** Forces the appended logs (metrics.jsonl, steps.jsonl) to disk when training ends. */
    default void syncLogs(Path dir) {
    }

    /**
     * Opens steps.jsonl ({@link StepLog}) for appending, emptied first when {@code fresh}; null: the run keeps
     * no step log.
     */
    StepLog openSteps(Path dir, boolean fresh, int batchSize, java.util.function.IntToDoubleFunction learningRate);

    /** Drops steps.jsonl's lines past a checkpoint at {@code epoch}, sample {@code position} (on resume). */
    void cutBackSteps(Path dir, int epoch, int position);

    /** The pictures and report.html, as the report side prepared them. */
    void writeReport(Path dir, ReportSink report);

    void writeModel(Path dir, Network network, RunConfig config, int numClasses);

    void writeConfusion(Path dir, int[][] confusion);

    /** confusion.csv with the classes named in its header and first column. */
    default void writeConfusion(Path dir, int[][] confusion, java.util.List<String> classNames) {
        writeConfusion(dir, confusion);
    }
}
