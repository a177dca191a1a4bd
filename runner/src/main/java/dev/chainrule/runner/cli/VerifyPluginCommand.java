package dev.chainrule.runner.cli;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.LayerProvider;
import dev.chainrule.api.Loss;
import dev.chainrule.api.LossProvider;
import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.TransformProvider;
import dev.chainrule.api.data.DataSourceProvider;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.CheckFailedException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.plugins.PluginException;
import dev.chainrule.engine.plugins.PluginJar;
import dev.chainrule.engine.plugins.PluginJars;
import dev.chainrule.testkit.CheckResult;
import dev.chainrule.testkit.ContractChecks;
import dev.chainrule.testkit.DataSourceChecks;
import dev.chainrule.testkit.OptimizerChecks;
import dev.chainrule.testkit.JacobianChecker;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Loads one plugin jar alone (its own class loader over the api, nothing from the plugins folder) and runs
 * testkit's {@link ContractChecks} on every provider it declares: the same checks its contract tests run.
 *
 * <p>Each provider is built with its default options. A required typed option gets a small value from its
 * {@link OptionSpec} (3 for an integer, 0.5 for a number, each clamped into the range; the first choice;
 * {@code true}); a required free-form option makes the type FAIL ("cannot choose a value"). Stages (layers,
 * activations, transforms) are checked at flat input sizes 1, 3 and 6 (skipped with the reason when the
 * stage refuses flat input) and on every {@code checkCases()} entry the provider declares; losses at
 * N = 2, 3 and 10, on values in [−2, 2] and ±30, or on probability rows when the loss is not finite there.
 * Data sources are checked without data ({@link DataSourceChecks}): options documented, an unknown option and
 * an entry missing a required option refused by name; training with one checks what it reads.
 */
@Command(name = "verify-plugin", mixinStandardHelpOptions = true,
        description = "Check every type a plugin jar provides, on flat sizes 1, 3, 6 and on each check case it "
                + "declares: shapes and the rule of its kind, every Jacobian against finite differences (random and "
                + "saturated points; kinks reported as non-differentiable points), backward against g·D for the "
                + "input and each parameter, whole-batch Jacobians in training and inference, the InPlaceUpdate "
                + "fast path against backward + step, reproducibility under the forward context, invalid options "
                + "rejected; for a data source, its options documented and an unknown option and an empty entry refused "
                + "by name (no data is read). One PASS/FAIL line per type; exits 1 on any failure.")
public class VerifyPluginCommand implements Callable<Integer> {
    static final int[] STAGE_SIZES = {1, 3, 6};
    static final int[] LOSS_SIZES = {2, 3, 10};

    @Parameters(paramLabel = "JAR", description = "the plugin jar")
    Path jar;

    private final Terminal terminal;
    private final ContractChecks checks = new ContractChecks(new JacobianChecker());

    @Inject
    public VerifyPluginCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        if (!Files.exists(jar)) {
            throw new BadInputException(jar + ": no such file");
        }
        // a folder, FIFO or device is refused by PluginJars without being opened
        PluginJar j = PluginJars.open(jar, jar.toString(), PluginJars.apiLoader());
        if (j.broken()) {
            throw new PluginException(j.describeProblem());
        }
        var out = terminal.out();
        out.printf(Locale.ROOT, "%s: version %s, api %s, sha256 %s, %d type(s)%n", j.shown(), j.version(),
                j.apiVersion(), j.sha256(), j.providers().size());
        if (j.declared() == null) {
            // without the entry the runner must load this jar whenever a config names a type it does not know
            List<String> pairs = new ArrayList<>();
            List<String> annotations = new ArrayList<>();
            for (ComponentProvider p : j.providers()) {
                pairs.add(p.kind().id() + ":" + p.type());
                annotations.add("@Plugin(\"" + p.type() + "\") on " + p.getClass().getName());
            }
            out.println("hint: rebuild it with " + String.join(", ", annotations) + " (the api's annotation processor"
                    + " then declares its types), or add the manifest entry '" + PluginJars.TYPES_ATTRIBUTE + ": "
                    + String.join(", ", pairs) + "', so that the runner loads this jar only when a config uses one of"
                    + " its types (docs/plugins-loading.md)");
        }
        out.flush();
        int failed = 0;
        for (ComponentProvider p : j.providers()) {
            String line = verify(p);
            if (line.startsWith("FAIL")) {
                failed++;
            }
            out.println(line);
            out.flush();
        }
        if (failed > 0) {
            throw new CheckFailedException(j.shown() + ": " + failed + " of " + j.providers().size()
                    + " type(s) failed verification; see the FAIL lines above");
        }
        out.println(j.shown() + ": all " + j.providers().size() + " type(s) passed");
        out.flush();
        return 0;
    }

    /** One line: {@code PASS swish (activation, x.SwishProvider): 180 checks, largest relative error 2e-10}. */
    String verify(ComponentProvider p) {
        String name;
        try {
            name = p.type() + " (" + p.kind().id() + ", " + p.getClass().getName() + ")";
        } catch (RuntimeException | LinkageError e) {
            return "FAIL " + p.getClass().getName() + ": type() or kind() threw " + oneLine(e);
        }
        List<CheckResult> results = new ArrayList<>();
        try {
            if (!p.type().matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
                results.add(ContractChecks.fail("type id '" + p.type() + "' is not lower-case words joined by '-'"));
            }
            if (p.description() == null || p.description().isBlank()) {
                results.add(ContractChecks.fail("description() is blank"));
            }
            if (p instanceof DataSourceProvider dp) {
                results.addAll(DataSourceChecks.all(dp));
                return line(name, results, " (no data read: train with it to check what it reads)");
            }
            Options opts = defaultOptions(p);
            Function<BuildContext, Object> build = ctx -> create(p, ctx);
            results.add(ContractChecks.unknownOptionRejected(build, opts, ContractChecks.optionShape(p)));
            if (p instanceof OptimizerProvider op) {
                results.addAll(OptimizerChecks.behaviour(() -> op.create(new BuildContext(1, opts, 0))));
            } else if (p instanceof LossProvider lp) {
                ContractChecks.LossFactory f = n -> lp.create(new BuildContext(n, opts, 0));
                results.addAll(checks.allLossChecks(f, predictionsFor(f), LOSS_SIZES));
            } else if (p instanceof dev.chainrule.api.MergeProvider mp) {
                results.addAll(checks.mergeProvider(mp, mp::create, opts));
            } else {
                results.addAll(checks.stageProvider(p, ctx -> (Stage) create(p, ctx), opts, STAGE_SIZES));
            }
        } catch (RuntimeException | AssertionError e) {
            results.add(ContractChecks.fail("threw " + oneLine(e) + at(e)));
        } catch (LinkageError e) {
            results.add(ContractChecks.fail(PluginJars.incompatible(e) + at(e)));
        }
        return line(name, results, null);
    }

    /** The PASS or FAIL line of {@code results}; {@code note} replaces the error summary (checks with no numbers). */
    private String line(String name, List<CheckResult> results, String note) {
        CheckResult worst = null;
        for (CheckResult r : results) {
            worst = CheckResult.worse(worst, r);
        }
        if (worst != null && !worst.passed()) {
            long bad = results.stream().filter(r -> !r.passed()).count();
            return "FAIL " + name + ": " + bad + " of " + results.size() + " checks failed; worst: "
                    + worst.describe().substring("FAIL ".length());
        }
        List<CheckResult> skipped = results.stream().filter(CheckResult::skipped).toList();
        String skips = skipped.isEmpty() ? "" : " (" + skipped.size() + " skipped: " + skipped.get(0).what() + ")";
        if (note != null) {
            return "PASS " + name + ": " + (results.size() - skipped.size()) + " checks" + skips + note;
        }
        return String.format(Locale.ROOT, "PASS %s: %d checks%s, largest relative error %.2e (tolerance %.0e)", name,
                results.size() - skipped.size(), skips, worst == null ? 0.0 : worst.maxRelativeError(),
                checks.checker().tolerance());
    }

    private static Object create(ComponentProvider p, BuildContext ctx) {
        if (p instanceof LayerProvider lp) {
            return lp.create(ctx);
        }
        if (p instanceof ActivationProvider ap) {
            return ap.create(ctx);
        }
        if (p instanceof TransformProvider tp) {
            return tp.create(ctx);
        }
        if (p instanceof OptimizerProvider op) {
            return op.create(ctx);
        }
        if (p instanceof dev.chainrule.api.MergeProvider mp) {
            // a merge takes several inputs: the option checks build it on two of the shape given
            return mp.create(ctx.inputShapes().size() > 1 ? ctx
                    : BuildContext.merge(ctx.type(), List.of(ctx.inputShape(), ctx.inputShape()), ctx.options(), ctx.seed()));
        }
        if (p instanceof LossProvider lp) {
            return lp.create(ctx);
        }
        throw new IllegalArgumentException("verify-plugin cannot build a " + p.kind().id() + " from a BuildContext");
    }

    /** Defaults, plus a small value for each required option (see the class comment). */
    static Options defaultOptions(ComponentProvider p) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (OptionSpec s : p.options()) {
            if (!s.required()) {
                continue;
            }
            switch (s.kind()) {
                case INTEGER -> m.put(s.name(), (int) Math.max(s.min(), Math.min(3, s.max())));
                case NUMBER -> m.put(s.name(), s.min() <= 0.5 && 0.5 <= s.max() ? 0.5 : Math.abs(s.min()) < Math.abs(s.max()) ? s.min() : s.max());
                case CHOICE -> m.put(s.name(), s.choices().get(0));
                case BOOLEAN -> m.put(s.name(), true);
                default -> throw new IllegalArgumentException("required option '" + s.name() + "' of type '" + s.type()
                        + "' has no default and verify-plugin cannot choose a value; give it a default or make it"
                        + " a typed OptionSpec");
            }
        }
        return new Options(m);
    }

    /** Values in [−2, 2] and ±30, unless the loss is not finite there (a loss on probabilities). */
    private static ContractChecks.Predictions predictionsFor(ContractChecks.LossFactory f) {
        Tensor probe = ContractChecks.UNCONSTRAINED.draw(ContractChecks.BATCH, 3, false, new SplittableRandom(9));
        try {
            Loss l = f.create(3);
            if (Double.isFinite(l.forward(probe, new int[] {0, 1, 2, 0}))) {
                return ContractChecks.UNCONSTRAINED;
            }
        } catch (IllegalArgumentException e) {
            // rejected values outside [0, 1]: a loss on probabilities
        }
        return ContractChecks.PROBABILITIES;
    }

    private static String oneLine(Throwable e) {
        String s = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String at(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        return st.length == 0 ? "" : " at " + st[0].getClassName() + "." + st[0].getMethodName();
    }
}
