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
    void forwardRows4(double[] w, int m, int[] runs, int count, double[] x, int xOff, int n, double[] z, int zOff) {
        for (int r = 0; r < ROWS; r++) {
            int zr = zOff + r * m;
            int xr = xOff + r * n;
            for (int q = 0; q < count; q += 2) {
                for (int k = runs[q]; k < runs[q + 1]; k++) {
                    double xk = x[xr + k];
                    int wk = k * m;
                    for (int i = 0; i < m; i++) {
                        z[zr + i] += xk * w[wk + i];
                    }
                }
            }
        }
    }

    @Override
    void gradientColumns4(double[] xt, int batch, double[] g, double[] gp, int m, int[] cols, int j, int count,
            double[] t, double scale, int[] rows, double[] xp) {
        for (int c = 0; c < count; c++) {
            int k = cols[j + c];
            int xk = k * batch;
            int tk = k * m;
            for (int i = 0; i < m; i++) {
                double acc = 0.0;
                for (int b = 0; b < batch; b++) {
                    acc += xt[xk + b] * g[b * m + i];
                }
                t[tk + i] += acc * scale;
            }
        }
    }

    @Override
    void dotsTile(double[] gt, int batch, int b0, double[] w, int m, int k0, int kCount, double[] outT) {
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
    String name() {
        return "scalar";
    }
}
