package dev.chainrule.examples.avgpool;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.api.support.VjpJacobian;

/**
 * 2×2 average pooling, stride 2: {@code C×H×W → C×⌊H/2⌋×⌊W/2⌋} (an odd last row or column is dropped). Each
 * output is a quarter of the sum of its window, so {@code D_x} ({@code C·⌊H/2⌋·⌊W/2⌋ × C·H·W}) has 0.25 at
 * each window entry, the same at every row; its VJP, which backward applies row by row, spreads {@code g/4}
 * back over the window.
 */
public final class AvgPool2x2 extends ShapedStage implements Transform {
    private final int h;
    private final int w;
    private Tensor y;
    private Tensor gx;

    public AvgPool2x2(BuildContext context) {
        super(context, pooled(context.inputShape()));
        h = context.inputShape().dim(1);
        w = context.inputShape().dim(2);
    }

    private static Shape pooled(Shape in) {
        if (in.rank() != 3 || in.dim(1) < 2 || in.dim(2) < 2) {
            throw ShapeException.takes("C×H×W (H, W ≥ 2)");
        }
        return Shape.image(in.dim(0), in.dim(1) / 2, in.dim(2) / 2);
    }

    /** Input index of window entry k (0..3, row-major in the window) of output o = (ch, i, j). */
    private int at(int o, int k) {
        int ow = w / 2;
        int ch = o / (ow * (h / 2));
        int i = o / ow % (h / 2);
        return ch * h * w + (2 * i + k / 2) * w + 2 * (o % ow) + k % 2;
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        y = Tensor.reuse(y, x.rows(), outputSize());
        for (int b = 0; b < x.rows(); b++) {
            for (int o = 0; o < outputSize(); o++) {
                double sum = 0;
                for (int k = 0; k < 4; k++) {
                    sum += x.get(b, at(o, k));
                }
                y.set(b, o, 0.25 * sum);
            }
        }
        return y;
    }

    /** {@code out[oo + at(o, k)] += g_o / 4}: the VJP of every row, and of the Jacobian. */
    private void spread(double[] g, int go, double[] out, int oo) {
        for (int o = 0; o < outputSize(); o++) {
            for (int k = 0; k < 4; k++) {
                out[oo + at(o, k)] += 0.25 * g[go + o];
            }
        }
    }

    @Override
    public Jacobian jacobian(int row) {
        return VjpJacobian.constant(outputSize(), inputSize(), "2×2 window means",
                (none, g, go, out, oo) -> spread(g, go, out, oo));
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (!propagate) {
            return null;
        }
        gx = Tensor.reuse(gx, g.rows(), inputSize());
        gx.fill(0);
        for (int b = 0; b < g.rows(); b++) {
            spread(g.data(), g.offset(b), gx.data(), gx.offset(b));
        }
        return gx;
    }
}
