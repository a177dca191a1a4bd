package dev.chainrule.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** {@link Tensor#reuse}: one buffer per batch shape, kept when the batch size changes and comes back. */
class TensorTest {

    @Test
    void reuseKeepsTheBufferOfEachShapeAcrossBatchSizes() {
        Tensor out = Tensor.reuse(null, 128, 10);
        Tensor first = out;
        out.set(0, 0, 7.0);
        out = Tensor.reuse(out, 96, 10);          // the epoch's last, partial batch
        assertEquals(96, out.rows());
        Tensor partial = out;
        out = Tensor.reuse(out, 128, 10);         // the next epoch
        assertSame(first, out, "the 128-row buffer is kept, not reallocated");
        assertEquals(7.0, out.get(0, 0), "like any reused buffer it keeps its old values");
        out = Tensor.reuse(out, 96, 10);
        assertSame(partial, out);
        assertSame(out, Tensor.reuse(out, 96, 10));
    }

    @Test
    void reuseKeepsTheMostRecentShapesOnly() {
        Tensor out = Tensor.reuse(null, 1, 3);
        Tensor one = out;
        for (int rows = 2; rows <= Tensor.KEPT_SHAPES; rows++) {
            out = Tensor.reuse(out, rows, 3);
        }
        out = Tensor.reuse(out, 1, 3);
        assertSame(one, out, "four shapes fit");
        for (int rows = 2; rows <= Tensor.KEPT_SHAPES + 1; rows++) {
            out = Tensor.reuse(out, rows, 3);    // a fifth shape drops the least recent one: 1 row
        }
        Tensor again = Tensor.reuse(out, 1, 3);
        assertNotSame(one, again);
        assertEquals(0.0, again.get(0, 0));
        assertEquals(1, again.rows());
    }
}
