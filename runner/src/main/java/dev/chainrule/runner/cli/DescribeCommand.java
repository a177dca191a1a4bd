package dev.chainrule.runner.cli;

import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.registry.Levenshtein;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.registry.RegistryException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a type's description and the options a config entry of it accepts: name, type, "
                + "default, valid values (range or choices) and meaning.")
public class DescribeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TYPE", description = "a type id, as listed by 'runner plugins'")
    String type;

    private final ProviderRegistry registry;
    private final Terminal terminal;

    @Inject
    public DescribeCommand(ProviderRegistry registry, Terminal terminal) {
        this.registry = registry;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        ProviderRegistry.Entry e = registry.find(type);
        if (e == null) {
            List<String> known = new ArrayList<>();
            registry.entries().forEach(x -> known.add(x.type()));
            known.sort(null);
            throw new RegistryException("unknown type '" + type + "'; known: " + String.join(", ", known)
                    + Levenshtein.hint(type, known));
        }
        ComponentProvider p = e.provider();
        var out = terminal.out();
        out.println(p.type() + " (" + p.kind().id() + "): " + p.description());
        out.println("provider: " + e.describe());
        List<OptionSpec> opts = p.options();
        if (opts.isEmpty()) {
            out.println("options: none");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"option", "type", "default", "valid values", "meaning"});
            for (OptionSpec s : opts) {
                rows.add(new String[] {s.name(), kind(s), s.required() ? "(required)" : s.defaultValue(), valid(s),
                        s.meaning()});
            }
            int[] w = new int[4];
            for (String[] r : rows) {
                for (int i = 0; i < w.length; i++) {
                    w[i] = Math.max(w[i], String.valueOf(r[i]).length());
                }
            }
            out.println("options:");
            for (String[] r : rows) {
                out.println(String.format("  %-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %-" + w[3] + "s  %s",
                        (Object[]) r).stripTrailing());
            }
        }
        String where = switch (p.kind()) {
            case OPTIMIZER -> "config entry (training.optimizer): ";
            case LOSS -> "config entry (loss): ";
            case MERGE -> "config entry (network.layers, several inputs, docs/graphs.md): ";
            case DATA_SOURCE -> "config entry (data): ";
            default -> "config entry: ";
        };
        out.println(where + "{" + (p.kind() == ComponentProvider.Kind.MERGE ? "\"name\": \"sum\", " : "")
                + "\"type\": \"" + p.type() + "\""
                + opts.stream().filter(OptionSpec::required).map(s -> ", \"" + s.name() + "\": ...").reduce("", String::concat)
                + (p.kind() == ComponentProvider.Kind.MERGE ? ", \"inputs\": [\"a\", \"b\"]" : "") + "}");
        if (p.kind() == ComponentProvider.Kind.DATA_SOURCE) {
            out.println("engine keys beside these: testSplit, scaling, standardize (docs/data.md)");
        }
        out.flush();
        return 0;
    }

    /** The spec's kind, from {@link OptionSpec#kind()}: never parsed out of its type text. */
    static String kind(OptionSpec s) {
        return switch (s.kind()) {
            case INTEGER -> "integer";
            case NUMBER -> "number";
            case CHOICE -> "choice";
            case BOOLEAN -> "boolean";
            case FREE -> "free-form";
        };
    }

    /** The range of a number, the choices of a choice; a free-form option's own type text. */
    static String valid(OptionSpec s) {
        return switch (s.kind()) {
            case INTEGER, NUMBER -> {
                String t = s.type();
                yield t.substring(t.indexOf(' ') + 1);
            }
            case CHOICE -> String.join(" | ", s.choices());
            case BOOLEAN -> "true | false";
            case FREE -> s.type() == null ? "" : s.type();
        };
    }
}
