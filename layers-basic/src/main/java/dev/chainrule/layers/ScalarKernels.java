package dev.chainrule.layers;

/** {@link Kernels} in plain Java: the reference the vector kernels must match bit for bit. */
final class ScalarKernels extends Kernels {

    @Override
    void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    @Override
    void descend(double eta, double c, double[] g, int gOff, double[] w, int wOff, int len) {
        for (int i = 0; i < len; i++) {
            w[wOff + i] -= eta * (g[gOff + i] * c);
        }
    }

    @Override
    double dot(double[] a, int aOff, double[] b, int bOff, int len) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        double s4 = 0.0;
        double s5 = 0.0;
        double s6 = 0.0;
        double s7 = 0.0;
        int i = 0;
        for (; i + 7 < len; i += 8) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
            s4 += a[aOff + i + 4] * b[bOff + i + 4];
            s5 += a[aOff + i + 5] * b[bOff + i + 5];
            s6 += a[aOff + i + 6] * b[bOff + i + 6];
            s7 += a[aOff + i + 7] * b[bOff + i + 7];
        }
        double s = ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7));
        for (; i < len; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    void columnsAxpy(double[] w, int m, int[] cols, double[] c, int count, double[] z, int zOff) {
        for (int j = 0; j < count; j++) {
            axpy(c[j], w, cols[j] * m, z, zOff, m);
        }
    }

    @Override
    void columnsDescend(double eta, double[] g, int gOff, int[] cols, double[] c, int count, double[] w, int m) {
        for (int j = 0; j < count; j++) {
            descend(eta, c[j], g, gOff, w, cols[j] * m, m);
        }
    }

    @Override
    String name() {
        return "scalar";
    }
}
