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
    String name() {
        return "scalar";
    }
}
