package dev.chainrule.datasources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.data.DataSourceProvider;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ProvidersTest {
    @Test
    void serviceLoaderFindsTheBuiltIns() {
        Set<String> types = new TreeSet<>();
        for (DataSourceProvider p : ServiceLoader.load(DataSourceProvider.class)) {
            types.add(p.type());
            assertEquals(ComponentProvider.Kind.DATA_SOURCE, p.kind());
            assertFalse(p.kind().isStage());
            assertFalse(p.description().isBlank());
            for (OptionSpec s : p.options()) {
                assertFalse(s.meaning().isBlank(), p.type() + "." + s.name());
            }
        }
        assertEquals(Set.of("csv", "image-folder", "npy"), types);
        assertEquals("data-source", ComponentProvider.Kind.DATA_SOURCE.id());
        assertEquals("layer", ComponentProvider.Kind.LAYER.id());
    }
}
