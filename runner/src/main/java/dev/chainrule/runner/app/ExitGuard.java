package dev.chainrule.runner.app;

import dev.chainrule.engine.plugins.PluginJars;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Makes the runner's exit status its own. Java 17 has no way to forbid {@code System.exit} to plugin code
 * (the SecurityManager is deprecated and off), so a shutdown hook checks how the JVM is ending: when a
 * thread other than {@link Main} called {@code System.exit} (its stack holds {@code Runtime.exit}), the hook
 * prints one line naming the caller (the plugin jar, from its class loader's name, and the class and method)
 * and halts with status 1, so a plugin can never make a failed or unfinished command look like exit 0.
 * Signals (SIGTERM, SIGINT) end the JVM without {@code Runtime.exit} on the stack and keep their status.
 *
 * <p>Also watches the launcher ({@code runner/bin/runner}): when the process that started this JVM dies
 * (a SIGKILL to the launcher), the JVM would go on as an orphan and finish the run unseen, perhaps while a
 * supervisor resumes the same run; instead it stops as if killed (the run folder stays resumable).
 *
 * <p>{@code Runtime.halt} from plugin code cannot be caught in-process; see docs/plugins-loading.md.
 */
public final class ExitGuard {
    /** The system property the launcher sets to its own pid. */
    public static final String LAUNCHER_PID = "chainrule.launcherPid";
    private static volatile boolean expected;
    private static volatile boolean installed;

    private ExitGuard() {
    }

    /** Installs the hook (once). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        Runtime.getRuntime().addShutdownHook(new Thread(ExitGuard::check, "chainrule-exit-guard"));
    }

    /** The runner's own exit. */
    public static void exit(int code) {
        expected = true;
        System.exit(code);
    }

    private static void check() {
        if (expected) {
            return;
        }
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] st = e.getValue();
            int exitFrame = -1;
            for (int i = 0; i < st.length; i++) {
                if ("java.lang.Runtime".equals(st[i].getClassName()) && "exit".equals(st[i].getMethodName())) {
                    exitFrame = i;
                    break;
                }
            }
            if (exitFrame < 0) {
                continue;
            }
            String caller = null;
            String jar = null;
            for (int i = exitFrame + 1; i < st.length; i++) {
                String loader = st[i].getClassLoaderName();
                if (caller == null && !st[i].getClassName().startsWith("java.")) {
                    caller = st[i].getClassName() + "." + st[i].getMethodName();
                }
                if (loader != null && loader.startsWith(PluginJars.LOADER_PREFIX)) {
                    jar = loader.substring(PluginJars.LOADER_PREFIX.length());
                    caller = st[i].getClassName() + "." + st[i].getMethodName();
                    break;
                }
            }
            String thread = e.getKey().getName();
            if (jar == null && thread.startsWith(PluginJars.THREAD_PREFIX)) {
                jar = thread.substring(PluginJars.THREAD_PREFIX.length());
            }
            PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                    StandardCharsets.UTF_8);
            err.println((jar == null ? "" : jar + ": ") + (caller == null ? "code" : caller)
                    + " called System.exit" + (jar == null ? "" : " while the plugin ran")
                    + "; the runner did not finish its command (exit 1)");
            err.flush();
            Runtime.getRuntime().halt(Main.FAILED);
        }
    }

    /**
     * When the launcher's pid is given, a daemon thread stops this JVM once that process is gone (or this
     * JVM was handed to another parent), as a SIGKILL to the whole group would have.
     */
    public static void watchLauncher() {
        String pid = System.getProperty(LAUNCHER_PID);
        if (pid == null || pid.isBlank()) {
            return;
        }
        long launcher;
        try {
            launcher = Long.parseLong(pid.trim());
        } catch (NumberFormatException e) {
            return;
        }
        Thread t = new Thread(() -> {
            while (true) {
                boolean alive = ProcessHandle.current().parent().map(p -> p.pid() == launcher && p.isAlive())
                        .orElse(false);
                if (!alive) {
                    // stderr probably leads nowhere now; the status is for whoever waits on this JVM
                    expected = true;
                    Runtime.getRuntime().halt(137);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "chainrule-launcher-watch");
        t.setDaemon(true);
        t.start();
    }
}
