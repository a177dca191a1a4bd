package dev.chainrule.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Buffer;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.Options;
import dev.chainrule.api.Parameter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer against steps worked out by hand: one scalar parameter θ = 1, the runner's summed gradient
 * over a batch of B = 2 (so the mean is half of it), two steps.
 */
class OptimizerStepsTest {
    private static final double TOL = 1e-15;

    private static Parameter scalar(double w) {
        Parameter p = Parameter.vector("w", 1);
        p.value()[0] = w;
        return p;
    }

    /** One step with the summed gradient {@code sum} over a batch of 2. */
    private static double step(Optimizer o, Parameter p, double sum) {
        p.grad()[0] = sum;
        o.step(List.of(p), 2);
        return p.value()[0];
    }

    private static Optimizer make(OptimizerProvider provider, Map<String, Object> options) {
        return provider.create(new BuildContext(1, new Options(options), 0L));
    }

    @Test
    void plainSgdIsTheLinearStepAndMovesByTheMeanGradient() {
        Optimizer o = make(new SgdProvider(), Map.of("learningRate", 0.1));
        assertEquals(0.1 * (1.0 / 2), o.linearStep(2).getAsDouble());
        assertTrue(o.state(List.of(scalar(0))).isEmpty(), "plain SGD keeps no state");
        Parameter p = scalar(1);
        assertEquals(0.8, step(o, p, 4), TOL); // ḡ = 2: 1 − 0.1·2
    }

    @Test
    void sgdMomentumDampeningNesterovAndWeightDecay() {
        Parameter p = scalar(1);
        Optimizer heavy = make(new SgdProvider(), Map.of("learningRate", 0.1, "momentum", 0.9));
        assertTrue(heavy.linearStep(2).isEmpty());
        assertEquals(0.8, step(heavy, p, 4), TOL);          // v = 2
        assertEquals(0.8 - 0.38, step(heavy, p, 4), TOL);   // v = 0.9·2 + 2 = 3.8

        p = scalar(1);
        Optimizer damped = make(new SgdProvider(), Map.of("learningRate", 0.1, "momentum", 0.9, "dampening", 0.5));
        assertEquals(0.8, step(damped, p, 4), TOL);         // first step undamped: v = 2
        assertEquals(0.8 - 0.28, step(damped, p, 4), TOL);  // v = 0.9·2 + 0.5·2 = 2.8

        p = scalar(1);
        Optimizer nesterov = make(new SgdProvider(), Map.of("learningRate", 0.1, "momentum", 0.9, "nesterov", true));
        assertEquals(1 - 0.38, step(nesterov, p, 4), TOL);          // v = 2, d = 2 + 0.9·2
        assertEquals(0.62 - 0.542, step(nesterov, p, 4), 1e-15);    // v = 3.8, d = 2 + 0.9·3.8

        p = scalar(1);
        Optimizer decay = make(new SgdProvider(), Map.of("learningRate", 0.1, "weightDecay", 0.1));
        assertTrue(decay.linearStep(2).isEmpty(), "weight decay is not the linear step");
        assertEquals(1 - 0.1 * 2.1, step(decay, p, 4), TOL);        // d = 2 + 0.1·1
    }

    @Test
    void adamFirstStepIsTheSignedRateThenBiasCorrectedMoments() {
        Parameter p = scalar(1);
        Optimizer o = make(new AdamProvider(), Map.of("learningRate", 0.1));
        // m̂ = ḡ, v̂ = ḡ² on the first step
        assertEquals(1 - 0.1 * 2 / (2 + 1e-8), step(o, p, 4), TOL);
        double w1 = p.value()[0];
        // ḡ = −1: m = 0.9·0.2 − 0.1 = 0.08 (from m = 0.1·2 = 0.2), v = 0.999·0.004 + 0.001·1
        double m = 0.08;
        double v = 0.999 * 0.004 + 0.001;
        double expected = w1 - 0.1 / (1 - 0.81) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.999 * 0.999) + 1e-8);
        assertEquals(expected, step(o, p, -2), 1e-14);
        List<Buffer> state = o.state(List.of(p));
        assertEquals(2.0, state.get(0).values()[0], "the step counter is state");
        assertEquals(m, state.get(1).values()[0], 1e-16);
        assertEquals(v, state.get(2).values()[0], 1e-16);
    }

    @Test
    void adamLayerDecayIsAddedToTheGradientAdamwDecaysTheWeight() {
        Parameter p = scalar(1);
        Optimizer adam = make(new AdamProvider(), Map.of("learningRate", 0.1, "weightDecay", 0.5));
        assertEquals(1 - 0.1 * 2.5 / (2.5 + 1e-8), step(adam, p, 4), TOL);  // d = 2 + 0.5·1
        p = scalar(1);
        Optimizer adamw = make(new AdamWProvider(), Map.of("learningRate", 0.1, "weightDecay", 0.5));
        assertEquals((1 - 0.1 * 0.5) - 0.1 * 2 / (2 + 1e-8), step(adamw, p, 4), TOL);
        assertEquals(0.01, make(new AdamWProvider(), Map.of()) instanceof Adam a ? a.weightDecay() : -1, "torch's default");
    }

    @Test
    void rmspropPlainCenteredAndWithMomentum() {
        Parameter p = scalar(1);
        Optimizer o = make(new RmsPropProvider(), Map.of());   // α = 0.01, a = 0.99
        assertEquals(1 - 0.01 * (2 / (Math.sqrt(0.01 * 4) + 1e-8)), step(o, p, 4), TOL);  // s = 0.04
        p = scalar(1);
        Optimizer c = make(new RmsPropProvider(), Map.of("centered", true));
        // s = 0.04, c = 0.02, r = sqrt(0.04 − 0.0004) + ε
        assertEquals(1 - 0.01 * (2 / (Math.sqrt(0.04 - 0.0004) + 1e-8)), step(c, p, 4), TOL);
        p = scalar(1);
        Optimizer m = make(new RmsPropProvider(), Map.of("momentum", 0.5));
        double b1 = 2 / (0.2 + 1e-8);
        assertEquals(1 - 0.01 * b1, step(m, p, 4), TOL);
        double s2 = 0.99 * 0.04 + 0.01 * 4;
        double b2 = 0.5 * b1 + 2 / (Math.sqrt(s2) + 1e-8);
        assertEquals(1 - 0.01 * b1 - 0.01 * b2, step(m, p, 4), 1e-14);
    }

    @Test
    void adagradAccumulatesSquaresAndDecaysTheRate() {
        Parameter p = scalar(1);
        Optimizer o = make(new AdagradProvider(), Map.of("lrDecay", 0.5, "initialAccumulatorValue", 0.25));
        assertEquals(1 - 0.01 * (2 / (Math.sqrt(4.25) + 1e-10)), step(o, p, 4), TOL);
        double w1 = p.value()[0];
        assertEquals(w1 - 0.01 / 1.5 * (2 / (Math.sqrt(8.25) + 1e-10)), step(o, p, 4), TOL);
    }

    @Test
    void clipNormScalesAllGradientsTogether() {
        Parameter a = scalar(1);
        Parameter b = scalar(1);
        Optimizer o = make(new SgdProvider(), Map.of("learningRate", 1.0, "clipNorm", 1.0));
        assertTrue(o.linearStep(2).isEmpty(), "clipping is not the linear step");
        a.grad()[0] = 6;  // ḡ = (3, 4), norm 5
        b.grad()[0] = 8;
        o.step(List.of(a, b), 2);
        double coef = 1.0 / (5 + 1e-6);
        assertEquals(1 - 3 * coef, a.value()[0], TOL);
        assertEquals(1 - 4 * coef, b.value()[0], TOL);
        // under the norm nothing changes
        Optimizer loose = make(new SgdProvider(), Map.of("learningRate", 1.0, "clipNorm", 10.0));
        a.grad()[0] = 6;
        double before = a.value()[0];
        loose.step(List.of(a), 2);
        assertEquals(before - 3, a.value()[0], TOL);
    }

    @Test
    void badOptionsNameTheOption() {
        OptionException e = assertThrows(OptionException.class,
                () -> make(new SgdProvider(), Map.of("nesterov", true)));
        assertEquals("nesterov", e.key());
        assertEquals("learningRate", assertThrows(OptionException.class,
                () -> make(new AdamProvider(), Map.of("learningRate", -0.1))).key());
        assertEquals("beta1", assertThrows(OptionException.class,
                () -> make(new AdamProvider(), Map.of("beta1", 1.0))).key());
        assertEquals("epsilon", assertThrows(OptionException.class,
                () -> make(new RmsPropProvider(), Map.of("epsilon", 0.0))).key());
        assertTrue(assertThrows(OptionException.class, () -> make(new AdagradProvider(), Map.of("beta1", 0.5)))
                .getMessage().contains("beta1"));
    }
}
