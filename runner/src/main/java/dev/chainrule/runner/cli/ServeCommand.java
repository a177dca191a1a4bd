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
        description = {"Serve a local web page of the runs under RUN_DIR (default runs/): each run's config, curves,",
                "confusion matrix and most-wrong grid, updated live while it trains; and for a trained model a",
                "canvas to draw a digit on, with the top-3 probabilities, the saliency map D_x h_c(x) and each",
                "stage's Jacobian at the drawing. Read-only; listens on 127.0.0.1 unless --host says otherwise."},
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
            description = "the address to listen on (default ${DEFAULT-VALUE}, this machine only; 0.0.0.0 shows the "
                    + "runs to the whole network)")
    String host;

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
        RunServer server = start(given, host, port, registry, mapper, terminal);
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
        if (port < 0 || port > 65535) {
            throw new BadInputException("--port: must be from 0 to 65535, got " + port);
        }
        if (port < 0 || port > 65535) {
            throw new BadInputException("port: must be from 0 to 65535, got " + port);
        }
        List<RunFolders.Root> roots = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new BadInputException(d + ": " + (Files.exists(d) ? "not a folder" : "no such folder")
                        + "; give run folders or folders of runs (runner serve RUN_DIR...)");
            }
            roots.add(new RunFolders.Root(d, d.toString()));
        }
        return start(new RunFolders(roots), roots.size() + " folder" + (roots.size() == 1 ? "" : "s"), host, port,
                "--port", registry, mapper, terminal);
    }

    /**
     * As above for folders given by {@code folders}; {@code what} names them in the line printed,
     * {@code portOption} the option that chose the port in a message.
     */
    public static RunServer start(RunFolders folders, String what, String host, int port, String portOption,
            ProviderRegistry registry, ObjectMapper mapper, Terminal terminal) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new BadInputException("--host " + host + ": unknown host; give an address such as 127.0.0.1 or 0.0.0.0");
        }
        registry.entries();
        RunServer server = new RunServer(folders, new Models.FromFiles(registry, mapper), mapper,
                terminal.err(), address.isLoopbackAddress());
        InetSocketAddress bound;
        try {
            bound = server.start(address, port);
        } catch (BindException e) {
            throw new BadInputException(portOption + " " + port + ": cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); choose another " + portOption + ", or " + portOption + " 0 for a free one");
        } catch (IOException e) {
            throw new BadInputException("--host " + host + " --port " + port + ": cannot listen (" + e.getMessage() + ")");
        }
        String shownHost = address.isAnyLocalAddress() ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        terminal.out().println("serving " + what + " at http://"
                + shownHost + ":" + bound.getPort() + "/ (read-only; Ctrl-C stops)");
        terminal.out().flush();
        return server;
    }
}
