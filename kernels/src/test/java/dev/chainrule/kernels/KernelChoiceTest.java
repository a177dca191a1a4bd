package dev.chainrule.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels are found by name (so that a JVM without the vector module never links them); a package move
 * once left the name stale and every run silently fell back to plain loops, 1.8× slower at batch 1.
 */
class KernelChoiceTest {
    @Test
    void theVectorKernelsAreChosenWhenTheModuleIsThere() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "no jdk.incubator.vector here");
        assumeTrue(!"scalar".equals(System.getProperty("chainrule.kernels")), "scalar kernels asked for");
        assertEquals("vector-256", Kernels.INSTANCE.name());
    }
}
