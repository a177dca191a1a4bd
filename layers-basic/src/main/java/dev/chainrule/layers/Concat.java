package dev.chainrule.layers;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.MergeStage;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code y = [x_1 | … | x_k]}: vectors joined along features, or C×H×W images of one H×W joined along
 * channels (rows are channel-major, so both are the same copy). {@code ∂y/∂x_k} selects the rows of y that
 * came from x_k: {@code [0 … I_{n_k} … 0]ᵀ}, and the VJP to input k is that slice of g.
 */
public final class Concat extends MergeStage {
    public static final String TYPE = "concat";
    private Tensor out;
    private final int[] offsets;
    private final Tensor[] grads;

    public Concat(BuildContext context) {
        super(context, joined(context.inputShapes()));
        List<Shape> s = context.inputShapes();
        offsets = new int[s.size()];
        for (int k = 1; k < s.size(); k++) {
            offsets[k] = offsets[k - 1] + s.get(k - 1).size();
        }
        grads = new Tensor[s.size()];
    }

    static Shape joined(List<Shape> shapes) {
        if (shapes.size() < 2) {
            throw new ShapeException("takes at least 2 inputs, got " + shapes.size());
        }
        Shape first = shapes.get(0);
        if (first.rank() == 1) {
            int n = 0;
            for (Shape s : shapes) {
                if (s.rank() != 1) {
                    throw new ShapeException("takes vectors (joined along features) or C×H×W images of one H×W"
                            + " (joined along channels), got " + describe(shapes));
                }
                n += s.size();
            }
            return Shape.of(n);
        }
        if (first.rank() == 3) {
            int c = 0;
            for (Shape s : shapes) {
                if (s.rank() != 3 || s.dim(1) != first.dim(1) || s.dim(2) != first.dim(2)) {
                    throw new ShapeException("takes C×H×W images of one H×W (joined along channels), got "
                            + describe(shapes));
                }
                c += s.dim(0);
            }
            return Shape.image(c, first.dim(1), first.dim(2));
        }
        throw new ShapeException("takes vectors or C×H×W images, got " + describe(shapes));
    }

    @Override
    public Tensor forward(List<Tensor> inputs, ForwardContext context) {
        int rows = inputs.get(0).rows();
        out = Tensor.reuseFront(out, rows, outputSize());
        for (int k = 0; k < inputs.size(); k++) {
            Tensor x = inputs.get(k);
            for (int b = 0; b < rows; b++) {
                System.arraycopy(x.data(), x.offset(b), out.data(), out.offset(b) + offsets[k], x.cols());
            }
        }
        return out;
    }

    @Override
    public Jacobian jacobian(int input, int row) {
        int m = outputSize();
        int n = inputShapes().get(input).size();
        int off = offsets[input];
        return new Jacobian() {
            @Override
            public int rows() {
                return m;
            }

            @Override
            public int cols() {
                return n;
            }

            @Override
            public void vjp(double[] g, int gOff, double[] o, int oOff) {
                System.arraycopy(g, gOff + off, o, oOff, n);
            }

            @Override
            public String structure() {
                return "[0 I_" + n + " 0]ᵀ (rows " + off + ".." + (off + n - 1) + ")";
            }
        };
    }

    @Override
    public List<Tensor> backward(Tensor g, boolean[] propagate) {
        List<Tensor> res = new ArrayList<>();
        for (int k = 0; k < propagate.length; k++) {
            if (!propagate[k]) {
                res.add(null);
                continue;
            }
            int n = inputShapes().get(k).size();
            Tensor t = own(grads, k, g.rows(), n);
            for (int b = 0; b < g.rows(); b++) {
                System.arraycopy(g.data(), g.offset(b) + offsets[k], t.data(), t.offset(b), n);
            }
            res.add(t);
        }
        return res;
    }
}
