package dev.chainrule.examples.gate;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Jacobian;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.DiagonalJacobian;
import dev.chainrule.api.support.MergeStage;
import java.util.Arrays;
import java.util.List;

/**
 * {@code y = x ∘ σ(s)}: the first input gated by the sigmoid of the second, element-wise (a gated linear unit
 * across two branches). {@code ∂y/∂x = diag(σ(s))}, {@code ∂y/∂s = diag(x ∘ σ(s)(1 − σ(s)))}.
 */
public final class Gate extends MergeStage {
    private Tensor out;
    private Tensor x;
    private Tensor sig;
    private final Tensor[] grads = new Tensor[2];

    public Gate(BuildContext context) {
        super(context, sameShapes(context.inputShapes(), 2));
        if (context.inputShapes().size() != 2) {
            throw new ShapeException("takes exactly 2 inputs (the value and the gate), got " + context.inputShapes().size());
        }
    }

    @Override
    public Tensor forward(List<Tensor> inputs, ForwardContext context) {
        x = inputs.get(0);
        double[] s = inputs.get(1).data();
        out = Tensor.reuse(out, x.rows(), outputSize());
        sig = Tensor.reuse(sig, x.rows(), outputSize());
        for (int i = 0; i < out.size(); i++) {
            sig.data()[i] = 1 / (1 + Math.exp(-s[i]));
            out.data()[i] = x.data()[i] * sig.data()[i];
        }
        return out;
    }

    @Override
    public Jacobian jacobian(int input, int row) {
        int n = outputSize();
        int off = row * n;
        double[] d = Arrays.copyOfRange(sig.data(), off, off + n);
        if (input == 1) {
            for (int i = 0; i < n; i++) {
                d[i] = x.data()[off + i] * d[i] * (1 - d[i]);
            }
            return new DiagonalJacobian(d, "x ∘ σ(s)(1 − σ(s))");
        }
        return new DiagonalJacobian(d, "σ(s)");
    }

    @Override
    public List<Tensor> backward(Tensor g, boolean[] propagate) {
        Tensor gx = propagate[0] ? own(grads, 0, g.rows(), g.cols()) : null;
        Tensor gs = propagate[1] ? own(grads, 1, g.rows(), g.cols()) : null;
        for (int i = 0; i < g.size(); i++) {
            double sg = sig.data()[i];
            if (gx != null) {
                gx.data()[i] = g.data()[i] * sg;
            }
            if (gs != null) {
                gs.data()[i] = g.data()[i] * x.data()[i] * sg * (1 - sg);
            }
        }
        return Arrays.asList(gx, gs);
    }
}
