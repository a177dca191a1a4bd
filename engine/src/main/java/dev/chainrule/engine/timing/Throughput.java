package dev.chainrule.engine.timing;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.train.Samples;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training throughput: full epochs of the trainer's loop (reshuffle, fill a batch, {@link Network#trainStep})
 * timed one by one, without evaluation, progress output or file writes inside the timing.
 */
public final class Throughput {

    /** The timed epochs (seconds each) and what they mean. */
    /**
     * @param epochSeconds wall time of each timed epoch
     * @param epochCpuSeconds CPU time of the training thread in each timed epoch: on a machine shared with
     *     other work it shows how much of the wall time was waiting for a core (at one thread)
     * @param epochProcessCpuSeconds CPU time of the whole process (every thread: the pool's, the collector's, the
     *     compiler's) in each timed epoch, what Python's {@code time.process_time()} measures for other frameworks
     */
    public record Result(int batch, int threads, int samples, double[] epochSeconds, double[] epochCpuSeconds,
            double[] epochProcessCpuSeconds) {
        public double medianEpochSeconds() {
            return median(epochSeconds);
        }

        public double medianEpochCpuSeconds() {
            return median(epochCpuSeconds);
        }

        public double medianEpochProcessCpuSeconds() {
            return median(epochProcessCpuSeconds);
        }

        private static double median(double[] values) {
            double[] s = values.clone();
            Arrays.sort(s);
            int k = s.length;
            return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
        }

        public double samplesPerSecond() {
            return samples / medianEpochSeconds();
        }
    }

    private Throughput() {
    }

    /**
     * Runs {@code warmup} untimed then {@code passes} timed epochs of {@code sgd} (any optimizer) over
     * {@code train} at the given batch size; the network keeps training across all of them, as a real run would.
     */
    public static Result measure(Network network, Samples train, int batch, Optimizer sgd,
            int warmup, int passes, long seed, int threads) {
        int n = train.size();
        int b = Math.min(batch, n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor x = new Tensor(b, train.features());
        int[] labels = new int[b];
        int tail = n % b;
        Tensor xTail = tail > 0 ? new Tensor(tail, train.features()) : null;
        int[] labelsTail = tail > 0 ? new int[tail] : null;
        List<Double> times = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> processCpu = new ArrayList<>();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double sink = 0;
        long step = 0;
        for (int e = 0; e < warmup + passes; e++) {
            shuffle(order, rng);
            long c0 = mx.getCurrentThreadCpuTime();
            long p0 = processCpuNanos();
            long t0 = System.nanoTime();
            for (int from = 0; from < n; from += b) {
                int count = Math.min(b, n - from);
                Tensor bx = count == b ? x : xTail;
                int[] by = count == b ? labels : labelsTail;
                train.fill(order, from, count, bx, by);
                sink += network.trainStep(bx, by, sgd, ForwardContext.training(0L, step++));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            double c = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            double pc = (processCpuNanos() - p0) / 1e9;
            if (e >= warmup) {
                times.add(s);
                cpu.add(c);
                processCpu.add(pc);
            }
        }
        if (!Double.isFinite(sink)) {
            throw new IllegalStateException("training diverged during the benchmark (loss " + sink + ")");
        }
        return new Result(b, threads, n, times.stream().mapToDouble(Double::doubleValue).toArray(),
                cpu.stream().mapToDouble(Double::doubleValue).toArray(),
                processCpu.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The process's CPU time in ns (all threads, the OS's clock ticks); 0 where the OS does not report it. */
    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /**
     * Milliseconds per batch spent in one part of a training step (medians over the profiled batches): wall time,
     * and the CPU time of the calling thread (all of the part's CPU time with one thread; on a shared machine the
     * figure that does not count waiting for a core).
     */
    public record Part(String name, double forwardMs, double backwardMs, double forwardCpuMs, double backwardCpuMs) {
    }

    /**
     * Where a training step's time goes: each stage's forward and backward, the loss, and the optimizer step,
     * timed one by one (with {@link System#nanoTime()} around each call) on {@code batches} full batches,
     * after {@code warmup} untimed ones. The step is the unfused one ({@code zeroGrad}, forward, backward,
     * {@code optimizer.step}), which is what {@link Network#trainStep} runs for every optimizer but plain SGD.
     * A stage's wall time includes its own threads; the parts add up to the step up to the timer calls. Each part's
     * CPU time is the calling thread's ({@link ThreadMXBean#getCurrentThreadCpuTime()}), which is all of it when
     * the network runs on one thread.
     */
    public static List<Part> stageProfile(Network network, Samples train, int batch, Optimizer optimizer,
            int warmup, int batches) {
        int n = train.size();
        int b = Math.min(batch, n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Tensor x = new Tensor(b, train.features());
        int[] labels = new int[b];
        List<Stage> stages = network.stages();
        int k = network.trainingStages();
        long[][] fwd = new long[k + 2][batches];
        long[][] bwd = new long[k + 2][batches];
        long[][] fwdCpu = new long[k + 2][batches];
        long[][] bwdCpu = new long[k + 2][batches];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long step = 0;
        for (int it = 0; it < warmup + batches; it++) {
            int from = (int) ((long) it * b % Math.max(1, n - b + 1));
            train.fill(order, from, b, x, labels);
            ForwardContext context = ForwardContext.training(0L, step++);
            int slot = it - warmup;
            network.zeroGrad();
            Tensor z = x;
            for (int i = 0; i < k; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                z = stages.get(i).forward(z, context.atStage(i));
                record(fwd, i, slot, t0, System.nanoTime());
                record(fwdCpu, i, slot, c0, mx.getCurrentThreadCpuTime());
            }
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            network.trainingLoss().forward(z, labels);
            Tensor g = network.trainingLoss().backward();
            record(fwd, k, slot, t0, System.nanoTime());
            record(fwdCpu, k, slot, c0, mx.getCurrentThreadCpuTime());
            for (int i = k - 1; i >= 0; i--) {
                c0 = mx.getCurrentThreadCpuTime();
                t0 = System.nanoTime();
                g = stages.get(i).backward(g, i > 0);
                record(bwd, i, slot, t0, System.nanoTime());
                record(bwdCpu, i, slot, c0, mx.getCurrentThreadCpuTime());
            }
            c0 = mx.getCurrentThreadCpuTime();
            t0 = System.nanoTime();
            optimizer.step(network.parameters(), b);
            record(fwd, k + 1, slot, t0, System.nanoTime());
            record(fwdCpu, k + 1, slot, c0, mx.getCurrentThreadCpuTime());
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            parts.add(new Part("layers[" + i + "] " + stages.get(i).type(), medianMs(fwd[i]), medianMs(bwd[i]),
                    medianMs(fwdCpu[i]), medianMs(bwdCpu[i])));
        }
        parts.add(new Part("loss " + network.trainingLoss().type() + " (forward and gradient)", medianMs(fwd[k]), 0,
                medianMs(fwdCpu[k]), 0));
        parts.add(new Part("optimizer step", medianMs(fwd[k + 1]), 0, medianMs(fwdCpu[k + 1]), 0));
        return parts;
    }

    private static void record(long[][] times, int part, int slot, long t0, long t1) {
        if (slot >= 0) {
            times[part][slot] = t1 - t0;
        }
    }

    private static double medianMs(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        int k = s.length;
        return (k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2.0) / 1e6;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }
}
