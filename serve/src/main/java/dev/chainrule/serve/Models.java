package dev.chainrule.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.output.ModelFiles;
import dev.chainrule.engine.registry.ProviderRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/** Where the page gets a run's trained model from (with what its training recorded of its data). */
public interface Models {

    /**
     * The model of a run folder. Throws a {@link RuntimeException} whose message is one line for the page
     * when the folder has no model or it cannot be loaded (a plugin type nobody provides, a corrupt file).
     */
    DigitModel load(Path runDir, String shown);

    /**
     * Models read with {@link ModelFiles#read}, as {@code predict} reads them, through the runner's provider
     * registry (built-ins and the plugins folder fixed at start). The config reader is one that knows no
     * plugin settings, so a {@code "plugins"} field inside a served model cannot make the server load code
     * from another folder. A model is read again when its files change (a run that finished, or was resumed).
     */
    final class FromFiles implements Models {
        private final ConfigReader reader;
        private final NetworkFactory factory;
        private final ObjectMapper mapper;
        private final Map<Path, Cached> cache = new HashMap<>();

        private record Cached(FileTime model, FileTime weights, DigitModel model0) {
        }

        public FromFiles(ProviderRegistry registry, ObjectMapper mapper) {
            this.reader = new ConfigReader(registry);
            this.factory = new NetworkFactory(registry);
            this.mapper = mapper;
        }

        @Override
        public synchronized DigitModel load(Path runDir, String shown) {
            Path json = runDir.resolve(ModelFiles.MODEL_JSON);
            if (!Files.isRegularFile(json)) {
                throw new IllegalStateException(shown + ": no model yet (model.json is written when training ends)");
            }
            FileTime tm = mtime(json);
            FileTime tw = mtime(runDir.resolve(ModelFiles.WEIGHTS_BIN));
            Path key = runDir.toAbsolutePath().normalize();
            Cached c = cache.get(key);
            if (c != null && c.model().equals(tm) && java.util.Objects.equals(c.weights(), tw)) {
                return c.model0();
            }
            ModelFiles.Loaded m = ModelFiles.read(runDir, shown, reader, factory, mapper);
            DigitModel d = new DigitModel(shown, m.network(), m.config().data() == null ? null
                    : m.config().data().fitted());
            cache.put(key, new Cached(tm, tw, d));
            return d;
        }

        private static FileTime mtime(Path p) {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                return null;
            }
        }
    }
}
