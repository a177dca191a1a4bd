package dev.chainrule.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SumsTest {
    private static final int B = Sums.BLOCK;
    private static final int L = Sums.LEAF;
    private static final int[] LENGTHS = {0, 1, 2, 7, B - 1, B, B + 1, 2 * B + 3, 2704, L - 1, L, L + 1, 2 * L, 2 * L + 1,
        3 * L, 3 * L + 5, 4 * L, 5 * L + 3, 6 * L + 3, 7 * L};

    private static double[] random(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian() * Math.exp(3 * r.nextGaussian());
        }
        return x;
    }

    private static double exact(double[] x, int off, int n) {
        BigDecimal s = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            s = s.add(new BigDecimal(x[off + i]));
        }
        return s.doubleValue();
    }

    @Test
    void upToOneBlockIsThePlainLoopBitForBit() {
        Random r = new Random(1);
        for (int n = 0; n <= B; n++) {
            double[] x = random(r, n + 3);
            double s = 0.0;
            for (int i = 0; i < n; i++) {
                s += x[3 + i];
            }
            assertEquals(Double.doubleToRawLongBits(s), Double.doubleToRawLongBits(Sums.sum(x, 3, n)), "n = " + n);
        }
    }

    /** Equal terms, where a plain loop's errors all have the same sign: the case of a pooled bias gradient. */
    @Test
    void longSumsAreWithinOneRoundingOfTheExactSum() {
        Random r = new Random(2);
        for (int n : LENGTHS) {
            if (n <= B) {
                continue;
            }
            double[] equal = new double[n];
            java.util.Arrays.fill(equal, 0.1 / 3);
            for (double[] x : new double[][] {equal, random(r, n)}) {
                double exact = exact(x, 0, n);
                double got = Sums.sum(x, 0, n);
                assertTrue(Math.abs(got - exact) <= Math.ulp(exact), "n = " + n + ": " + got + " against " + exact);
            }
        }
    }

    @Test
    void theAccumulatorStreamsTheSameSumBitForBit() {
        Random r = new Random(3);
        Sums.Accumulator acc = new Sums.Accumulator();
        for (int n : LENGTHS) {
            double[] x = random(r, n);
            acc.clear();
            for (double v : x) {
                acc.add(v);
            }
            assertEquals(n, acc.count());
            long expected = Double.doubleToRawLongBits(Sums.sum(x, 0, n));
            assertEquals(expected, Double.doubleToRawLongBits(acc.sum()), "n = " + n);
            acc.clear();
            for (int i = 0; i < n; ) {
                int len = Math.min(n - i, r.nextInt(700));
                acc.add(x, i, len);
                i += len;
            }
            assertEquals(expected, Double.doubleToRawLongBits(acc.sum()), "in pieces, n = " + n);
            double[] ones = new double[n];
            java.util.Arrays.fill(ones, 1.0);
            acc.clear();
            for (int i = 0; i < n; ) {
                int len = Math.min(n - i, 1 + r.nextInt(300));
                acc.addProducts(x, i, ones, i, len);
                i += len;
            }
            assertEquals(expected, Double.doubleToRawLongBits(acc.sum()), "products in pieces, n = " + n);
        }
    }

    @Test
    void stridedAndSegmentedLayoutsSumTheirTermsInOrder() {
        Random r = new Random(4);
        for (int n : new int[] {5, B, 3 * B + 7, 1000, 2 * L + 77}) {
            int segLen = 49;
            int segStride = 3 * segLen;
            int segs = (n + segLen - 1) / segLen;
            double[] x = random(r, segs * segStride + 10);
            double[] y = random(r, x.length);
            double[] gathered = new double[n];
            double[] products = new double[n];
            double[] deviations = new double[n];
            double mu = 0.25;
            for (int k = 0; k < n; k++) {
                int i = 10 + (k / segLen) * segStride + k % segLen;
                gathered[k] = x[i];
                products[k] = x[i] * y[i - 5];
                double d = x[i] - mu;
                deviations[k] = d * d;
            }
            double expected = Sums.sum(gathered, 0, n);
            assertEquals(expected, Sums.sumSegments(x, 10, segLen, segStride, n), 0.0, "segments, n = " + n);
            assertEquals(Sums.sum(products, 0, n), Sums.dotSegments(x, 10, y, 5, segLen, segStride, n), 0.0);
            assertEquals(Sums.sum(deviations, 0, n), Sums.sumSquaredDeviations(x, mu, 10, segLen, segStride, n), 0.0);
            double[] column = new double[n];
            double[] m = random(r, n * 3);
            for (int k = 0; k < n; k++) {
                column[k] = m[k * 3 + 1];
            }
            assertEquals(Sums.sum(column, 0, n), Sums.sumStrided(m, 1, 3, n), 0.0, "strided, n = " + n);
            double[] c = random(r, n + 2);
            double[] triple = new double[n];
            for (int k = 0; k < n; k++) {
                triple[k] = m[k] * c[k + 2] * x[k + 1];
            }
            assertEquals(Sums.sum(triple, 0, n), Sums.dot3(m, 0, c, 2, x, 1, n), 0.0, "dot3, n = " + n);
        }
    }

    @Test
    void theVectorLanesAreTheScalarLanesBitForBit() {
        Random r = new Random(5);
        double[] s1 = new double[8];
        double[] e1 = new double[8];
        double[] s2 = new double[8];
        double[] e2 = new double[8];
        for (int n = 0; n <= B; n++) {
            double[] t = random(r, n);
            for (int l = 0; l < 8; l++) {
                s1[l] = l;
                s2[l] = l;
                e1[l] = l * 1e-17;
                e2[l] = l * 1e-17;
            }
            Kernels.scalar().compensatedLanes(t, 0, n, s1, e1);
            Kernels.INSTANCE.compensatedLanes(t, 0, n, s2, e2);
            double[] u = random(r, n + 3);
            Kernels.scalar().compensatedProductLanes(t, 0, u, 3, n, s1, e1);
            Kernels.INSTANCE.compensatedProductLanes(t, 0, u, 3, n, s2, e2);
            for (int l = 0; l < 8; l++) {
                assertEquals(Double.doubleToRawLongBits(s1[l]), Double.doubleToRawLongBits(s2[l]), "n = " + n);
                assertEquals(Double.doubleToRawLongBits(e1[l]), Double.doubleToRawLongBits(e2[l]), "n = " + n);
            }
        }
        assertEquals("vector", Kernels.INSTANCE.name().contains("ector") ? "vector" : Kernels.INSTANCE.name());
    }

    @Test
    void sumAndDotInOnePassAreTheTwoSums() {
        Random r = new Random(6);
        double[] x = random(r, 5000);
        double[] y = random(r, 5000);
        double[] out = new double[2];
        for (int n : new int[] {3, B, 1000}) {
            Sums.sumAndDotSegments(x, 7, y, 2, 31, 40, n, out);
            assertEquals(Sums.sumSegments(x, 7, 31, 40, n), out[0], 0.0);
            assertEquals(Sums.dotSegments(x, 7, y, 2, 31, 40, n), out[1], 0.0);
        }
    }

    @Test
    void channelSumsInStorageOrderAreEachChannelsSegmentSum() {
        Random r = new Random(7);
        int channels = 5;
        for (int[] shape : new int[][] {{3, 7}, {4, 32}, {40, 49}, {17, 676}}) {
            int rows = shape[0];
            int len = shape[1];
            int stride = channels * len + 3;
            double[] x = random(r, 2 + rows * stride);
            double[] y = random(r, 2 + rows * stride);
            double[] mu = random(r, channels);
            double[] sums = new double[channels];
            double[] dots = new double[channels];
            double[] devs = new double[channels];
            Sums.channelSumsAndDots(x, 2, y, 1, rows, stride, len, 1, channels, sums, dots);
            Sums.channelSquaredDeviations(x, 2, rows, stride, len, 1, channels, mu, devs);
            double[] plainSums = new double[channels];
            Sums.channelSums(x, 2, rows, stride, len, 1, channels, plainSums);
            for (int c = 1; c < channels; c++) {
                int n = rows * len;
                assertEquals(Sums.sumSegments(x, 2 + c * len, len, stride, n), sums[c], 0.0);
                assertEquals(Sums.sumSegments(x, 2 + c * len, len, stride, n), plainSums[c], 0.0);
                assertEquals(Sums.dotSegments(x, 2 + c * len, y, 1 + c * len, len, stride, n), dots[c], 0.0);
                assertEquals(Sums.sumSquaredDeviations(x, mu[c], 2 + c * len, len, stride, n), devs[c], 0.0);
            }
            assertEquals(0.0, sums[0]);
        }
    }

    @Test
    void theLeftPartIsThePerfectTreeBelowN() {
        assertEquals(L, Sums.leftSize(L + 1));
        assertEquals(L, Sums.leftSize(2 * L));
        assertEquals(2 * L, Sums.leftSize(2 * L + 1));
        assertEquals(4 * L, Sums.leftSize(7 * L));
    }
}
