package dev.chainrule.layers;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.DiagonalJacobian;
import dev.chainrule.api.support.MergeStage;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code y = x_1 ∘ … ∘ x_k}, element-wise (gating): inputs of one shape; {@code ∂y/∂x_k = diag(Π_{j≠k} x_j)},
 * so the VJP to input k is {@code g ∘ Π_{j≠k} x_j}. The products run in the order of {@code inputs}.
 */
public final class Multiply extends MergeStage {
    public static final String TYPE = "multiply";
    private Tensor out;
    private List<Tensor> in;
    private final Tensor[] grads;

    public Multiply(BuildContext context) {
        super(context, sameShapes(context.inputShapes(), 2));
        grads = new Tensor[context.inputShapes().size()];
    }

    @Override
    public Tensor forward(List<Tensor> inputs, ForwardContext context) {
        in = List.copyOf(inputs);
        Tensor first = inputs.get(0);
        out = Tensor.reuseFront(out, first.rows(), outputSize());
        double[] o = out.data();
        int size = out.size();
        System.arraycopy(first.data(), 0, o, 0, size);
        for (int k = 1; k < inputs.size(); k++) {
            double[] x = inputs.get(k).data();
            for (int i = 0; i < size; i++) {
                o[i] *= x[i];
            }
        }
        return out;
    }

    /** {@code Π_{j≠k} x_j} at entry i of the flat data. */
    private double others(int k, int i) {
        double p = 1.0;
        for (int j = 0; j < in.size(); j++) {
            if (j != k) {
                p *= in.get(j).data()[i];
            }
        }
        return p;
    }

    @Override
    public Jacobian jacobian(int input, int row) {
        int n = outputSize();
        int off = in.get(0).offset(row);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = others(input, off + i);
        }
        return new DiagonalJacobian(d, "diag(Π_{j≠" + (input + 1) + "} x_j)");
    }

    @Override
    public List<Tensor> backward(Tensor g, boolean[] propagate) {
        List<Tensor> res = new ArrayList<>();
        double[] gd = g.data();
        for (int k = 0; k < propagate.length; k++) {
            if (!propagate[k]) {
                res.add(null);
                continue;
            }
            Tensor t = own(grads, k, g.rows(), g.cols());
            double[] td = t.data();
            for (int i = 0, size = t.size(); i < size; i++) {
                td[i] = gd[i] * others(k, i);
            }
            res.add(t);
        }
        return res;
    }
}
