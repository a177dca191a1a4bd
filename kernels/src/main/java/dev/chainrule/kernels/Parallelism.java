package dev.chainrule.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * How many threads the dense layers use for a mini-batch, and the small fixed pool that runs them.
 *
 * <p>Determinism: work is split into disjoint parts — panels of output units for {@code XWᵀ}, tiles of rows
 * for {@code GW}, columns of W for the update {@code W ← W − η·GᵀX}, entries for the elementwise
 * activations — and each output entry is computed by exactly one
 * thread with the same operations in the same order as with one thread (a column of W still receives the
 * rows of the batch in order). There is no cross-thread reduction, so the weights are bitwise the same
 * whatever the thread count.
 *
 * <p>Batches smaller than {@link #MIN_ROWS} rows, and layers with less than {@link #MIN_WORK}
 * multiply-adds per batch, run on the calling thread: handing them to another core costs more than it saves.
 */
public final class Parallelism {
    /** Smallest batch that is split over threads (smaller ones measured no gain from a second core). */
    public static final int MIN_ROWS = 32;

    /** Smallest {@code batch·n·m} of a dense layer that is split over threads. */
    public static final long MIN_WORK = 1L << 18;

    private static volatile Pool pool = new Pool(defaultThreads());

    private Parallelism() {
    }

    /**
     * The default: 2 threads when the JVM sees at least 2 cores, else 1. Used only for batches of at least
     * {@link #MIN_ROWS} rows; measured on the 2-core Zen 3 box at low load, batch 32 and 128 ran 1.35–1.6 s/epoch
     * with 2 threads against 1.7–2.4 s with 1 (docs/performance.md). On a loaded machine the hand-off can wait for
     * a time slice: {@code runner bench --threads 1} then measures the alternative.
     */
    public static int defaultThreads() {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    /** Threads used for mini-batches from now on (1 = the calling thread only). */
    public static synchronized void setThreads(int threads) {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be 1..64, got " + threads);
        }
        if (threads != pool.size) {
            Pool old = pool;
            pool = new Pool(threads);
            old.shutdown();
        }
    }

    public static int threads() {
        return pool.size;
    }

    /**
     * Prepares the dense layers' SIMD kernels on a daemon thread, so that it overlaps whatever the caller does
     * before training (reading the config and the data). Optional: the first dense layer used does the same
     * on its own thread otherwise.
     *
     * <p>Why: each vector kernel is run on small arrays until C2 compiles it on its own. Left to the first
     * training steps, C2 sometimes compiled a kernel into a larger caller, or while the kernel was still being
     * profiled, and then kept part of its vectors as heap objects: a batch-128 epoch took 5–9 s instead of
     * 1.6 s in about one run in four (2-core box). With the kernels compiled first, none of 15 runs did.
     */
    public static void warmUpInBackground() {
        Thread t = new Thread(Kernels::ready, "chainrule-kernels-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Runs {@code part.accept(t)} for {@code t = 0 .. parts−1}, {@code parts ≤ threads()}, and waits for all. */
    public static void run(int parts, IntConsumer part) {
        pool.run(parts, part);
    }

    /** Start of part {@code t} of {@code parts} equal contiguous parts of {@code [0, total)}. */
    public static int split(int total, int parts, int t) {
        return (int) ((long) total * t / parts);
    }

    /** The calling thread plus {@code size − 1} daemon workers woken per call (spin briefly, then park). */
    static final class Pool {
        final int size;
        private final Thread[] workers;
        private final AtomicInteger pending = new AtomicInteger();
        private volatile IntConsumer task;
        private volatile int parts;
        /** Bumped per call; alone on its cache lines, since the workers poll it while the caller writes the rest. */
        private final Signal signal = new Signal();
        /** 1 while worker i+1 is parked or about to park. */
        private final AtomicIntegerArray sleeping;
        private volatile boolean stopped;
        private volatile Throwable failure;

        Pool(int size) {
            this.size = size;
            this.workers = new Thread[size - 1];
            this.sleeping = new AtomicIntegerArray(Math.max(1, size - 1));
            for (int i = 0; i < workers.length; i++) {
                int id = i + 1;
                Thread t = new Thread(() -> work(id), "chainrule-dense-" + id);
                t.setDaemon(true);
                workers[i] = t;
                t.start();
            }
        }

        synchronized void run(int n, IntConsumer part) {
            if (n <= 1 || size == 1) {
                for (int t = 0; t < n; t++) {
                    part.accept(t);
                }
                return;
            }
            if (n > size) {
                throw new IllegalArgumentException(n + " parts for " + size + " threads");
            }
            task = part;
            parts = n;
            failure = null;
            pending.set(n - 1);
            signal.generation++;
            // a worker still spinning sees the new generation by itself; unpark (a mutex, maybe a system call)
            // only the ones that went to sleep. Both sides write their flag, then read the other's (volatile),
            // so either the worker sees the call or this thread sees the worker asleep.
            for (int i = 0; i < n - 1; i++) {
                if (sleeping.get(i) != 0) {
                    LockSupport.unpark(workers[i]);
                }
            }
            try {
                part.accept(0);
            } finally {
                // wait even when part 0 failed: a worker still running must not count down the next call
                int spins = 0;
                while (pending.get() != 0) {
                    if (++spins < 20_000) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                }
            }
            Throwable f = failure;
            if (f != null) {
                throw new IllegalStateException("dense worker thread failed: " + f, f);
            }
        }

        private void work(int id) {
            int seen = 0;
            while (true) {
                int spins = 0;
                while (signal.generation == seen && !stopped) {
                    if (++spins < 20_000) {
                        Thread.onSpinWait();
                    } else {
                        sleeping.set(id - 1, 1);
                        if (signal.generation == seen && !stopped) {
                            LockSupport.park(this);
                        }
                        sleeping.set(id - 1, 0);
                        spins = 0;
                    }
                }
                if (stopped) {
                    return;
                }
                seen = signal.generation;
                if (id < parts) {
                    try {
                        task.accept(id);
                    } catch (Throwable e) {
                        failure = e;
                    }
                    pending.decrementAndGet();
                }
            }
        }

        /** The call counter, padded off the fields the caller writes per call. */
        @SuppressWarnings("unused")
        static final class Signal {
            long p0, p1, p2, p3, p4, p5, p6, p7;
            volatile int generation;
            long q0, q1, q2, q3, q4, q5, q6, q7;
        }

        void shutdown() {
            stopped = true;
            for (Thread t : workers) {
                LockSupport.unpark(t);
            }
        }
    }
}
