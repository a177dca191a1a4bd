package dev.chainrule.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The api 2 building blocks: shapes, the forward context's random source, typed options, any-rank parameters. */
class Api2Test {

    @Test
    void shapesAreChannelMajorAndPrintLikeTheDocs() {
        Shape s = Shape.image(1, 28, 28);
        assertEquals(784, s.size());
        assertEquals("1×28×28", s.toString());
        assertEquals(Shape.of(784), s.flat());
        assertEquals(Shape.of(1, 28, 28), s);
        assertThrows(IllegalArgumentException.class, () -> Shape.of(3, 0));
        assertThrows(IllegalArgumentException.class, () -> Shape.of());
    }

    @Test
    void theRandomSourceIsAFunctionOfItsKeyAloneNotOfDrawOrder() {
        ForwardContext a = ForwardContext.training(42, 7).atStage(3);
        ForwardContext b = ForwardContext.training(42, 7).atStage(3);
        // draw b's values in reverse order: counter-based, so the same values
        for (int k = 9; k >= 0; k--) {
            assertEquals(a.random(5).uniform(k), b.random(5).uniform(k));
        }
        assertNotEquals(a.random(5).uniform(0), a.random(6).uniform(0), "rows differ");
        assertNotEquals(a.random(5).uniform(0), ForwardContext.training(42, 8).atStage(3).random(5).uniform(0), "steps differ");
        assertNotEquals(a.random(5).uniform(0), ForwardContext.training(42, 7).atStage(4).random(5).uniform(0), "stages differ");
        assertNotEquals(a.random(5).uniform(0), ForwardContext.training(43, 7).atStage(3).random(5).uniform(0), "seeds differ");
    }

    @Test
    void uniformDrawsLookUniform() {
        RandomSource r = RandomSource.of(1, 2, 3);
        int n = 200_000;
        double sum = 0;
        int below = 0;
        for (int k = 0; k < n; k++) {
            double u = r.uniform(k);
            assertTrue(u >= 0 && u < 1);
            sum += u;
            below += u < 0.3 ? 1 : 0;
        }
        assertEquals(0.5, sum / n, 0.005);
        assertEquals(0.3, below / (double) n, 0.005);
    }

    @Test
    void inferenceNeverDraws() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ForwardContext.inference().atStage(0).random(0));
        assertTrue(e.getMessage().contains("no randomness in inference"), e.getMessage());
        assertFalse(ForwardContext.inference().training());
        assertEquals(-1, ForwardContext.inference().step());
    }

    @Test
    void typedOptionsDocumentAndValidateTheSameWay() {
        OptionSpec rate = OptionSpec.number("rate", "drop probability").range(0, false, 1, true).withDefault(0.5);
        assertEquals("number in [0, 1)", rate.type());
        assertEquals("0.5", rate.defaultValue());
        assertEquals(0.5, rate.numberValue(Options.empty()));
        assertEquals(0.25, rate.numberValue(new Options(Map.of("rate", 0.25))));
        OptionException e = assertThrows(OptionException.class, () -> rate.numberValue(new Options(Map.of("rate", 1.0))));
        assertEquals("rate", e.key());
        assertTrue(e.getMessage().contains("must be a number in [0, 1), got 1.0"), e.getMessage());

        OptionSpec units = OptionSpec.integer("units", "outputs").range(1, 100);
        assertTrue(units.required());
        assertEquals("integer from 1 to 100", units.type());
        assertThrows(OptionException.class, () -> units.intValue(Options.empty()));
        assertTrue(assertThrows(OptionException.class, () -> units.intValue(new Options(Map.of("units", 1.5))))
                .getMessage().contains("must be an integer from 1 to 100, got 1.5"));

        OptionSpec init = OptionSpec.choice("init", "how", "a", "b").withDefault("a");
        assertEquals("one of a, b", init.type());
        assertEquals("a", init.defaultValue());
        assertTrue(assertThrows(OptionException.class, () -> init.choiceValue(new Options(Map.of("init", "c"))))
                .getMessage().contains("unknown value 'c'; valid: a, b"));
        assertThrows(IllegalArgumentException.class, () -> OptionSpec.integer("k", "").range(1, 3).withDefault(5),
                "a default outside its own range is a plugin bug, caught when the spec is made");
    }

    @Test
    void parametersMayHaveAnyRank() {
        Parameter k = Parameter.tensor("K", 32, 1, 3, 3);
        assertEquals(288, k.size());
        assertEquals(4, k.shape().length);
    }
}
