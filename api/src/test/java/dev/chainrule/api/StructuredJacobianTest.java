package dev.chainrule.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chainrule.api.support.DenseJacobian;
import dev.chainrule.api.support.DiagonalJacobian;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.api.support.KroneckerJacobian;
import dev.chainrule.api.support.SoftmaxJacobian;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructuredJacobianTest {

    private static double[] rowTimes(double[] g, double[][] d) {
        double[] out = new double[d[0].length];
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < out.length; j++) {
                out[j] += g[i] * d[i][j];
            }
        }
        return out;
    }

    @Test
    void everyStructuresVjpEqualsTheRowTimesItsDenseMatrix() {
        List<Jacobian> all = List.of(
                new DiagonalJacobian(new double[] {0.25, -1, 3}, "d"),
                new IdentityJacobian(3),
                new KroneckerJacobian(3, new double[] {2, 0, -1, 5}),
                new SoftmaxJacobian(new double[] {0.125, 0.25, 0.625}),
                DenseJacobian.rowMajor(3, 2, new double[] {1, 2, 3, 4, 5, 6}, "A"),
                DenseJacobian.columnMajor(3, 2, new double[] {1, 3, 5, 2, 4, 6}, "A"));
        double[] g = {0.5, -2, 1.5};
        for (Jacobian j : all) {
            double[][] d = j.toDense();
            assertEquals(j.rows(), d.length, j.structure());
            assertEquals(j.cols(), d[0].length, j.structure());
            assertArrayEquals(rowTimes(g, d), j.vjp(g), 1e-14, j.structure());
            Tensor batch = Tensor.of(new double[][] {g, {1, 0, 0}});
            Tensor out = j.vjp(batch);
            assertArrayEquals(rowTimes(g, d), out.rowCopy(0), 1e-14, j.structure());
            assertArrayEquals(d[0], out.rowCopy(1), 1e-14, j.structure() + ": e_0·D is row 0");
        }
    }

    @Test
    void kroneckerIsBlockDiagonalInRowMajorOrderAndBothDenseLayoutsAgree() {
        double[][] k = new KroneckerJacobian(2, new double[] {7, 8, 9}).toDense();
        assertArrayEquals(new double[] {7, 8, 9, 0, 0, 0}, k[0]);
        assertArrayEquals(new double[] {0, 0, 0, 7, 8, 9}, k[1]);
        double[][] r = DenseJacobian.rowMajor(3, 2, new double[] {1, 2, 3, 4, 5, 6}, "A").toDense();
        double[][] c = DenseJacobian.columnMajor(3, 2, new double[] {1, 3, 5, 2, 4, 6}, "A").toDense();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(r[i], c[i]);
        }
    }

    @Test
    void parameterFlatIndexIsRowMajorWhateverTheStorage() {
        Parameter p = Parameter.matrix("W", 2, 3, Parameter.Storage.COLUMN_MAJOR);
        p.setFromRowMajor(new double[] {11, 12, 13, 21, 22, 23});
        assertArrayEquals(new double[] {11, 21, 12, 22, 13, 23}, p.value());
        assertEquals(23.0, p.get(5));
        assertEquals(1, p.storageIndex(3)); // W_10 sits right after W_00 in column 0
        assertArrayEquals(new double[] {11, 12, 13, 21, 22, 23}, p.toRowMajor());
        p.grad()[p.storageIndex(4)] = 9;
        assertEquals(9.0, p.gradAt(4));
        Parameter q = Parameter.matrix("V", 2, 3, Parameter.Storage.ROW_MAJOR);
        assertEquals(4, q.storageIndex(4));
    }
}
