package dev.chainrule.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.serve.Models;
import dev.chainrule.serve.RunFolders;
import dev.chainrule.serve.RunServer;
import dev.chainrule.engine.registry.ProviderRegistry;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a local web page of the runs under RUN_DIR (default runs/), updated live while they train.",
                "Each run's config, interactive curves (several runs overlaid), confusion matrix and most-wrong grid; "
                        + "for a trained model a panel to ask it: a canvas to draw on or a picture to upload (picture "
                        + "models), a form or a CSV upload (table models), with the top-3 answers by class name, the "
                        + "saliency map D_x h_c(x) and each stage's Jacobian. Read-only; listens on 127.0.0.1 unless "
                        + "--host (with --allow-remote) says otherwise."},
        footer = {"", "Runs until stopped (Ctrl-C). Exit codes: 2 bad input (no such folder, port in use, bad host).",
                "Reference: docs/serve.md"})
public class ServeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", arity = "0..*",
            description = "run folders, or folders of run folders (default: runs)")
    List<Path> dirs;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
            description = "the port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "the address to listen on (default ${DEFAULT-VALUE}, this machine only); an address other "
                    + "than loopback (such as 0.0.0.0) needs --allow-remote")
    String host;

    @Option(names = "--allow-remote", description = "allow a --host other than loopback: every run's config (with its "
            + "data paths), metrics, pictures and report, and the drawing endpoint that runs the models, become "
            + "reachable to anyone who can reach that address, without a password or encryption")
    boolean allowRemote;

    private final ProviderRegistry registry;
    private final ObjectMapper mapper;
    private final Terminal terminal;

    @Inject
    public ServeCommand(ProviderRegistry registry, ObjectMapper mapper, Terminal terminal) {
        this.registry = registry;
        this.mapper = mapper;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        List<Path> given = dirs == null || dirs.isEmpty() ? List.of(Path.of("runs")) : dirs;
        RunServer server = start(given, host, allowRemote, port, registry, mapper, terminal);
        try {
            serveUntilStopped(server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop: done
        }
        return 0;
    }

    /** Blocks until the process is stopped (Ctrl-C) or the thread interrupted, then closes the server. */
    public static void serveUntilStopped(RunServer server) throws InterruptedException {
        Thread hook = new Thread(server::stop, "serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            new CountDownLatch(1).await();
        } finally {
            server.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
        }
    }

    /**
     * Checks the folders and the address, discovers the plugins (so a broken jar is reported now, and the
     * folder is fixed before any run's files are read), binds, and prints where the page is.
     */
    public static RunServer start(List<Path> dirs, String host, int port, ProviderRegistry registry,
            ObjectMapper mapper, Terminal terminal) {
        return start(dirs, host, false, port, registry, mapper, terminal);
    }

    /** As above; {@code allowRemote} as {@code --allow-remote}. */
    public static RunServer start(List<Path> dirs, String host, boolean allowRemote, int port,
            ProviderRegistry registry, ObjectMapper mapper, Terminal terminal) {
        if (port < 0 || port > 65535) {
            throw new BadInputException("--port: must be from 0 to 65535, got " + port);
        }
        List<RunFolders.Root> roots = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new BadInputException(d + ": " + (Files.exists(d) ? "not a folder" : "no such folder")
                        + "; give run folders or folders of runs (runner serve RUN_DIR...)");
            }
            roots.add(new RunFolders.Root(d, d.toString()));
        }
        return start(new RunFolders(roots), roots.size() + " folder" + (roots.size() == 1 ? "" : "s"), host,
                allowRemote, port, "--port", registry, mapper, terminal);
    }

    /** What an address other than loopback shows, named in the warning and in the refusal. */
    static final String REACHABLE = "every run's config (with its data paths), metrics, pictures and report, and the "
            + "drawing endpoint that runs the models, to anyone who can reach it, without a password or encryption";

    /**
     * As above for folders given by {@code folders}, on loopback only; {@code what} names them in the line
     * printed, {@code portOption} the option that chose the port in a message.
     */
    public static RunServer start(RunFolders folders, String what, String host, int port, String portOption,
            ProviderRegistry registry, ObjectMapper mapper, Terminal terminal) {
        return start(folders, what, host, false, port, portOption, registry, mapper, terminal);
    }

    /**
     * As above; an address other than loopback is refused unless {@code allowRemote}, and then served with a
     * warning on stderr that names what becomes reachable.
     */
    public static RunServer start(RunFolders folders, String what, String host, boolean allowRemote, int port,
            String portOption, ProviderRegistry registry, ObjectMapper mapper, Terminal terminal) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new BadInputException("--host " + host + ": unknown host; give an address such as 127.0.0.1");
        }
        boolean loopback = address.isLoopbackAddress();
        if (!loopback && !allowRemote) {
            throw new BadInputException("--host " + host + ": not this machine only; it would show " + REACHABLE
                    + "; add --allow-remote to serve it there anyway, or leave --host out for 127.0.0.1");
        }
        registry.entries();
        RunServer server = new RunServer(folders, new Models.FromFiles(registry, mapper), mapper,
                terminal.err(), loopback);
        InetSocketAddress bound;
        try {
            bound = server.start(address, port);
        } catch (BindException e) {
            throw new BadInputException(portOption + " " + port + ": cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); choose another " + portOption + ", or " + portOption + " 0 for a free one");
        } catch (IOException e) {
            throw new BadInputException("--host " + host + " --port " + port + ": cannot listen (" + e.getMessage() + ")");
        }
        List<String> names = server.hostNames();
        if (!loopback) {
            terminal.err().println("runner serve: warning: --host " + host + " --allow-remote: this shows " + REACHABLE
                    + "; it answers as " + String.join(", ", names) + " on port " + bound.getPort());
            terminal.err().flush();
        }
        terminal.out().println("serving " + what + " at http://" + names.get(0) + ":" + bound.getPort()
                + "/ (read-only; Ctrl-C stops)");
        terminal.out().flush();
        return server;
    }
}
