package dev.chainrule.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.output.FileRunWriter;
import dev.chainrule.engine.output.RunWriter;
import dev.chainrule.engine.plugins.PluginDiscovery;
import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.train.ConsoleProgress;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.PluginDataSource;
import dev.chainrule.engine.train.ProgressSink;
import dev.chainrule.engine.train.SgdTrainer;
import dev.chainrule.engine.train.Trainer;
import java.util.Map;

/**
 * How the engine's parts are wired (Guice). Each binding is an interface or a replaceable class, so a front end
 * or a test can override one (a data source of three samples, a recording sink) with
 * {@code Modules.override(new EngineModule(t, env)).with(...)}.
 */
public class EngineModule extends AbstractModule {
    private final Terminal terminal;
    private final Map<String, String> environment;

    /**
     * @param terminal    where progress, per-epoch lines and warnings go
     * @param environment read for {@code CHAINRULE_PLUGINS} and {@code CHAINRULE_PLUGIN_TIMEOUT}
     */
    public EngineModule(Terminal terminal, Map<String, String> environment) {
        this.terminal = terminal;
        this.environment = Map.copyOf(environment);
    }

    @Override
    protected void configure() {
        bind(Terminal.class).toInstance(terminal);
        bind(DataSource.class).to(PluginDataSource.class);
        bind(Trainer.class).to(SgdTrainer.class);
        bind(RunWriter.class).to(FileRunWriter.class);
    }

    /** An option, the environment and the config decide the plugins folder (see PluginSettings). */
    @Provides
    @Singleton
    PluginSettings pluginSettings() {
        return new PluginSettings(environment);
    }

    @Provides
    @Singleton
    PluginDiscovery pluginDiscovery(PluginSettings settings, Terminal t) {
        return new PluginDiscovery(settings, t);
    }

    /**
     * The providers on the class path and in the plugins folder's jars, discovered on first use: a front end may
     * name the folder after its parts are created (the command line is parsed after the commands exist).
     */
    @Provides
    @Singleton
    ProviderRegistry registry(PluginDiscovery discovery) {
        return ProviderRegistry.lazy(discovery::registry);
    }

    @Provides
    @Singleton
    ObjectMapper mapper() {
        // a key given twice in a model, checkpoint or record is refused rather than the last one taken
        return JsonMapper.builder().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    @Provides
    ProgressSink progress(Terminal t) {
        return new ConsoleProgress(t.err(), t.interactive());
    }
}
