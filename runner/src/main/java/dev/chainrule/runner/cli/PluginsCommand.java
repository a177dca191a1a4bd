package dev.chainrule.runner.cli;

import dev.chainrule.runner.Terminal;
import dev.chainrule.runner.registry.ProviderRegistry;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every discovered layer, activation and loss type: kind, type id, provider class, source.")
public class PluginsCommand implements Callable<Integer> {
    private final ProviderRegistry registry;
    private final Terminal terminal;

    @Inject
    public PluginsCommand(ProviderRegistry registry, Terminal terminal) {
        this.registry = registry;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        List<ProviderRegistry.Entry> es = new ArrayList<>(registry.entries());
        es.sort(Comparator.comparing((ProviderRegistry.Entry e) -> e.kind()).thenComparing(ProviderRegistry.Entry::type));
        int wType = "type".length();
        int wClass = "provider".length();
        for (ProviderRegistry.Entry e : es) {
            wType = Math.max(wType, e.type().length());
            wClass = Math.max(wClass, e.provider().getClass().getName().length());
        }
        String fmt = "%-10s  %-" + wType + "s  %-" + wClass + "s  %s%n";
        terminal.out().printf(fmt, "kind", "type", "provider", "source");
        for (ProviderRegistry.Entry e : es) {
            terminal.out().printf(fmt, e.kind().id(), e.type(), e.provider().getClass().getName(), e.source());
        }
        terminal.out().flush();
        return 0;
    }
}
