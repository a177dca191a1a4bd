package dev.chainrule.vision;

import dev.chainrule.api.CheckCase;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.Transform;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.api.support.ShapedStage;
import dev.chainrule.kernels.Sums;
import java.util.Arrays;
import java.util.List;

/** {@code C×H×W → C}: each channel's mean, its sum by {@link Sums}. D_x is {@code I_C ⊗ (1/(H·W))·1ᵀ}. */
final class GlobalAvgPool extends ShapedStage implements Transform {
    private final int c;
    private final int hw;
    private Tensor y;
    private Tensor dx;

    GlobalAvgPool(String type, Shape in) {
        super(type, in, Shape.of(in.dim(0)));
        this.c = in.dim(0);
        this.hw = in.dim(1) * in.dim(2);
    }

    @Override
    public Tensor forward(Tensor x, ForwardContext context) {
        int batch = x.rows();
        y = Tensor.reuseFront(y, batch, c);
        double[] xs = x.data();
        double inv = 1.0 / hw;
        for (int r = 0; r < batch; r++) {
            for (int ch = 0; ch < c; ch++) {
                y.data()[r * c + ch] = Sums.sum(xs, r * inputSize() + ch * hw, hw) * inv;
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor g, boolean propagate) {
        if (!propagate) {
            return null;
        }
        int batch = g.rows();
        dx = Tensor.reuseFront(dx, batch, inputSize());
        for (int r = 0; r < batch; r++) {
            spread(g.data(), r * c, dx.data(), r * inputSize());
        }
        return dx;
    }

    private void spread(double[] g, int gOff, double[] o, int oOff) {
        double inv = 1.0 / hw;
        for (int ch = 0; ch < c; ch++) {
            Arrays.fill(o, oOff + ch * hw, oOff + (ch + 1) * hw, g[gOff + ch] * inv);
        }
    }

    @Override
    public Jacobian jacobian(int row) {
        return new MeanJacobian();
    }

    /** D_x of a row: the same for every row, since the map is linear. */
    private final class MeanJacobian implements Jacobian {
        @Override
        public int rows() {
            return c;
        }

        @Override
        public int cols() {
            return inputSize();
        }

        @Override
        public void vjp(double[] g, int gOff, double[] o, int oOff) {
            spread(g, gOff, o, oOff);
        }

        @Override
        public String structure() {
            return "I_" + c + " ⊗ (1/" + hw + ")·1ᵀ";
        }
    }

    /** {@code global-avgpool}. */
    @dev.chainrule.api.Plugin("global-avgpool")
    public static final class Provider extends TransformProvider.Base {
        public Provider() {
            super("each channel's mean, C×H×W → C; D_x = I_C ⊗ (1/(H·W))·1ᵀ",
                    c -> new GlobalAvgPool(c.type(), Images.requireImage(c.inputShape())));
        }

        @Override
        public List<CheckCase> checkCases() {
            return List.of(CheckCase.of("2 channels of 3×4", Shape.image(2, 3, 4), Options.empty()));
        }
    }
}
