package dev.chainrule.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.chainrule.api.Loss;
import dev.chainrule.engine.config.ComponentSpec;
import dev.chainrule.engine.config.ConfigException;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The loss must take what the data has: class labels, or a regression's values; both directions are one line. */
class ClassCheckTest {
    private static RunConfig config(String loss) {
        RunConfig c = mock(RunConfig.class);
        when(c.source()).thenReturn("cfg.json");
        when(c.loss()).thenReturn(ComponentSpec.of(loss));
        when(c.layers()).thenReturn(List.of(ComponentSpec.of("dense")));
        return c;
    }

    private static Network network(Set<Loss.Targets> takes, int outputs) {
        Loss loss = mock(Loss.class);
        when(loss.targets()).thenReturn(takes);
        Network n = mock(Network.class);
        when(n.loss()).thenReturn(loss);
        when(n.outputSize()).thenReturn(outputs);
        return n;
    }

    private static Samples samples(boolean regression, int k) {
        Samples s = mock(Samples.class);
        when(s.regression()).thenReturn(regression);
        when(s.numClasses()).thenReturn(k);
        return s;
    }

    @Test
    void aClassLossOnRegressionTargetsIsOneLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ClassCheck.checkTargets(config("cross-entropy"),
                network(Set.of(Loss.Targets.CLASSES), 1), samples(true, 1)));
        assertEquals("cfg.json: loss.type: 'cross-entropy' takes class labels, but the data has real-valued targets "
                + "(data.target: a regression); use a loss that takes values, such as mse, mae or huber", e.getMessage());
    }

    @Test
    void aValueOnlyLossOnClassLabelsIsOneLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ClassCheck.checkTargets(config("quantile"),
                network(Set.of(Loss.Targets.VALUES), 3), samples(false, 3)));
        assertEquals("cfg.json: loss.type: 'quantile' takes real-valued targets, but the data has class labels; use a "
                + "classification loss such as cross-entropy, or give the data's value columns as data.target", e.getMessage());
    }

    @Test
    void aRegressionNeedsOneOutputPerTarget() {
        ConfigException e = assertThrows(ConfigException.class, () -> ClassCheck.checkTargets(config("mse"),
                network(Set.of(Loss.Targets.CLASSES, Loss.Targets.VALUES), 3), samples(true, 2)));
        assertEquals("cfg.json: network.layers[0]: the last stage (dense) gives 3 outputs but the data has 2 targets; "
                + "they must be equal", e.getMessage());
    }

    @Test
    void matchingTargetsPass() {
        ClassCheck.checkTargets(config("mse"), network(Set.of(Loss.Targets.CLASSES, Loss.Targets.VALUES), 2),
                samples(true, 2));
        ClassCheck.checkTargets(config("cross-entropy"), network(Set.of(Loss.Targets.CLASSES), 3), samples(false, 3));
    }
}
