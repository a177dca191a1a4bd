package dev.chainrule.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.base.Terminal;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Load a trained model and print its test accuracy (the figure training printed).")
public class EvaluateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR_OR_MODEL", description = "a run folder or its model.json")
    Path model;

    @Option(names = "--data", paramLabel = "DIR",
            description = "use this folder of IDX files instead of the data the model was trained on")
    Path data;


    @Option(names = PluginSettings.TRUST_OPTION,
            description = "load the plugin jars the run recorded in its plugins.json (each checked against its "
                    + "recorded SHA-256); without it code is loaded only from --plugins, $CHAINRULE_PLUGINS or plugins/")
    boolean trustRunPlugins;

    @Inject
    PluginSettings pluginSettings;

    private final ConfigReader reader;
    private final NetworkFactory factory;
    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final Terminal terminal;
    @Inject
    RunPlugins runPlugins;

    @Inject
    public EvaluateCommand(ConfigReader reader, NetworkFactory factory, DataSource dataSource, ObjectMapper mapper,
            Terminal terminal) {
        this.reader = reader;
        this.factory = factory;
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        if (data != null && data.toString().isEmpty()) {
            // Path.of("") is the working directory: never what an empty value (an unset variable) meant
            throw new dev.chainrule.engine.base.BadInputException("--data: must be a folder path, got an empty string");
        }
        if (trustRunPlugins && pluginSettings != null) {
            pluginSettings.trustRecorded();
        }
        if (runPlugins != null) {
            runPlugins.checkBeforeLoading(model);
        }
        ModelFiles.Loaded m;
        try {
            m = ModelFiles.read(model, model.toString(), reader, factory, mapper);
        } catch (dev.chainrule.engine.base.BadInputException e) {
            throw runPlugins == null ? e : runPlugins.withRecordHint(e);
        }
        RunConfig c = m.config();
        RunConfig.Data d = data != null ? new RunConfig.Data(null, data.toAbsolutePath().normalize().toString())
                : c.data();
        DataSource.Split split = dataSource.load(d);
        if (split.test().features() != c.input()) {
            throw new ConfigException(model.toString(), "config.network.input", c.input()
                    + " but the data has " + split.test().features() + " features per sample");
        }
        int k = m.network().outputSize();
        String stray = split.test().labelAtLeast(k);
        if (stray != null) {
            throw new dev.chainrule.engine.base.BadInputException(stray + " is not a class of the model: it predicts " + k
                    + " classes (0.." + (k - 1) + ")");
        }
        if (split.test().numClasses() > m.network().outputSize()) {
            throw new ConfigException(model.toString(), "classes", "the model predicts " + m.network().outputSize()
                    + " classes but the data has " + split.test().numClasses());
        }
        Evaluation e = Evaluator.evaluate(m.network(), split.test(), c.training().evalBatchSize());
        terminal.out().printf(Locale.ROOT, "%s: test accuracy %s on %d test samples (test loss %s)%n", c.name(),
                Evaluation.percent(e.accuracy()), e.samples(), dev.chainrule.engine.io.Text.number(e.meanLoss(), 4));
        terminal.out().flush();
        return 0;
    }
}
