package dev.chainrule.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#reuseFront}: one buffer, sized for the largest batch, kept when the batch size changes;
 * {@link Tensor#reuse} keeps its api-3.1 meaning (never a view), which plugins built before views rely on.
 */
class TensorTest {

    @Test
    void reuseKeepsTheLargestBatchsBufferAcrossBatchSizes() {
        Tensor out = Tensor.reuseFront(null, 128, 10);
        double[] buffer = out.data();
        out.set(0, 0, 7.0);
        out = Tensor.reuseFront(out, 96, 10);          // the epoch's last, partial batch: the front of the same array
        assertEquals(96, out.rows());
        assertEquals(960, out.size());
        assertSame(buffer, out.data());
        assertEquals(7.0, out.get(0, 0), "like any reused buffer it keeps its old values");
        out = Tensor.reuseFront(out, 128, 10);         // the next epoch
        assertSame(buffer, out.data(), "the 128-row buffer is kept, not reallocated");
        out = Tensor.reuseFront(out, 16, 10);          // an evaluation's last batch
        assertSame(buffer, out.data());
        assertSame(out, Tensor.reuseFront(out, 16, 10));
        Tensor larger = Tensor.reuseFront(out, 129, 10);
        assertNotSame(buffer, larger.data(), "a larger batch gets a buffer of its own");
        assertEquals(1290, larger.data().length);
    }

    @Test
    void aViewsCopyAndFillCoverItsOwnEntriesOnly() {
        Tensor big = Tensor.reuseFront(null, 4, 2);
        big.fill(9.0);
        Tensor small = Tensor.reuseFront(big, 2, 2);
        small.fill(1.0);
        assertArrayEquals(new double[] {1, 1, 1, 1, 9, 9, 9, 9}, small.data());
        Tensor copy = small.copy();
        assertEquals(4, copy.data().length);
        assertArrayEquals(new double[][] {{1, 1}, {1, 1}}, small.toArray());
    }

    @Test
    void reuseNeverReturnsAView() {
        Tensor out = Tensor.reuse(null, 128, 10);
        assertSame(out, Tensor.reuse(out, 128, 10));
        Tensor small = Tensor.reuse(out, 96, 10);
        assertNotSame(out.data(), small.data());
        assertEquals(small.size(), small.data().length, "a plugin may take data().length for the size");
    }
}
