package dev.chainrule.engine.network;

import dev.chainrule.api.Buffer;
import dev.chainrule.api.Layer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Stage;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The check every network state passes where it is loaded (model files, checkpoints) and after training
 * steps (divergence): every parameter and buffer value finite, and every value of a
 * {@link Buffer#nonNegative() non-negative} buffer (a variance) ≥ 0. A state that fails it would make the
 * network answer garbage while looking healthy (a NaN running variance turns every prediction into the same
 * class), so it is refused by name: the stage, the parameter or buffer, the value and its index.
 */
public final class StateValues {
    private StateValues() {
    }

    /**
     * A bad value: {@code what} names it ("buffer running_var of stage layers[0] (batch-norm)"), {@code index}
     * is its place in the array (row-major for a parameter read from a file), {@code size} the array's length.
     */
    public record Bad(String what, int index, int size, double value, boolean negative) {
        /** "buffer running_var of stage layers[0] (batch-norm) holds NaN (value 1 of 2)", and for a variance below 0 why. */
        public String describe() {
            return what + " holds " + value + " (value " + (index + 1) + " of " + size + ")"
                    + (negative ? ", but it is a variance and must be ≥ 0" : "");
        }
    }

    /** The first bad value of the network's live state, or null. */
    public static Bad first(Network network) {
        List<Parameter> ps = network.parameters();
        List<Buffer> bs = network.buffers();
        return first(network, k -> k < ps.size() ? ps.get(k).value() : bs.get(k - ps.size()).values());
    }

    /**
     * The first bad value of {@code arrays}, laid out as the network's state is saved: array {@code k} is the
     * network's parameter {@code k} (stage order), then its buffers (stage order); or null when all are good.
     */
    public static Bad first(Network network, IntFunction<double[]> arrays) {
        List<Stage> stages = network.stages();
        int k = 0;
        for (int i = 0; i < stages.size(); i++) {
            int si = i;
            if (stages.get(i) instanceof Layer l) {
                for (Parameter p : l.parameters()) {
                    Bad b = check(arrays.apply(k++), false, () -> "parameter " + p.name() + " of " + stage(network, si));
                    if (b != null) {
                        return b;
                    }
                }
            }
        }
        for (int i = 0; i < stages.size(); i++) {
            int si = i;
            for (Buffer buf : stages.get(i).buffers()) {
                Bad b = check(arrays.apply(k++), buf.nonNegative(), () -> "buffer " + buf.name() + " of " + stage(network, si));
                if (b != null) {
                    return b;
                }
            }
        }
        return null;
    }

    /** The first bad value of one stage's buffers (after a training forward updated them), or null. */
    public static Bad firstInBuffers(Network network, int stage) {
        for (Buffer buf : network.stages().get(stage).buffers()) {
            Bad b = check(buf.values(), buf.nonNegative(), () -> "buffer " + buf.name() + " of " + stage(network, stage));
            if (b != null) {
                return b;
            }
        }
        return null;
    }

    /** The first bad value of one array (optimizer state: finite only), named {@code what}, or null. */
    public static Bad check(double[] v, boolean nonNegative, java.util.function.Supplier<String> what) {
        for (int j = 0; j < v.length; j++) {
            double d = v[j];
            if (!Double.isFinite(d) || nonNegative && d < 0) {
                return new Bad(what.get(), j, v.length, d, Double.isFinite(d));
            }
        }
        return null;
    }

    /** "stage layers[1] (batch-norm)", or "stage block3.bn (batch-norm)" for a named one. */
    public static String stage(Network network, int i) {
        return "stage " + network.graph().label(i) + " (" + network.stages().get(i).type() + ")";
    }
}
