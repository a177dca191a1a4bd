package dev.chainrule.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A stage of several inputs and one output (api 3.1): {@code y = f(x_1, …, x_k)}, such as the sum of a
 * residual connection, a concatenation along channels or an element-wise product. It has no trained
 * parameters. A config entry names its inputs ({@code "inputs": ["c1", "c2"]}); the engine's graph hands it
 * one batch per input and takes back one gradient per input.
 *
 * <p>The Jacobians: {@link #jacobian(int, int)} is {@code ∂y/∂x_k} ({@code m × n_k}) at a row of the last
 * forward call, and {@link #backward(Tensor, boolean[])} returns {@code g_b·∂y/∂x_k} for every input k.
 *
 * <p>Its one-input {@link Stage} form is the same map on the <em>packed</em> input, the row
 * {@code [x_1 | x_2 | … | x_k]} of {@code n = Σ n_k} values: {@link #forward(Tensor, ForwardContext)} splits
 * it, {@link #jacobian(int)} is the block row {@code [∂y/∂x_1 … ∂y/∂x_k]} ({@code m × n}) and
 * {@link #backward(Tensor, boolean)} packs the per-input gradients. So every stage check (central
 * differences, VJP against the dense Jacobian, batch against single rows) applies to a merge unchanged,
 * and each input's block is checked besides. {@code dev.chainrule.api.support.MergeStage} implements the
 * bookkeeping; a merge plugin extends it.
 *
 * <p>Shapes are checked when the merge is built: its constructor throws a {@link ShapeException} when its
 * inputs' shapes do not merge (add of 32×28×28 and 16×28×28), and the runner reports one line naming the
 * entry and every input's shape.
 */
public interface Merge extends Stage {

    /** The shape of each input row, in the order of the entry's {@code inputs}. */
    List<Shape> inputShapes();

    /**
     * Applies {@code f} to one batch per input ({@code B × n_k} each, same B) and returns {@code B × m}. The
     * result belongs to this merge and is overwritten by the next call; the inputs must stay unchanged until
     * {@link #backward(Tensor, boolean[])} has run.
     */
    Tensor forward(List<Tensor> inputs, ForwardContext context);

    /** {@code ∂y/∂x_input} ({@code m × n_input}) at batch row {@code row} of the last forward call. */
    Jacobian jacobian(int input, int row);

    /**
     * Reverse mode: element {@code k} is the {@code B × n_k} tensor whose row b is {@code g_b · ∂y/∂x_k(b)}, or
     * null where {@code propagate[k]} is false. Each returned tensor is its own (never {@code g} itself nor
     * another element), since the engine may hand them to different stages.
     */
    List<Tensor> backward(Tensor g, boolean[] propagate);

    /** The number of inputs. */
    default int inputCount() {
        return inputShapes().size();
    }

    /** The packed form: splits {@code x} ({@code B × Σ n_k}) into the inputs and merges them. */
    @Override
    default Tensor forward(Tensor x, ForwardContext context) {
        return forward(split(x, inputShapes()), context);
    }

    /** The block row {@code [∂y/∂x_1 … ∂y/∂x_k]}, {@code m × Σ n_k}. */
    @Override
    default Jacobian jacobian(int row) {
        List<Jacobian> blocks = new ArrayList<>();
        for (int k = 0; k < inputCount(); k++) {
            blocks.add(jacobian(k, row));
        }
        int m = outputSize();
        int n = inputSize();
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
            public void vjp(double[] g, int gOff, double[] out, int outOff) {
                int at = outOff;
                for (Jacobian j : blocks) {
                    j.vjp(g, gOff, out, at);
                    at += j.cols();
                }
            }

            @Override
            public String structure() {
                StringBuilder sb = new StringBuilder("[");
                for (int k = 0; k < blocks.size(); k++) {
                    sb.append(k == 0 ? "" : " | ").append(blocks.get(k).structure());
                }
                return sb.append("]").toString();
            }
        };
    }

    /** The packed form: the per-input gradients side by side, {@code B × Σ n_k}. */
    @Override
    default Tensor backward(Tensor g, boolean propagate) {
        if (!propagate) {
            backward(g, new boolean[inputCount()]);
            return null;
        }
        boolean[] all = new boolean[inputCount()];
        java.util.Arrays.fill(all, true);
        List<Tensor> parts = backward(g, all);
        Tensor out = new Tensor(g.rows(), inputSize());
        int at = 0;
        for (Tensor p : parts) {
            for (int b = 0; b < g.rows(); b++) {
                System.arraycopy(p.data(), p.offset(b), out.data(), out.offset(b) + at, p.cols());
            }
            at += p.cols();
        }
        return out;
    }

    /** Splits the packed rows of {@code x} into one new tensor per shape. */
    static List<Tensor> split(Tensor x, List<Shape> shapes) {
        List<Tensor> parts = new ArrayList<>();
        int at = 0;
        for (Shape s : shapes) {
            Tensor p = new Tensor(x.rows(), s.size());
            for (int b = 0; b < x.rows(); b++) {
                System.arraycopy(x.data(), x.offset(b) + at, p.data(), p.offset(b), s.size());
            }
            parts.add(p);
            at += s.size();
        }
        if (at != x.cols()) {
            throw new IllegalArgumentException("packed input of " + x.cols() + " values but the inputs take " + at);
        }
        return parts;
    }
}
