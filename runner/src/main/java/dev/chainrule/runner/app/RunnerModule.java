package dev.chainrule.runner.app;

import com.google.inject.AbstractModule;
import dev.chainrule.engine.EngineModule;
import dev.chainrule.engine.base.Terminal;

/**
 * How the runner's parts are wired: the engine's module with the process environment. Each binding is an
 * interface or a replaceable class, so a test can override one (a data source of three samples, a recording
 * sink) with {@code Modules.override(new RunnerModule(t)).with(...)}.
 */
public class RunnerModule extends AbstractModule {
    private final Terminal terminal;

    public RunnerModule(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    protected void configure() {
        install(new EngineModule(terminal, System.getenv()));
    }
}
