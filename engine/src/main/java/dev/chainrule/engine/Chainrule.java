package dev.chainrule.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.run.Gradcheck;
import dev.chainrule.engine.run.ModelLoader;
import dev.chainrule.engine.run.TrainingRun;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * chainrule from Java: load a config, train it into a run folder, load a saved model, predict, evaluate,
 * gradcheck. The same engine as the {@code runner} command line, so the same config and seed give the same
 * weights bit for bit (examples/java-api checks it against {@code runner train}).
 *
 * <pre>{@code
 * Chainrule chainrule = Chainrule.builder().console(System.out, System.err).build();
 * RunConfig config = chainrule.config(Path.of("configs/mnist-3layer.json"));
 * Trained run = chainrule.train(config, Path.of("runs/from-java"),
 *         epoch -> System.out.println(epoch.epoch() + ": " + epoch.testAccuracy()));
 * Model model = chainrule.load(run.runFolder());
 * double[] p = model.probabilities(row);          // 784 pixels in [0, 1]
 * }</pre>
 *
 * <p>Bad input (a config, a data folder, a model, an output folder) throws
 * {@link dev.chainrule.engine.base.BadInputException}, whose message is the one line the command line would
 * print; a diverged training throws
 * {@link dev.chainrule.engine.base.CheckFailedException} (exit code 1 on the command line). An instance
 * holds the provider registry (built-ins and the plugins folder's jars, loaded on first use); it is not meant for
 * concurrent runs.
 */
public final class Chainrule {
    private final Injector injector;

    private Chainrule(Injector injector) {
        this.injector = injector;
    }

    /** An engine with the built-in plugins and those of {@code $CHAINRULE_PLUGINS} or ./plugins, printing nothing. */
    public static Chainrule create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How an engine is made: its plugins folder and where its progress lines go. */
    public static final class Builder {
        private Path plugins;
        private PrintWriter out = silent();
        private PrintWriter err = silent();
        private Map<String, String> environment = System.getenv();
        private final List<Module> overrides = new ArrayList<>();

        private Builder() {
        }

        /** The folder of plugin jars (instead of {@code $CHAINRULE_PLUGINS}, a config's "plugins" or ./plugins). */
        public Builder plugins(Path folder) {
            this.plugins = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** Per-epoch lines to {@code out}; progress, download notes and warnings to {@code err}. Default: none. */
        public Builder console(PrintStream out, PrintStream err) {
            this.out = new PrintWriter(out, true, StandardCharsets.UTF_8);
            this.err = new PrintWriter(err, true, StandardCharsets.UTF_8);
            return this;
        }

        /** The environment read for CHAINRULE_PLUGINS and CHAINRULE_PLUGIN_TIMEOUT (default: the process's). */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        /** Replaces engine bindings (Guice), e.g. a data source of your own for {@code DataSource}. */
        public Builder override(Module... modules) {
            overrides.addAll(List.of(modules));
            return this;
        }

        public Chainrule build() {
            Injector injector = Guice.createInjector(Modules.override(
                    new EngineModule(new Terminal(out, err, false), environment)).with(overrides));
            if (plugins != null) {
                injector.getInstance(PluginSettings.class).option(plugins);
            }
            return new Chainrule(injector);
        }

        private static PrintWriter silent() {
            return new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        }
    }

    /** Reads and validates a config file (docs/config.md), as {@code runner train CONFIG} does. */
    public RunConfig config(Path file) {
        return injector.getInstance(ConfigPipeline.class).read(file, file.toString());
    }

    /**
     * Validates a config given as JSON text; relative paths in it (a data folder, a plugins folder) resolve
     * against the working directory, and a config without a {@code name} is named "run".
     */
    public RunConfig config(String json) {
        return injector.getInstance(ConfigPipeline.class).parse(json, "config", "run",
                Path.of("").toAbsolutePath());
    }

    /**
     * Validates config text whose relative paths resolve against {@code baseDir}; {@code shown} names it in
     * messages and {@code defaultName} names the run when the config does not (a sweep's variants).
     */
    public RunConfig configIn(String json, String shown, String defaultName, Path baseDir) {
        return injector.getInstance(ConfigPipeline.class).parse(json, shown, defaultName, baseDir.toAbsolutePath());
    }

    /**
     * Validates a config built in code as a JSON-shaped tree of maps, lists, strings, numbers and booleans,
     * e.g. {@code Map.of("network", Map.of("layers", List.of(Map.of("type", "dense", "units", 10), ...)))}.
     */
    public RunConfig config(Map<String, ?> tree) {
        try {
            return config(injector.getInstance(ObjectMapper.class).writeValueAsString(tree));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the config tree is not JSON-shaped: " + e.getOriginalMessage(), e);
        }
    }

    /** Trains {@code config} into the run folder {@code out} (made; it must not hold a run). */
    public Trained train(RunConfig config, Path out) {
        return train(config, out, null);
    }

    /** Trains {@code config} into {@code out}, telling {@code listener} each epoch's figures. */
    public Trained train(RunConfig config, Path out, TrainingListener listener) {
        TrainingRun.Request request = TrainingRun.Request.fresh(config, Objects.requireNonNull(out, "out"));
        return finish(injector.getInstance(TrainingRun.class).run(
                listener == null ? request : request.withListener(listener::epoch)));
    }

    /**
     * Continues a run folder from its last checkpoint; the final weights are bitwise those of a run never
     * stopped. Plugin jars the run recorded are loaded only if they are in this engine's plugins folder.
     */
    public Trained resume(Path runFolder) {
        return finish(injector.getInstance(TrainingRun.class).run(
                new TrainingRun.Request(null, runFolder, null, null, false, null, null)));
    }

    private Trained finish(TrainingRun.Outcome o) {
        Model model = load(o.dir());
        return new Trained(o.dir(), model, o.result().epochs(), o.result().finalTest().accuracy());
    }

    /** Loads a run folder or its model.json, checked as {@code runner evaluate} checks it. */
    public Model load(Path runFolderOrModel) {
        ModelLoader loader = injector.getInstance(ModelLoader.class);
        return new Model(loader.load(runFolderOrModel, false), loader, injector.getInstance(ObjectMapper.class));
    }

    /**
     * Checks every Jacobian of the config's network and its whole gradient against finite differences on
     * {@code samples} random inputs (the console gets one PASS/FAIL line per part); true when all passed.
     */
    public boolean gradcheck(RunConfig config, int samples) {
        return injector.getInstance(Gradcheck.class).check(config, samples, 40);
    }

    /** The type ids of every provider this engine sees (built-ins and plugin jars). */
    public Set<String> types() {
        return injector.getInstance(ProviderRegistry.class).types(java.util.EnumSet.allOf(
                dev.chainrule.api.ComponentProvider.Kind.class));
    }
}
