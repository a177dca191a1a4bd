package dev.chainrule.testkit;

import dev.chainrule.api.Buffer;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The optimizer checks that need no declared formula, without JUnit (so {@code runner verify-plugin} runs
 * them too): determinism, {@code linearStep} consistency, the state round trip of a checkpoint, the learning
 * rate. On a tiny problem: two parameters of sizes 3 and 2, summed gradients of a batch of {@link #BATCH}.
 */
public final class OptimizerChecks {
    /** The batch size the summed gradients stand for. */
    public static final int BATCH = 4;
    static final int[] SIZES = {3, 2};

    private OptimizerChecks() {
    }

    /** The checks that need no declared formula, for {@code runner verify-plugin} as well. */
    public static List<CheckResult> behaviour(Supplier<Optimizer> make) {
        return List.of(deterministic(make), linearStepConsistent(make), stateRoundTrip(make), learningRateSettable(make));
    }

    public static CheckResult deterministic(Supplier<Optimizer> make) {
        double[][][] sums = gradients(4, new SplittableRandom(3));
        double[][] w0 = problem(SIZES, 1, new SplittableRandom(4));
        List<Parameter> a = params(w0);
        List<Parameter> b = params(w0);
        run(make.get(), a, sums, 0, 4);
        run(make.get(), b, sums, 0, 4);
        for (int i = 0; i < SIZES.length; i++) {
            if (!Arrays.equals(a.get(i).value(), b.get(i).value())) {
                return ContractChecks.fail("optimizer determinism: two optimizers on the same inputs differ in parameter " + i);
            }
        }
        return ContractChecks.pass("optimizer determinism");
    }

    public static CheckResult linearStepConsistent(Supplier<Optimizer> make) {
        Optimizer o = make.get();
        OptionalDouble c = o.linearStep(BATCH);
        if (c.isEmpty()) {
            return ContractChecks.pass("optimizer linearStep (none)");
        }
        double[][] w0 = problem(SIZES, 1, new SplittableRandom(5));
        double[][][] sums = gradients(1, new SplittableRandom(6));
        List<Parameter> ps = params(w0);
        run(o, ps, sums, 0, 1);
        for (int i = 0; i < SIZES.length; i++) {
            for (int j = 0; j < SIZES[i]; j++) {
                double e = w0[i][j] - c.getAsDouble() * sums[0][i][j];
                if (Math.abs(e - ps.get(i).value()[j]) > 1e-15 * Math.max(1, Math.abs(e))) {
                    return ContractChecks.fail("optimizer linearStep(" + BATCH + ") = " + c.getAsDouble()
                            + " but step() moved parameter " + i + " [" + j + "] to " + ps.get(i).value()[j]
                            + ", not " + e);
                }
            }
        }
        if (!o.state(ps).isEmpty()) {
            return ContractChecks.fail("optimizer linearStep: a linear step keeps no state, but state() has buffers");
        }
        return ContractChecks.pass("optimizer linearStep");
    }

    public static CheckResult stateRoundTrip(Supplier<Optimizer> make) {
        double[][][] sums = gradients(6, new SplittableRandom(8));
        double[][] w0 = problem(SIZES, 1, new SplittableRandom(9));
        List<Parameter> whole = params(w0);
        run(make.get(), whole, sums, 0, 6);

        List<Parameter> half = params(w0);
        Optimizer b = make.get();
        run(b, half, sums, 0, 3);
        List<Buffer> saved = b.state(half);
        List<double[]> copies = new ArrayList<>();
        for (Buffer buf : saved) {
            copies.add(buf.values().clone());
        }
        // a checkpoint: weights and state copied out, into new parameters and a new optimizer
        List<Parameter> resumed = params(values(half));
        Optimizer c = make.get();
        List<Buffer> live = c.state(resumed);
        if (saved.size() != live.size()) {
            return ContractChecks.fail("optimizer state: " + saved.size() + " buffers after 3 steps but a fresh "
                    + "optimizer's state() has " + live.size());
        }
        for (int k = 0; k < live.size(); k++) {
            if (copies.get(k).length != live.get(k).size()) {
                return ContractChecks.fail("optimizer state: buffer " + k + " " + live.get(k).name() + " has "
                        + live.get(k).size() + " values in a fresh optimizer, " + copies.get(k).length + " after steps");
            }
            System.arraycopy(copies.get(k), 0, live.get(k).values(), 0, copies.get(k).length);
        }
        List<Buffer> again = c.state(resumed);
        for (int k = 0; k < live.size(); k++) {
            if (again.get(k).values() != live.get(k).values()) {
                return ContractChecks.fail("optimizer state: state() must return the live buffers, the same arrays "
                        + "each time (buffer " + k + " " + live.get(k).name() + " is a new array)");
            }
        }
        run(c, resumed, sums, 3, 6);
        for (int i = 0; i < SIZES.length; i++) {
            if (!Arrays.equals(whole.get(i).value(), resumed.get(i).value())) {
                return ContractChecks.fail("optimizer state: parameter " + i + " after a state round trip at step 3 "
                        + "differs from an uninterrupted run; is some state missing from state()?");
            }
        }
        return ContractChecks.pass("optimizer state round trip");
    }

    public static CheckResult learningRateSettable(Supplier<Optimizer> make) {
        Optimizer o = make.get();
        double before = o.learningRate();
        if (!(before > 0)) {
            return ContractChecks.fail("optimizer learningRate() is " + before);
        }
        o.setLearningRate(before / 2);
        if (o.learningRate() != before / 2) {
            return ContractChecks.fail("optimizer setLearningRate(" + before / 2 + ") then learningRate() gives "
                    + o.learningRate());
        }
        double[][] w0 = problem(SIZES, 1, new SplittableRandom(10));
        double[][][] sums = gradients(1, new SplittableRandom(11));
        List<Parameter> slow = params(w0);
        run(o, slow, sums, 0, 1);
        List<Parameter> fast = params(w0);
        run(make.get(), fast, sums, 0, 1);
        if (Arrays.equals(slow.get(0).value(), fast.get(0).value())) {
            return ContractChecks.fail("optimizer setLearningRate had no effect on the step");
        }
        return ContractChecks.pass("optimizer learning rate");
    }


    static List<Parameter> params(double[][] w) {
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
            Parameter p = Parameter.vector("p" + i, w[i].length);
            System.arraycopy(w[i], 0, p.value(), 0, w[i].length);
            out.add(p);
        }
        return out;
    }

    static double[][] problem(int[] sizes, double scale, SplittableRandom rng) {
        double[][] out = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = new double[sizes[i]];
            for (int j = 0; j < sizes[i]; j++) {
                out[i][j] = scale * (2 * rng.nextDouble() - 1);
            }
        }
        return out;
    }

    /** Steps {@code from} to {@code to} (exclusive), step k with the summed gradients {@code sums[k]}. */
    static void run(Optimizer o, List<Parameter> ps, double[][][] sums, int from, int to) {
        for (int k = from; k < to; k++) {
            for (int i = 0; i < ps.size(); i++) {
                System.arraycopy(sums[k][i], 0, ps.get(i).grad(), 0, sums[k][i].length);
            }
            o.step(ps, BATCH);
        }
    }

    static double[][] values(List<Parameter> ps) {
        double[][] out = new double[ps.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ps.get(i).value().clone();
        }
        return out;
    }

    static double[][][] gradients(int steps, SplittableRandom rng) {
        double[][][] sums = new double[steps][][];
        for (int k = 0; k < steps; k++) {
            sums[k] = problem(SIZES, BATCH, rng);
        }
        return sums;
    }
}
