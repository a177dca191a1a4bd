package dev.chainrule.examples.avgpool;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.jacobian.DenseJacobian;

/**
 * 2×2 average pooling, stride 2: {@code C×H×W → C×⌊H/2⌋×⌊W/2⌋} (an odd last row or column is dropped). Each
 * output is a quarter of the sum of its window, so {@code D_x} has 0.25 at each window entry, the same at
 * every row; backward spreads {@code g/4} back over the window.
 */
public final class AvgPool2x2 implements Transform {
    private final String type;
    private final Shape in;
    private final Shape out;
    private final int c;
    private final int h;
    private final int w;
    private final int oh;
    private final int ow;
    private Tensor y;
    private Tensor gx;
    private int batch = -1;

    public AvgPool2x2(BuildContext context) {
        type = context.type();
        in = context.inputShape();
        if (in.rank() != 3 || in.dim(1) < 2 || in.dim(2) < 2) {
            throw ShapeException.takes("C×H×W (H, W ≥ 2)");
        }
        c = in.dim(0);
        h = in.dim(1);
        w = in.dim(2);
        oh = h / 2;
        ow = w / 2;
        out = Shape.image(c, oh, ow);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public int inputSize() {
        return in.size();
    }

    @Override
    public int outputSize() {
        return out.size();
    }

    @Override
    public Shape inputShape() {
        return in;
    }

    @Override
    public Shape outputShape() {
        return out;
    }

    /** Input index of window entry (di, dj) of output (ch, i, j). */
    private int at(int ch, int i, int j, int di, int dj) {
        return ch * h * w + (2 * i + di) * w + 2 * j + dj;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        batch = x.rows();
        y = Tensor.reuse(y, batch, out.size());
        for (int b = 0; b < batch; b++) {
            int xo = x.offset(b);
            int yo = y.offset(b);
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double[] d = x.data();
                        y.data()[yo + (ch * oh + i) * ow + j] = 0.25 * (d[xo + at(ch, i, j, 0, 0)]
                                + d[xo + at(ch, i, j, 0, 1)] + d[xo + at(ch, i, j, 1, 0)] + d[xo + at(ch, i, j, 1, 1)]);
                    }
                }
            }
        }
        return y;
    }

    @Override
    public Jacobian jacobian(int row) {
        double[] a = new double[out.size() * in.size()];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int o = (ch * oh + i) * ow + j;
                    for (int k = 0; k < 4; k++) {
                        a[o * in.size() + at(ch, i, j, k / 2, k % 2)] = 0.25;
                    }
                }
            }
        }
        return DenseJacobian.rowMajor(out.size(), in.size(), a, "2×2 window means");
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (!propagate) {
            return null;
        }
        gx = Tensor.reuse(gx, batch, in.size());
        gx.fill(0);
        for (int b = 0; b < batch; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double q = 0.25 * g.get(b, (ch * oh + i) * ow + j);
                        for (int k = 0; k < 4; k++) {
                            gx.data()[gx.offset(b) + at(ch, i, j, k / 2, k % 2)] += q;
                        }
                    }
                }
            }
        }
        return gx;
    }
}
