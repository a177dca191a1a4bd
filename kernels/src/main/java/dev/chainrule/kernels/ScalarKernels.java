package dev.chainrule.kernels;

/** {@link Kernels} in plain Java: the reference the vector kernels must match bit for bit. */
final class ScalarKernels extends Kernels {

    @Override
    public void relu(double[] x, double[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            y[i] = v > 0.0 ? v : 0.0;
        }
    }

    @Override
    public void reluVjp(double[] g, double[] y, double[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = g[i] * (y[i] > 0.0 ? 1.0 : 0.0);
        }
    }

    @Override
    public void sigmoid(double[] z, double[] y, double[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            double zi = z[i];
            double t = Math.exp(-Math.abs(zi));
            double u = 1.0 + t;
            y[i] = (zi >= 0 ? 1.0 : t) / u;
            d[i] = t / (u * u);
        }
    }

    @Override
    public void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    @Override
    public void descend(double eta, double c, double[] g, int gOff, double[] w, int wOff, int len) {
        for (int i = 0; i < len; i++) {
            w[wOff + i] -= eta * (g[gOff + i] * c);
        }
    }

    @Override
    public void panelAxpy(double[] w, int m, int i0, int len, int[] cols, double[] c, int from, int to, double[] z, int zOff) {
        for (int j = from; j < to; j++) {
            axpy(c[j], w, cols[j] * m + i0, z, zOff, len);
        }
    }

    @Override
    public void descendRows(double eta, double[] g, int m, int i0, int[] rows, double[] c, int from, int to, double[] w, int wOff,
            int len) {
        for (int j = from; j < to; j++) {
            descend(eta, c[j], g, rows[j] * m + i0, w, wOff, len);
        }
    }

    @Override
    public void dotsTile(double[] gt, int batch, int b0, double[] w, int m, int k0, int kCount, double[] outT) {
        for (int k = k0; k < k0 + kCount; k++) {
            for (int b = b0; b < b0 + DOT_ROWS; b++) {
                double s = 0.0;
                for (int i = 0; i < m; i++) {
                    s += gt[i * batch + b] * w[k * m + i];
                }
                outT[k * batch + b] = s;
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
