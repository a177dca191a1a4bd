package dev.chainrule.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Issue 25: a sampled-column failure names the parameter's own entry (row-major flat index to W[i, j]). */
class GradcheckIndexTest {
    @Test
    void flatIndicesAreShownAsTheParametersOwnIndices() {
        assertEquals("[0, 10]", Gradcheck.index(new int[] {10, 784}, 10));
        assertEquals("[3, 17]", Gradcheck.index(new int[] {10, 784}, 3 * 784 + 17));
        assertEquals("[5]", Gradcheck.index(new int[] {10}, 5));
        assertEquals("[1, 2, 3, 4]", Gradcheck.index(new int[] {2, 3, 4, 5}, ((1 * 3 + 2) * 4 + 3) * 5 + 4));
    }
}
