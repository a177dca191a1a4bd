package dev.chainrule.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Tensor;
import org.junit.jupiter.api.Test;

class DenseTest {
    /** W = [[1, 2, 3], [4, 5, 6]], b = (10, 20). */
    private static Dense worked() {
        Dense d = new Dense(3, 2, Initializer.ZEROS, 0);
        d.weight().setFromRowMajor(new double[] {1, 2, 3, 4, 5, 6});
        d.bias().setFromRowMajor(new double[] {10, 20});
        return d;
    }

    @Test
    void forwardIsWxPlusBByHand() {
        Tensor y = worked().forward(Tensor.of(new double[][] {{1, 0, -1}, {0, 0, 0}, {2, 1, 0}}));
        assertArrayEquals(new double[] {10 + 1 - 3, 20 + 4 - 6, 10, 20, 10 + 2 + 2, 20 + 8 + 5}, y.data());
    }

    @Test
    void keepsItsOutputAndGradientBuffersWhenTheBatchSizeChanges() {
        Dense d = worked();
        Tensor y128 = d.forward(new Tensor(128, 3));
        Tensor gx128 = d.backward(new Tensor(128, 2), true);
        assertSame(y128.data(), d.forward(new Tensor(96, 3)).data(), "an epoch's last, partial batch: its front");
        assertSame(gx128.data(), d.backward(new Tensor(96, 2), true).data());
        assertSame(y128.data(), d.forward(new Tensor(128, 3)).data(), "the next epoch's batches write into the same buffer");
        assertSame(gx128.data(), d.backward(new Tensor(128, 2), true).data());
    }

    @Test
    void weightIsStoredColumnMajorButIndexedRowMajor() {
        Dense d = worked();
        Parameter w = d.weight();
        assertEquals(Parameter.Storage.COLUMN_MAJOR, w.storage());
        // column k of W is contiguous: W[:,0] = (1, 4), W[:,1] = (2, 5), W[:,2] = (3, 6)
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, w.value());
        assertEquals(6.0, w.get(5)); // W_12 (row 1, column 2), flat 1·3 + 2
        assertEquals(4.0, w.get(3)); // W_10
    }

    @Test
    void gradientsByHandOverABatch() {
        Dense d = worked();
        Tensor x = Tensor.of(new double[][] {{1, 0, -1}, {2, 1, 0}});
        d.forward(x);
        Tensor gx = d.backward(Tensor.of(new double[][] {{1, 0}, {0, 2}}), true);
        // g W per row: (1,0)W = (1,2,3), (0,2)W = (8,10,12)
        assertArrayEquals(new double[] {1, 2, 3, 8, 10, 12}, gx.data());
        // Σ_b g_bᵀ x_bᵀ = [[1,0,-1],[0,0,0]] + [[0,0,0],[4,2,0]], row-major
        double[] gw = new double[6];
        for (int f = 0; f < 6; f++) {
            gw[f] = d.weight().gradAt(f);
        }
        assertArrayEquals(new double[] {1, 0, -1, 4, 2, 0}, gw);
        assertArrayEquals(new double[] {1, 2}, d.bias().grad());
    }

    @Test
    void doesNotAllocatePerCallWhileTheBatchSizeStays() {
        Dense d = worked();
        Tensor a = d.forward(new Tensor(5, 3));
        assertSame(a, d.forward(new Tensor(5, 3)));
        Tensor g1 = d.backward(new Tensor(5, 2), true);
        d.forward(new Tensor(5, 3));
        assertSame(g1, d.backward(new Tensor(5, 2), true));
    }

    @Test
    void initialisersAreSeededAndScaled() {
        DenseProvider p = new DenseProvider();
        double[] a = ((Dense) p.create(new BuildContext(50, Options.of("units", 40), 7))).weight().toRowMajor();
        double[] b = ((Dense) p.create(new BuildContext(50, Options.of("units", 40), 7))).weight().toRowMajor();
        double[] c = ((Dense) p.create(new BuildContext(50, Options.of("units", 40), 8))).weight().toRowMajor();
        assertArrayEquals(a, b);
        assertNotEquals(a[0], c[0]);
        double limit = Math.sqrt(6.0 / 90);
        for (double w : a) {
            assertTrue(Math.abs(w) <= limit, "glorot-uniform outside ±" + limit + ": " + w);
        }
        double[] he = ((Dense) p.create(new BuildContext(200, Options.of("units", 100, "init", "he-normal"), 1))).weight().toRowMajor();
        double var = 0;
        for (double w : he) {
            var += w * w;
        }
        var /= he.length;
        assertEquals(2.0 / 200, var, 0.1 * 2.0 / 200, "he-normal variance");
        for (double w : ((Dense) p.create(new BuildContext(3, Options.of("units", 2, "init", "zeros"), 1))).weight().value()) {
            assertEquals(0.0, w);
        }
    }

    @Test
    void tooLargeAWeightMatrixIsRejectedNamingUnits() {
        OptionException e = assertThrows(OptionException.class,
                () -> new DenseProvider().create(new BuildContext(1 << 20, Options.of("units", 1 << 12), 0)));
        assertEquals("units", e.key());
        assertTrue(e.getMessage().contains("4096×1048576"), e::getMessage);
    }
}
