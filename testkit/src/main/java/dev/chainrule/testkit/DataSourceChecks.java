package dev.chainrule.testkit;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSourceProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks a data source takes without any data, without JUnit (so {@code runner verify-plugin} runs them):
 * its options are documented, an unknown option and an entry missing a required option are refused by name.
 * Loads run with an empty folder as the base folder, no cache and the progress lines dropped; a source with
 * no required option is never loaded with an empty entry (it might read or download its default data).
 */
public final class DataSourceChecks {
    /** The option key the unknown-option check adds. */
    public static final String UNKNOWN = "no-such-option";

    private DataSourceChecks() {
    }

    public static List<CheckResult> all(DataSourceProvider p) {
        Path empty;
        try {
            empty = Files.createTempDirectory("chainrule-verify-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return List.of(optionsDocumented(p), unknownOptionRejected(p, empty), emptyEntryRefused(p, empty));
        } finally {
            try {
                Files.deleteIfExists(empty);
            } catch (IOException e) {
                // a loader wrote into the empty folder: leave it
            }
        }
    }

    /**
     * Every option has a name used once, a type ({@code integer in [1, 10]}; a free-form option its own type
     * text, such as {@code file}) and a meaning: what {@code runner describe} prints and the config is checked
     * against.
     */
    public static CheckResult optionsDocumented(DataSourceProvider p) {
        List<String> bad = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int typed = 0;
        for (OptionSpec s : p.options()) {
            if (!names.add(s.name())) {
                bad.add(s.name() + " (declared twice)");
            }
            if (s.type() == null || s.type().isBlank()) {
                bad.add(s.name() + " (no type: give the free-form spec a type text, or use a typed spec)");
            }
            if (s.meaning().isBlank()) {
                bad.add(s.name() + " (no meaning)");
            }
            typed += s.kind() == OptionSpec.Kind.FREE ? 0 : 1;
        }
        int n = p.options().size();
        return bad.isEmpty()
                ? ContractChecks.pass(n + " option(s) documented (" + typed + " typed, " + (n - typed)
                        + " free-form with a type text)")
                : ContractChecks.fail("options not documented: " + String.join(", ", bad));
    }

    /** An option the provider does not declare is refused by an {@link OptionException} naming it, before any load. */
    public static CheckResult unknownOptionRejected(DataSourceProvider p, Path base) {
        String what = "unknown option '" + UNKNOWN + "'";
        try {
            p.load(context(Options.of(UNKNOWN, 1), base));
        } catch (OptionException e) {
            return UNKNOWN.equals(e.key()) && e.getMessage() != null && e.getMessage().contains(UNKNOWN)
                    ? ContractChecks.pass(what + " rejected")
                    : ContractChecks.fail(what + ": the OptionException names '" + e.describe() + "' instead; check"
                            + " unknown keys first (context.options().requireKnown(options()), as Base does)");
        } catch (RuntimeException e) {
            return ContractChecks.fail(what + ": threw " + e + " instead of an OptionException naming the key");
        }
        return ContractChecks.fail(what + ": accepted; call context.options().requireKnown(options()) (Base does)");
    }

    /**
     * With a required option, an empty entry is refused by an {@link OptionException} or {@link DataException}
     * that names one of the required options; skipped when no option is required.
     */
    public static CheckResult emptyEntryRefused(DataSourceProvider p, Path base) {
        List<String> required = p.options().stream().filter(OptionSpec::required).map(OptionSpec::name).toList();
        if (required.isEmpty()) {
            return CheckResult.skip("empty entry: no option is required, so an empty entry is valid (not loaded)");
        }
        String what = "an empty entry (required: " + String.join(", ", required) + ")";
        try {
            p.load(context(Options.empty(), base));
        } catch (OptionException | DataException e) {
            String text = (e instanceof OptionException o ? o.describe() : e.getMessage()) + "";
            boolean named = required.stream().anyMatch(r -> e instanceof OptionException o && r.equals(o.key())
                    || text.contains(r));
            return named ? ContractChecks.pass(what + " refused: " + text.lines().findFirst().orElse(""))
                    : ContractChecks.fail(what + ": refused with '" + text + "', which names no required option");
        } catch (RuntimeException e) {
            return ContractChecks.fail(what + ": threw " + e + " instead of an OptionException naming the option");
        }
        return ContractChecks.fail(what + ": accepted though " + required.get(0) + " is required");
    }

    private static DataContext context(Options options, Path base) {
        return new DataContext("", options, base, 0L, line -> { }, null);
    }
}
