package dev.chainrule.layers;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.api.support.MergeStage;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code y = x_1 + … + x_k} (the join of a residual connection): inputs of one shape; {@code ∂y/∂x_k = I}, so
 * the VJP hands {@code g} to every input (a copy each). The sum runs in the order of {@code inputs}.
 */
public final class Add extends MergeStage {
    public static final String TYPE = "add";
    private Tensor out;
    private final Tensor[] grads;

    public Add(BuildContext context) {
        super(context, sameShapes(context.inputShapes(), 2));
        grads = new Tensor[context.inputShapes().size()];
    }

    @Override
    public Tensor forward(List<Tensor> inputs, ForwardContext context) {
        Tensor first = inputs.get(0);
        out = Tensor.reuseFront(out, first.rows(), outputSize());
        double[] o = out.data();
        int size = out.size();
        System.arraycopy(first.data(), 0, o, 0, size);
        for (int k = 1; k < inputs.size(); k++) {
            double[] x = inputs.get(k).data();
            for (int i = 0; i < size; i++) {
                o[i] += x[i];
            }
        }
        return out;
    }

    @Override
    public Jacobian jacobian(int input, int row) {
        return new IdentityJacobian(outputSize());
    }

    @Override
    public List<Tensor> backward(Tensor g, boolean[] propagate) {
        List<Tensor> res = new ArrayList<>();
        for (int k = 0; k < propagate.length; k++) {
            if (!propagate[k]) {
                res.add(null);
                continue;
            }
            Tensor t = own(grads, k, g.rows(), g.cols());
            System.arraycopy(g.data(), 0, t.data(), 0, t.size());
            res.add(t);
        }
        return res;
    }
}
