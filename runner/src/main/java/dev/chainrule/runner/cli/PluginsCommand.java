package dev.chainrule.runner.cli;

import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.plugins.PluginDiscovery;
import dev.chainrule.engine.plugins.PluginJar;
import dev.chainrule.engine.registry.ProviderRegistry;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every discovered type (layers, activations, transforms, losses, optimizers, data sources): kind, type id, provider class, source "
                + "(built-in or the plugin jar), and each jar's version and SHA-256.")
public class PluginsCommand implements Callable<Integer> {
    private final ProviderRegistry registry;
    private final PluginDiscovery discovery;
    private final Terminal terminal;

    @Inject
    public PluginsCommand(ProviderRegistry registry, PluginDiscovery discovery, Terminal terminal) {
        this.registry = registry;
        this.discovery = discovery;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        // a listing is the one place every jar is loaded (each under the time limit, a failing one skipped)
        List<ProviderRegistry.Entry> es = new ArrayList<>(registry.loadAll());
        es.sort(Comparator.comparing((ProviderRegistry.Entry e) -> e.kind()).thenComparing(ProviderRegistry.Entry::type));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"kind", "type", "provider", "source", "version", "sha256"});
        for (ProviderRegistry.Entry e : es) {
            PluginJar j = discovery.jar(e.source());
            rows.add(new String[] {e.kind().id(), e.type(), e.provider().getClass().getName(), e.source(),
                    j == null ? "-" : j.version(), j == null ? "-" : j.sha256()});
        }
        int[] w = new int[6];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
            }
            terminal.out().println(sb);
        }
        terminal.out().println("plugins folder: " + discovery.folder().describe());
        for (PluginJar j : discovery.jars()) {
            terminal.out().println(j.broken() ? "skipped " + j.describeProblem()
                    : "loaded " + j.shown() + ": " + j.providers().size() + " type(s), version " + j.version()
                            + ", api " + j.apiVersion() + ", sha256 " + j.sha256());
        }
        terminal.out().flush();
        return 0;
    }
}
