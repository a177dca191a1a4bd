package dev.chainrule.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The pool's hand-off: every part runs once per call, whether the workers were spinning or asleep. */
class ParallelismTest {

    @Test
    void everyPartRunsOnceWhetherTheWorkersSpinOrSleep() {
        Parallelism.Pool pool = new Parallelism.Pool(3);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                AtomicIntegerArray runs = new AtomicIntegerArray(3);
                for (int call = 0; call < 200; call++) {
                    pool.run(3, runs::incrementAndGet);
                    if (call % 20 == 0) {
                        Thread.sleep(5); // longer than the workers spin: they park, and the next call must wake them
                    }
                }
                assertArrayEquals(new int[] {200, 200, 200}, new int[] {runs.get(0), runs.get(1), runs.get(2)});
            });
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aFailingWorkerIsReportedAndThePoolStaysUsable() {
        Parallelism.Pool pool = new Parallelism.Pool(2);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(2, t -> {
                if (t == 1) {
                    throw new ArithmeticException("boom");
                }
            }));
            assertEquals("dense worker thread failed: java.lang.ArithmeticException: boom", e.getMessage());
            AtomicIntegerArray runs = new AtomicIntegerArray(2);
            pool.run(2, runs::incrementAndGet);
            assertEquals(1, runs.get(1));
        } finally {
            pool.shutdown();
        }
    }
}
