package dev.chainrule.runner.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.chainrule.kernels.Parallelism;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.CheckFailedException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.runner.cli.RunnerCommand;
import dev.chainrule.engine.plugins.PluginLinkage;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Entry point of the {@code runner} command. Bad input prints one line and exits 2; a failed check or a
 * diverged training exits 1; {@code --verbose} adds the stack trace.
 */
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    private Main() {
    }

    public static void main(String[] args) {
        ExitGuard.install();
        ExitGuard.watchLauncher();
        if (args.length > 0 && COMPUTES.contains(args[0])) {
            Parallelism.warmUpInBackground(); // while the config and the data load
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, new Terminal(out, err, System.console() != null));
        out.flush();
        err.flush();
        ExitGuard.exit(code);
    }

    /** Commands that run dense layers. */
    private static final java.util.Set<String> COMPUTES =
            java.util.Set.of("train", "bench", "evaluate", "gradcheck", "explain", "predict", "verify-plugin", "serve");

    /** The subcommand being run (for the out-of-memory advice), or null. */
    private static volatile String command;

    /** The first argument that names a subcommand ({@code runner --plugins p gradcheck x.json}: gradcheck). */
    static String commandOf(String[] args) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Class<?> sub : RunnerCommand.class.getAnnotation(CommandLine.Command.class).subcommands()) {
            CommandLine.Command c = sub.getAnnotation(CommandLine.Command.class);
            if (c != null) {
                names.add(c.name());
            }
        }
        for (String a : args) {
            if (names.contains(a)) {
                return a;
            }
        }
        return null;
    }

    /** Runs the CLI in-process; {@code overrides} replace bindings of {@link RunnerModule} (for tests). */
    public static int run(String[] args, Terminal terminal, Module... overrides) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        command = commandOf(args);
        try {
            Injector injector = Guice.createInjector(Modules.override(new RunnerModule(terminal)).with(overrides));
            CommandLine cl = new CommandLine(RunnerCommand.class, new GuiceFactory(injector));
            // picocli's own Path conversion names the exception class; this names the cause and the fix
            cl.registerConverter(java.nio.file.Path.class, s -> {
                try {
                    return java.nio.file.Path.of(s);
                } catch (InvalidPathException e) {
                    throw new CommandLine.TypeConversionException(dev.chainrule.engine.io.SafeFiles.unusable(e));
                }
            });
            cl.setOut(terminal.out());
            cl.setErr(terminal.err());
            cl.setParameterExceptionHandler((ex, a) -> {
                String help = ex.getCommandLine().getCommandName();
                CommandLine p = ex.getCommandLine();
                while (p.getParent() != null) {
                    p = p.getParent();
                    help = p.getCommandName() + " " + help;
                }
                terminal.err().println(firstLine(ex.getMessage()) + didYouMean(ex) + " (see '" + help + " --help')");
                terminal.err().flush();
                return BAD_INPUT;
            });
            cl.setExecutionExceptionHandler((ex, c, parse) -> report(ex, terminal, verbose));
            return cl.execute(args);
        } catch (RuntimeException e) {
            return report(e, terminal, verbose);
        } catch (LinkageError e) {
            // a plugin compiled against another api fails only when its code runs: name the jar
            return report(PluginLinkage.explain(e), terminal, verbose);
        } catch (OutOfMemoryError e) {
            return report(e, terminal, verbose);
        } catch (StackOverflowError e) {
            return report(e, terminal, verbose);
        }
    }

    /** {@code " (did you mean 'train'?)"} for a mistyped command ({@code runner trian}), else "". */
    static String didYouMean(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()
                || ex.getCommandLine().getSubcommands().isEmpty()) {
            return "";
        }
        String word = u.getUnmatched().get(0);
        if (word.startsWith("-")) {
            return "";
        }
        java.util.Set<String> names = new java.util.TreeSet<>(ex.getCommandLine().getSubcommands().keySet());
        return dev.chainrule.engine.registry.Levenshtein.hint(word, names);
    }

    /** Maps an exception to its exit code and prints it as one line (plus the trace with --verbose). */
    static int report(Throwable ex, Terminal terminal, boolean verbose) {
        Throwable cause = ex;
        int code = FAILED;
        String msg = null;
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BadInputException) {
                cause = t;
                code = BAD_INPUT;
                msg = t.getMessage();
                break;
            }
            if (t instanceof CheckFailedException) {
                cause = t;
                code = FAILED;
                msg = t.getMessage();
                break;
            }
            if (t instanceof InvalidPathException ip) {
                // a path this system cannot name: a NUL, or non-ASCII under a non-UTF-8 locale (LANG=C)
                cause = t;
                code = BAD_INPUT;
                msg = dev.chainrule.engine.io.SafeFiles.unusable(ip);
                break;
            }
            if (t instanceof UncheckedIOException u) {
                cause = t;
                code = BAD_INPUT;
                // the io layer's FileWriteException names the file: "cannot write: runs/x/loss.png: No space left"
                msg = "cannot write: " + u.getCause().getMessage();
                break;
            }
            if (t instanceof OutOfMemoryError) {
                cause = t;
                code = FAILED;
                msg = outOfMemory(t);
                break;
            }
        }
        if (msg == null) {
            String plugin = pluginFrame(ex);
            if (plugin != null) {
                // plugin code failed in a way the runner did not foresee: name the jar, not an internal error
                cause = ex;
                code = BAD_INPUT;
                msg = plugin + " threw " + oneLine(ex);
            }
        }
        if (msg == null) {
            msg = "internal error: " + ex + (verbose ? "" : " (rerun with --verbose for the stack trace)");
        }
        terminal.err().println(firstLine(msg));
        if (verbose) {
            cause.printStackTrace(terminal.err());
        }
        terminal.err().flush();
        return code;
    }

    /** One line for an OutOfMemoryError: the heap it had and how to give it more. */
    static String outOfMemory(Throwable t) {
        return outOfMemory(t, Runtime.getRuntime().maxMemory() >> 20, command);
    }

    /** As below, the advice for {@code train} (the only command that leaves a resumable run folder). */
    static String outOfMemory(Throwable t, long mb) {
        return outOfMemory(t, mb, "train");
    }

    /** As above for a heap of {@code mb} MB: the advice is a larger heap (about twice, in whole GB), never the same. */
    static String outOfMemory(Throwable t, long mb, String command) {
        long gb = Math.max((2 * mb + 1023) / 1024, mb / 1024 + 1);
        String head = "out of memory ("
                + (t.getMessage() == null ? "OutOfMemoryError" : t.getMessage()) + ") with a heap of " + mb
                + " MB; give Java more with JAVA_OPTS=-Xmx" + gb + "g";
        return head + switch (command == null ? "" : command) {
            case "train" -> ", or use a smaller network or batch; a run folder stays resumable from its last checkpoint"
                    + " (train --resume)";
            case "gradcheck" -> ", or check fewer random inputs (--samples) or a smaller network";
            default -> ", or use a smaller network";
        };
    }

    /** {@code plugins/x.jar: com.acme.P.forward} for the first plugin frame of any throwable in the chain. */
    static String pluginFrame(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            for (StackTraceElement f : t.getStackTrace()) {
                String loader = f.getClassLoaderName();
                if (loader != null && loader.startsWith(dev.chainrule.engine.plugins.PluginJars.LOADER_PREFIX)) {
                    return loader.substring(dev.chainrule.engine.plugins.PluginJars.LOADER_PREFIX.length()) + ": plugin code "
                            + f.getClassName() + "." + f.getMethodName();
                }
            }
        }
        return null;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return firstLine(t.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Lets picocli create commands through Guice, so they get their parts injected. */
    static final class GuiceFactory implements CommandLine.IFactory {
        private final Injector injector;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        GuiceFactory(Injector injector) {
            this.injector = injector;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls.getName().startsWith("dev.chainrule.")) {
                return injector.getInstance(cls);
            }
            return fallback.create(cls);
        }
    }
}
