package dev.chainrule.jmh;

import dev.chainrule.kernels.Parallelism;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What one hand-off to the second thread costs ({@link Parallelism.Pool#run} with parts that do nothing): back
 * to back, and after some work on the calling thread (as between two layers of a batch). Subtract
 * {@link #workOnly} from {@link #handOffAfterWork}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParallelismBenchmark {
    /** Blackhole tokens: about 24 µs of work on the 2-core Zen 3 box. */
    static final long WORK = 10_000;

    final int[] box = new int[32];

    /** The shared pool with two threads, as training uses it (Pool itself is the kernels' private class). */
    @Setup(Level.Trial)
    public void setup() {
        Parallelism.setThreads(2);
    }

    @Benchmark
    public int[] handOff() {
        Parallelism.run(2, t -> box[t * 16]++);
        return box;
    }

    @Benchmark
    public int[] handOffAfterWork() {
        Blackhole.consumeCPU(WORK);
        Parallelism.run(2, t -> box[t * 16]++);
        return box;
    }

    @Benchmark
    public void workOnly() {
        Blackhole.consumeCPU(WORK);
    }
}
