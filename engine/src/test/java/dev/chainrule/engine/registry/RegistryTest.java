package dev.chainrule.engine.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Activation;
import dev.chainrule.engine.registry.Levenshtein;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.registry.ProviderSource;
import dev.chainrule.engine.registry.RegistryException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryTest {

    /** A second provider claiming the id "sigmoid", as a careless plugin might. */
    public static final class FakeSigmoid implements ActivationProvider {
        @Override
        public String type() {
            return "sigmoid";
        }

        @Override
        public String description() {
            return "a clash";
        }

        @Override
        public Activation create(BuildContext context) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void theClassPathProvidesTheBuiltInTypes() {
        ProviderRegistry r = ProviderRegistry.load(List.of(ProviderSource.builtIn()));
        assertEquals(java.util.Set.of("batch-norm", "conv2d", "dense", "layer-norm", "relu", "sigmoid", "softmax", "tanh"), r.types(
                java.util.EnumSet.of(dev.chainrule.api.ComponentProvider.Kind.LAYER,
                        dev.chainrule.api.ComponentProvider.Kind.ACTIVATION)));
        assertTrue(r.entries().stream().allMatch(e -> e.source().equals("built-in")));
    }

    @Test
    void aDuplicateTypeIdNamesBothProvidersAndSources() {
        List<ProviderRegistry.Entry> es = new ArrayList<>(ProviderRegistry.builtIn().entries());
        es.add(new ProviderRegistry.Entry(new FakeSigmoid(), "plugins/clash.jar"));
        RegistryException e = assertThrows(RegistryException.class, () -> ProviderRegistry.of(es));
        assertEquals("type 'sigmoid' is provided twice: by dev.chainrule.layers.SigmoidProvider (built-in) and by "
                + FakeSigmoid.class.getName() + " (plugins/clash.jar); remove one of them", e.getMessage());
    }

    @Test
    void unknownTypesSuggestTheNearestKnownOne() {
        ProviderRegistry r = ProviderRegistry.builtIn();
        assertEquals("unknown type 'sigmod'; known: add, avgpool2d, batch-norm, concat, conv2d, dense, dropout, flatten, "
                + "global-avgpool, layer-norm, maxpool2d, multiply, random-flip, random-shift, relu, sigmoid, softmax, tanh "
                + "(did you mean 'sigmoid'?)",
                assertThrows(RegistryException.class, () -> r.stage("sigmod")).getMessage());
        assertEquals("unknown type 'xyzzy-plugh'; known: cross-entropy, huber, mae, mse, softmax-cross-entropy",
                assertThrows(RegistryException.class, () -> r.loss("xyzzy-plugh")).getMessage());
    }

    @Test
    void levenshteinDistance() {
        assertEquals(3, Levenshtein.distance("kitten", "sitting"));
        assertEquals(0, Levenshtein.distance("relu", "relu"));
        assertEquals("relu", Levenshtein.nearest("relu6", List.of("dense", "relu", "sigmoid")));
    }
}
