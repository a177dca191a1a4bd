package dev.chainrule.api;

/**
 * What a forward pass tells each stage besides its input: training or inference, which optimizer step this
 * is, and a random source for stages that draw (dropout, noise).
 *
 * <p>The random source of a stage is keyed on (run seed, stage position, global step, row), so each
 * sample's draws depend only on where it is in the run, never on threads or batch splitting; and since the
 * step is part of the checkpoint, {@code train --resume} draws exactly what an uninterrupted run draws.
 * Inference never draws: {@link #random(int)} throws there, which catches a stage that forgot to switch
 * its randomness off.
 *
 * <p>{@code evaluate}, {@code predict} and test evaluation run with {@link #inference()}.
 */
public final class ForwardContext {
    /** Training (dropout drops, batch norm uses batch statistics) or inference. */
    public enum Mode { TRAINING, INFERENCE }

    private static final ForwardContext INFERENCE = new ForwardContext(Mode.INFERENCE, 0L, -1L, -1, 0);

    private final Mode mode;
    private final long seed;
    private final long step;
    private final int stage;
    /** The global batch row of this pass's row 0 (a shard of a batch, {@code training.shards}); 0 otherwise. */
    private final int firstRow;

    private ForwardContext(Mode mode, long seed, long step, int stage, int firstRow) {
        this.mode = mode;
        this.seed = seed;
        this.step = step;
        this.stage = stage;
        this.firstRow = firstRow;
    }

    /** Inference: no randomness, running statistics, deterministic output. */
    public static ForwardContext inference() {
        return INFERENCE;
    }

    /**
     * Training at global step {@code step} (the number of optimizer steps taken before this batch, counted
     * from the start of the run) of a run with seed {@code seed}.
     */
    public static ForwardContext training(long seed, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        return new ForwardContext(Mode.TRAINING, seed, step, -1, 0);
    }

    /** This context as seen by the stage at {@code position} in the network (set by the engine's network). */
    public ForwardContext atStage(int position) {
        if (position < 0) {
            throw new IllegalArgumentException("stage position must be >= 0, got " + position);
        }
        return mode == Mode.INFERENCE ? this : new ForwardContext(mode, seed, step, position, firstRow);
    }

    /**
     * This context for a pass over rows {@code firstRow..} of the step's batch (a shard, {@code
     * training.shards}): {@link #random(int) random(r)} is then the source of batch row {@code firstRow + r},
     * so a stage's draws do not depend on how the batch is split. Set by the engine, never by a stage.
     */
    public ForwardContext fromRow(int firstRow) {
        if (firstRow < 0) {
            throw new IllegalArgumentException("first row must be >= 0, got " + firstRow);
        }
        return mode == Mode.INFERENCE ? this : new ForwardContext(mode, seed, step, stage, firstRow);
    }

    public Mode mode() {
        return mode;
    }

    public boolean training() {
        return mode == Mode.TRAINING;
    }

    /** The global step; -1 in inference. */
    public long step() {
        return mode == Mode.TRAINING ? step : -1L;
    }

    /** The stage's position in the network; -1 before {@link #atStage}. */
    public int stage() {
        return stage;
    }

    /**
     * The random source of batch row {@code row} for this stage at this step. Draw entry {@code k} of the row
     * with {@code random(row).uniform(k)}.
     *
     * @throws IllegalStateException in inference, or before the engine's network has set the stage position
     */
    public RandomSource random(int row) {
        if (mode != Mode.TRAINING) {
            throw new IllegalStateException("no randomness in inference: a stage must not draw outside training");
        }
        if (stage < 0) {
            throw new IllegalStateException("random source asked for before the stage position was set");
        }
        return RandomSource.of(seed, stage, step, firstRow + row);
    }

    @Override
    public String toString() {
        return mode == Mode.INFERENCE ? "inference" : "training(step " + step + ", stage " + stage + ")";
    }
}
