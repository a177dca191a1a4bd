package dev.chainrule.engine.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.ConfigException;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.output.ModelFiles;
import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.plugins.RunPlugins;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.Evaluation;
import dev.chainrule.engine.train.Evaluator;
import jakarta.inject.Inject;
import java.nio.file.Path;

/**
 * A saved model back in memory, the way {@code evaluate}, {@code predict} and the Java facade load it: the
 * plugin jars the run recorded are checked (and loaded only when trusted) before any model file is read, then
 * model.json and weights.bin are read and validated and the network rebuilt with its weights and buffers.
 */
public class ModelLoader {
    private final ConfigReader reader;
    private final NetworkFactory factory;
    private final ObjectMapper mapper;
    private final PluginSettings pluginSettings;
    private final RunPlugins runPlugins;
    private final DataSource dataSource;

    @Inject
    public ModelLoader(ConfigReader reader, NetworkFactory factory, ObjectMapper mapper, PluginSettings pluginSettings,
            RunPlugins runPlugins, DataSource dataSource) {
        this.reader = reader;
        this.factory = factory;
        this.mapper = mapper;
        this.pluginSettings = pluginSettings;
        this.runPlugins = runPlugins;
        this.dataSource = dataSource;
    }

    /**
     * Loads a run folder or its model.json.
     *
     * @param trustRunPlugins load the plugin jars the run recorded in its plugins.json (each checked against
     *                        its recorded SHA-256)
     */
    public ModelFiles.Loaded load(Path model, boolean trustRunPlugins) {
        if (trustRunPlugins && pluginSettings != null) {
            pluginSettings.trustRecorded();
        }
        if (runPlugins != null) {
            runPlugins.checkBeforeLoading(model);
        }
        try {
            return ModelFiles.read(model, model.toString(), reader, factory, mapper);
        } catch (BadInputException e) {
            throw runPlugins == null ? e : runPlugins.withRecordHint(e);
        }
    }

    /**
     * The model's test figures on the data it was trained on, or on a folder of IDX files ({@code data} not
     * null); {@code shown} names the model in messages.
     */
    public Evaluation evaluate(ModelFiles.Loaded m, Path data, String shown) {
        RunConfig c = m.config();
        RunConfig.Data d = data != null ? new RunConfig.Data(null, data.toAbsolutePath().normalize().toString())
                : c.data();
        DataSource.Split split = dataSource.load(d);
        if (split.test().features() != c.input()) {
            throw new ConfigException(shown, "config.network.input", c.input()
                    + " but the data has " + split.test().features() + " features per sample");
        }
        int k = m.network().outputSize();
        if (split.test().regression()) {
            return Evaluator.evaluate(m.network(), split.test(), c.training().evalBatchSize());
        }
        String stray = split.test().labelAtLeast(k);
        if (stray != null) {
            throw new BadInputException(stray + " is not a class of the model: it predicts " + k
                    + " classes (0.." + (k - 1) + ")");
        }
        if (split.test().numClasses() > m.network().outputSize()) {
            throw new ConfigException(shown, "classes", "the model predicts " + m.network().outputSize()
                    + " classes but the data has " + split.test().numClasses());
        }
        return Evaluator.evaluate(m.network(), split.test(), c.training().evalBatchSize());
    }
}
