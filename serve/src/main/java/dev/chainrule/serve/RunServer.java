package dev.chainrule.serve;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.engine.io.Sha256;
import dev.chainrule.engine.output.FileRunWriter;
import dev.chainrule.engine.output.ModelFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The HTTP side of {@code runner serve}, on an embedded Jetty 12 (its core API, no servlets).
 *
 * <p>Endpoints (all read-only: nothing is ever written, moved or deleted):
 * <ul>
 *   <li>{@code GET /}, {@code /app.js}, {@code /charts.js}, {@code /style.css}: the page, from the runner's jar;
 *       {@code /uplot.js}, {@code /uplot.css}, {@code /uplot-LICENSE.txt}: the chart library, from its webjar;</li>
 *   <li>{@code GET /api/runs}: every card, with a version that changes when a run's files do;</li>
 *   <li>{@code GET /api/run?id=ID}: one run's config, epochs and pictures;</li>
 *   <li>{@code GET /api/file?id=ID&name=N}: one of {@link RunFolders#SERVED} of a run;</li>
 *   <li>{@code GET /api/model?id=ID}: what a run's model takes (digits, pictures of C×H×W, table columns) and
 *       names (classes, targets);</li>
 *   <li>{@code POST /api/predict?id=ID}, {@code Content-Type: application/json}, {@code {"png": BASE64}} with
 *       the page's own {@code Origin}: a drawn or uploaded picture's prediction, saliency map, Jacobians
 *       (computed, nothing stored);</li>
 *   <li>{@code POST /api/rows?id=ID}, the same way, {@code {"row": {COLUMN: VALUE}}} or {@code {"csv": TEXT}}
 *       (at most {@link #MAX_CSV} bytes): a table model's answer for a form's row, or for each row of a CSV.</li>
 * </ul>
 * A failure answers one line of JSON {@code {"error": ...}}, never a stack trace; any {@link Throwable} in a
 * handler is a 5xx answer and one line on the log; the server stays up.
 *
 * <p>Why Jetty and not the JDK's {@code com.sun.net.httpserver}: the JDK server reads a request's line and
 * headers on its worker threads with no read timeout (only the JVM-wide {@code sun.net.httpserver.maxReqTime}
 * property, fixed at class load), so a few clients that send one byte and wait hold every worker. Jetty
 * reads headers and bodies asynchronously (a waiting client holds no thread), closes a connection idle for
 * {@link Limits#idle}, and lets the body of the one POST be read without a thread, under a size limit and a
 * deadline. Connections are also limited per client address and in all.
 */
public final class RunServer {
    /** The largest drawing accepted (the PNG's bytes), far above a 280×280 PNG. */
    static final int MAX_UPLOAD = 4 << 20;
    /** The largest POST body: the drawing in base64 inside a small JSON object. */
    static final int MAX_BODY = MAX_UPLOAD / 3 * 4 + 1024;
    /** The largest CSV accepted by {@code /api/rows} (its UTF-8 bytes). */
    static final int MAX_CSV = 1 << 20;
    /** The largest {@code /api/rows} body: the CSV as a JSON string (quotes and line breaks escaped) and a name. */
    static final int MAX_ROWS_BODY = 2 * MAX_CSV + 4096;
    /** The most rows one CSV may have answered on the page. */
    static final int MAX_ROWS = 10_000;
    /** A run whose files changed this recently counts as training. */
    static final Duration ACTIVE = Duration.ofMinutes(2);
    private static final String RESOURCES = "/dev/chainrule/serve/";
    /** The bundled chart library (uPlot, MIT), from its webjar on the class path: the version of the pom. */
    static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/";
    private static final Map<String, String> PAGE = Map.of("/", RESOURCES + "index.html",
            "/index.html", RESOURCES + "index.html", "/app.js", RESOURCES + "app.js", "/charts.js", RESOURCES + "charts.js",
            "/style.css", RESOURCES + "style.css", "/uplot.js", UPLOT + "dist/uPlot.iife.min.js",
            "/uplot.css", UPLOT + "dist/uPlot.min.css", "/uplot-LICENSE.txt", UPLOT + "LICENSE");

    /**
     * The server's limits: a connection that sends or takes nothing for {@code idle} is closed; a drawing
     * must arrive whole within {@code body}; at most {@code perClient} open connections from one address
     * and {@code connections} in all; at most {@code predictions} drawings computed at once (the others
     * wait up to {@code body} for their turn, then get 503).
     */
    public record Limits(Duration idle, Duration body, int perClient, int connections, int predictions) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(20), Duration.ofSeconds(30), 32, 256,
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    private final RunFolders folders;
    private final Models models;
    private final ObjectMapper mapper;
    private final PrintWriter log;
    private final boolean loopbackOnly;
    private Limits limits = Limits.DEFAULT;
    private Server server;
    private ServerConnector connector;
    private Semaphore predicting;
    /** The names a request's Host may give: those of the address bound, as printed. */
    private volatile Set<String> hostNames = Set.of();
    private final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final TrainingProgress progress = new TrainingProgress();
    private final StepsLog stepsLog = new StepsLog();

    /**
     * @param loopbackOnly when the server may listen on loopback only ({@link #start} refuses another
     *     address); either way a request must name the host the server was bound to, so a web page elsewhere
     *     cannot read the runs through a DNS name re-pointed to this machine
     */
    public RunServer(RunFolders folders, Models models, ObjectMapper mapper, PrintWriter log, boolean loopbackOnly) {
        this.folders = folders;
        this.models = models;
        this.mapper = htmlSafe(mapper.copy());
        this.log = log;
        this.loopbackOnly = loopbackOnly;
    }

    /** Other limits than {@link Limits#DEFAULT}; before {@link #start}. */
    public RunServer limits(Limits l) {
        this.limits = l;
        return this;
    }

    /** Binds and starts; throws {@link java.net.BindException} when the port is taken. */
    public InetSocketAddress start(InetAddress host, int port) throws IOException {
        if (loopbackOnly && !host.isLoopbackAddress()) {
            throw new IllegalArgumentException(host + ": not a loopback address, and this server is loopback-only");
        }
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("serve");
        threads.setDaemon(true);
        server = new Server(threads, new ScheduledExecutorScheduler("serve-timer", true), null);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 << 10);
        http.setIdleTimeout(limits.idle().toMillis());
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host.getHostAddress());
        connector.setPort(port);
        connector.setIdleTimeout(limits.idle().toMillis());
        connector.setReuseAddress(false);
        connector.addBean(new PerClient());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.connections(), connector));
        server.setHandler(new Root());
        server.setErrorHandler(new JsonErrors());
        server.setStopTimeout(0);
        predicting = new Semaphore(limits.predictions(), true);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // stopping what did not start
            }
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof BindException) {
                    throw (BindException) c;
                }
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        InetSocketAddress bound = new InetSocketAddress(host, connector.getLocalPort());
        hostNames = Collections.unmodifiableSet(names(host));
        return bound;
    }

    /**
     * The host names a request may give, which are the ones to print: the address bound (in brackets for
     * IPv6), {@code localhost} for 127.0.0.1 and ::1, and for a wildcard address every address of this
     * machine's interfaces, {@code localhost} and the machine's name. The first is the one to show.
     */
    public List<String> hostNames() {
        return List.copyOf(hostNames);
    }

    static Set<String> names(InetAddress host) {
        Set<String> names = new LinkedHashSet<>();
        if (host.isAnyLocalAddress()) {
            names.add("localhost");
            try {
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (nif.isUp()) {
                        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                            if (!(host instanceof Inet6Address) && a instanceof Inet6Address) {
                                continue; // 0.0.0.0 listens on IPv4 only
                            }
                            names.add(literal(a));
                        }
                    }
                }
            } catch (SocketException e) {
                names.add("127.0.0.1");
            }
            try {
                names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
            } catch (IOException e) {
                // no name for this machine: its addresses still work
            }
        } else {
            names.add(literal(host));
            if (host.isLoopbackAddress() && (literal(host).equals("127.0.0.1") || literal(host).equals("[::1]"))) {
                names.add("localhost");
            }
        }
        return names;
    }

    private static String literal(InetAddress a) {
        if (a instanceof Inet6Address) {
            String s = a.getHostAddress();
            int pct = s.indexOf('%');
            s = pct < 0 ? s : s.substring(0, pct);
            try {
                s = InetAddress.getByName(s).getHostAddress(); // the short form: ::1, not 0:0:0:0:0:0:0:1
            } catch (IOException e) {
                // keep the long form
            }
            return "[" + (s.equals("0:0:0:0:0:0:0:1") ? "::1" : s) + "]";
        }
        return a.getHostAddress();
    }

    /** The port listened on (the chosen one when started with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                // stopping: nothing more to do
            }
        }
    }

    /** Thrown to answer a request with a status and a one-line message. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String msg) {
            super(msg);
            this.status = status;
        }
    }

    /** At most {@link Limits#perClient} open connections from one address: the one more is closed at once. */
    private final class PerClient implements Connection.Listener {
        @Override
        public void onOpened(Connection c) {
            InetAddress a = client(c);
            if (a != null && perClient.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet() > limits.perClient()) {
                c.getEndPoint().close();
            }
        }

        @Override
        public void onClosed(Connection c) {
            InetAddress a = client(c);
            if (a != null) {
                perClient.computeIfPresent(a, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
            }
        }

        private InetAddress client(Connection c) {
            return c.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress s ? s.getAddress() : null;
        }
    }

    /** One request being answered: answered once, whatever happens. */
    private static final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final String path;
        final AtomicBoolean answered = new AtomicBoolean();

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            String p = request.getHttpURI().getPath();
            this.path = p == null ? "/" : p;
        }

        String method() {
            return request.getMethod();
        }

        String header(String name) {
            return request.getHeaders().get(name);
        }
    }

    /** What Jetty itself refuses before a handler sees it (a malformed request, a path above the root): JSON too. */
    private final class JsonErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object msg = request.getAttribute(ERROR_MESSAGE);
            int status = response.getStatus();
            String text = status + " " + org.eclipse.jetty.http.HttpStatus.getMessage(status)
                    + (msg == null ? "" : ": " + msg);
            byte[] body;
            try {
                body = mapper.writeValueAsBytes(error(text));
            } catch (IOException e) {
                body = "{\"error\": \"bad request\"}".getBytes(StandardCharsets.UTF_8);
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put("Cache-Control", "no-store");
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }

    private final class Root extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Exchange ex = new Exchange(request, response, callback);
            try {
                route(ex);
            } catch (Throwable t) {
                fail(ex, t);
            }
            return true;
        }
    }

    /** Answers a failure: an {@link HttpError} as itself, anything else as 500 with one line on the log. */
    private void fail(Exchange ex, Throwable t) {
        try {
            if (t instanceof HttpError e) {
                sendJson(ex, e.status, error(e.getMessage()));
                return;
            }
            String line = "serve: " + ex.method() + " " + ex.path + ": internal error: " + t;
            synchronized (log) {
                log.println(firstLine(line));
                log.flush();
            }
            sendJson(ex, 500, error("internal error: " + t));
        } catch (Throwable again) {
            // not even an answer could be made (out of memory, say): end the exchange so Jetty closes it
            if (ex.answered.compareAndSet(false, true)) {
                ex.callback.failed(again);
            }
        }
    }

    private void route(Exchange ex) throws IOException {
        String method = ex.method();
        String path = ex.path;
        String host = checkHost(ex);
        boolean post = path.equals("/api/predict") || path.equals("/api/rows");
        if (post ? !method.equals("POST") : !(method.equals("GET") || method.equals("HEAD"))) {
            ex.response.getHeaders().put("Allow", post ? "POST" : "GET, HEAD");
            throw new HttpError(405, method + " " + path + ": not allowed; this server is read-only");
        }
        Map<String, String> q = query(ex.request.getHttpURI().getQuery());
        if (PAGE.containsKey(path)) {
            page(ex, PAGE.get(path));
        } else if (path.equals("/api/runs")) {
            sendJson(ex, 200, runs());
        } else if (path.equals("/api/run")) {
            sendJson(ex, 200, run(run(q)));
        } else if (path.equals("/api/file")) {
            file(ex, run(q), q.get("name"));
        } else if (path.equals("/api/model")) {
            sendJson(ex, 200, model(run(q)).info());
        } else if (path.equals("/api/predict")) {
            RunFolders.Run r = run(q);
            post(ex, host, "the drawing", "{\"png\": BASE64}", MAX_BODY, "the drawing is larger than " + MAX_UPLOAD
                    + " bytes", body -> analyse(r, body));
        } else if (path.equals("/api/rows")) {
            RunFolders.Run r = run(q);
            post(ex, host, "the rows", "{\"row\": {COLUMN: VALUE}} or {\"csv\": TEXT}", MAX_ROWS_BODY, csvTooLarge(),
                    body -> rows(r, body));
        } else {
            throw new HttpError(404, path + ": not found");
        }
    }

    /** The Host header, which must name this server as it was bound and printed (port included, if given). */
    private String checkHost(Exchange ex) {
        String host = ex.header("Host");
        String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
        String name = h;
        String port = null;
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && colon > h.lastIndexOf(']')) {
            name = h.substring(0, colon);
            port = h.substring(colon + 1);
        }
        if (!hostNames.contains(name) || port != null && !port.equals(String.valueOf(port()))) {
            throw new HttpError(403, "Host " + host + ": this server answers only as " + String.join(", ", hostNames)
                    + " on port " + port() + " (runner serve --host chooses)");
        }
        return h;
    }

    private RunFolders.Run run(Map<String, String> q) {
        RunFolders.Run r = folders.find(q.get("id"));
        if (r == null) {
            throw new HttpError(404, "no run with id " + q.get("id"));
        }
        return r;
    }

    ObjectNode runs() {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode arr = root.putArray("runs");
        for (RunFolders.Run r : folders.scan()) {
            try {
                arr.add(summary(r));
            } catch (RuntimeException e) {
                // one unreadable run is its own error card; the others are still listed
                ObjectNode n = mapper.createObjectNode();
                String msg = r.shown() + ": cannot read (" + firstLine(String.valueOf(e.getMessage())) + ")";
                n.put("id", r.id()).put("path", r.shown()).put("status", "error").put("error", msg)
                        .put("version", "error:" + msg);
                arr.add(n);
            }
        }
        return root;
    }

    /** A card's head: enough to notice a change without reading the run. */
    ObjectNode summary(RunFolders.Run r) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", r.id());
        n.put("path", r.shown());
        if (r.dir() == null) {
            n.put("status", "error");
            n.put("error", r.error());
            n.put("version", "error:" + r.error());
            return n;
        }
        String name = r.dir().getFileName() == null ? r.shown() : r.dir().getFileName().toString();
        n.put("name", name);
        StringBuilder version = new StringBuilder();
        FileTime newest = null;
        for (String f : RunFolders.SERVED) {
            Path p = RunFolders.file(r, f);
            if (p != null) {
                try {
                    FileTime t = Files.getLastModifiedTime(p);
                    version.append(f).append('@').append(t.toMillis()).append('+').append(Files.size(p)).append(';');
                    newest = newest == null || t.compareTo(newest) > 0 ? t : newest;
                } catch (IOException e) {
                    version.append(f).append("@?;");
                }
            }
        }
        Path stepsFile = StepsLog.file(r.dir());
        if (stepsFile != null) {
            // progress within an epoch: the card and the per-step chart follow steps.jsonl as it grows
            try {
                FileTime t = Files.getLastModifiedTime(stepsFile);
                version.append("steps@").append(t.toMillis()).append('+').append(Files.size(stepsFile)).append(';');
                newest = newest == null || t.compareTo(newest) > 0 ? t : newest;
            } catch (IOException e) {
                version.append("steps@?;");
            }
        }
        Path state = TrainingProgress.stateFile(r.dir());
        if (state != null) {
            // progress within an epoch (a run with training.checkpointEvery): the card follows it
            try {
                FileTime t = Files.getLastModifiedTime(state);
                version.append("state@").append(t.toMillis()).append('+').append(Files.size(state)).append(';');
                newest = newest == null || t.compareTo(newest) > 0 ? t : newest;
            } catch (IOException e) {
                version.append("state@?;");
            }
        }
        boolean model = Files.isRegularFile(r.dir().resolve(ModelFiles.MODEL_JSON));
        version.append(model ? "model" : "");
        // short, and opaque: the page only compares it
        n.put("version", Sha256.hex(version.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16));
        n.put("hasModel", model);
        boolean recent = newest != null && newest.toInstant().isAfter(Instant.now().minus(ACTIVE));
        n.put("status", model ? "finished" : recent ? "training" : "stopped");
        return n;
    }

    ObjectNode run(RunFolders.Run r) {
        ObjectNode n = summary(r);
        ArrayNode warnings = n.putArray("warnings");
        Path cfg = RunFolders.file(r, FileRunWriter.CONFIG_JSON);
        if (cfg != null) {
            try {
                JsonNode c = mapper.readTree(ServedFiles.read(cfg, r.shown() + "/" + FileRunWriter.CONFIG_JSON));
                if (c != null && c.isObject()) {
                    n.set("config", c);
                    if (c.path("name").isTextual()) {
                        n.put("name", c.path("name").asText());
                    }
                } else {
                    warnings.add(r.shown() + "/" + FileRunWriter.CONFIG_JSON + ": not a JSON object");
                }
            } catch (ServedFiles.TooLargeException e) {
                warnings.add(e.getMessage());
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                warnings.add(r.shown() + "/" + FileRunWriter.CONFIG_JSON + ": not JSON: " + firstLine(e.getMessage()));
            } catch (IOException e) {
                warnings.add(r.shown() + "/" + FileRunWriter.CONFIG_JSON + ": cannot read: " + firstLine(e.getMessage()));
            }
        } else {
            warnings.add(r.shown() + ": no " + FileRunWriter.CONFIG_JSON);
        }
        ArrayNode epochs = n.putArray("epochs");
        Path metrics = RunFolders.file(r, FileRunWriter.METRICS_JSONL);
        if (metrics != null) {
            try {
                MetricsLog.Parsed p = MetricsLog.parse(ServedFiles.read(metrics, r.shown() + "/"
                        + FileRunWriter.METRICS_JSONL), r.shown() + "/"
                        + FileRunWriter.METRICS_JSONL, mapper);
                p.epochs().forEach(epochs::add);
                p.warnings().forEach(warnings::add);
            } catch (ServedFiles.TooLargeException e) {
                warnings.add(e.getMessage());
            } catch (IOException e) {
                warnings.add(r.shown() + "/" + FileRunWriter.METRICS_JSONL + ": cannot read: " + firstLine(e.getMessage()));
            }
        }
        // within an epoch: steps.jsonl (the loss of each window of batches, and where the newest epoch stands);
        // for a run folder without one, the checkpoint's state (only with training.checkpointEvery) and the losses
        // between the states this server has seen; the config's time as the start, for a first epoch without either
        StepsLog.Snapshot logged = stepsLog.read(r.dir(), mapper);
        int finished = 0;
        for (JsonNode e : epochs) {
            finished = Math.max(finished, e.path("epoch").asInt());
        }
        TrainingProgress.State state = logged != null ? null : progress.read(r.dir(), r.shown(), mapper);
        if (logged != null && logged.last() != null && logged.epoch() > finished) {
            ObjectNode p = n.putObject("progress");
            p.put("epoch", logged.epoch());
            p.put("position", logged.last().position());
            p.put("samples", logged.last().samples());
            p.put("trainLoss", logged.epochLoss());
            p.put("source", "steps");
        }
        if (state != null) {
            ObjectNode p = n.putObject("progress");
            p.put("epoch", state.epoch());
            p.put("position", state.position());
            if (state.position() > 0) {
                p.put("trainLoss", state.lossSum() / state.position());
            }
            p.put("time", state.millis());
        }
        n.set("steps", logged != null ? logged.toJson(mapper) : progress.steps(r.dir(), mapper));
        n.put("stepsSource", logged != null ? StepsLog.FILE : "checkpoints");
        if (cfg != null) {
            try {
                n.put("started", Files.getLastModifiedTime(cfg).toMillis());
            } catch (IOException e) {
                // no start time: the card says less
            }
        }
        n.put("now", System.currentTimeMillis());
        ArrayNode files = n.putArray("files");
        for (String f : RunFolders.SERVED) {
            if (RunFolders.file(r, f) != null) {
                files.add(f);
            }
        }
        return n;
    }

    private void file(Exchange ex, RunFolders.Run r, String name) throws IOException {
        Path f = RunFolders.file(r, name);
        if (f == null) {
            throw new HttpError(404, "run " + r.id() + " has no file " + name + " to serve (served: "
                    + String.join(", ", RunFolders.SERVED) + ")");
        }
        byte[] bytes;
        try {
            bytes = ServedFiles.read(f, r.shown() + "/" + name);
        } catch (ServedFiles.TooLargeException e) {
            throw new HttpError(413, e.getMessage());
        } catch (IOException e) {
            // swapped for a link after the check (O_NOFOLLOW refuses it), gone, or unreadable
            throw new HttpError(404, r.shown() + "/" + name + ": cannot be served (" + e.getMessage()
                    + "); a run's files are served only as regular files, never through a link");
        }
        String type = name.endsWith(".png") ? "image/png" : name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".json") ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
        if (name.endsWith(".html")) {
            // the static report: its pictures are data URIs and it has no script; keep it that way
            ex.response.getHeaders().put("Content-Security-Policy",
                    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox");
        }
        send(ex, 200, type, bytes);
    }

    /** What a POST's body is answered with, computed on a worker thread. */
    private interface Answer {
        Object of(byte[] body) throws IOException, InterruptedException;
    }

    /**
     * A drawing or rows: only from this server's own page (its Origin) as JSON, so that another web page cannot
     * post one (a cross-site JSON POST needs a preflight this server never grants); the body is read without
     * a thread, at most {@code maxBody} bytes within {@link Limits#body}, then computed on a worker.
     */
    private void post(Exchange ex, String host, String what, String format, int maxBody, String tooLarge,
            Answer answer) {
        String origin = ex.header("Origin");
        if (origin == null || !origin.trim().toLowerCase(Locale.ROOT).equals("http://" + host)) {
            throw new HttpError(403, what + " must come from this server's own page (Origin "
                    + (origin == null ? "missing" : origin) + ", expected http://" + host + ")");
        }
        String type = ex.header("Content-Type");
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json")) {
            throw new HttpError(415, what + " must be sent as application/json " + format + ", not "
                    + (type == null ? "without a Content-Type" : type));
        }
        long declared = ex.request.getLength();
        if (declared > maxBody) {
            throw new HttpError(413, tooLarge);
        }
        CompletableFuture<byte[]> read = new CompletableFuture<>();
        Content.Source.asByteArrayAsync(ex.request, maxBody, Promise.Invocable.toPromise(read));
        read.orTimeout(limits.body().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((body, failure) -> {
                    try {
                        server.getThreadPool().execute(() -> {
                            try {
                                if (failure != null) {
                                    Throwable c = failure instanceof CompletionException && failure.getCause() != null
                                            ? failure.getCause() : failure;
                                    if (c instanceof TimeoutException) {
                                        throw new HttpError(408, what + " did not arrive within "
                                                + limits.body().toSeconds() + " s");
                                    }
                                    if (c instanceof IllegalArgumentException || c instanceof java.nio.BufferOverflowException) {
                                        throw new HttpError(413, tooLarge);
                                    }
                                    throw new HttpError(400, what + " could not be read: " + c);
                                }
                                sendJson(ex, 200, answer.of(body));
                            } catch (Throwable t) {
                                fail(ex, t);
                            }
                        });
                    } catch (Throwable t) {
                        fail(ex, new HttpError(503, "the server is busy; try again"));
                    }
                });
    }

    private static String csvTooLarge() {
        return "the CSV is larger than 1 MiB (" + MAX_CSV + " bytes); send fewer rows at a time, or use "
                + "runner predict RUN rows.csv, which takes any size";
    }

    /** A run's model, or 409 with the one line {@code predict} would print. */
    private DigitModel model(RunFolders.Run r) {
        try {
            return models.load(r.dir(), r.shown());
        } catch (RuntimeException e) {
            throw new HttpError(409, firstLine(e.getMessage()));
        }
    }

    /** Waits for a turn to compute (at most {@link Limits#body}), then computes. */
    private <T> T computing(java.util.concurrent.Callable<T> work) throws IOException, InterruptedException {
        if (!predicting.tryAcquire(limits.body().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new HttpError(503, "the server is busy with other drawings; try again");
        }
        try {
            return work.call();
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            predicting.release();
        }
    }

    /** A form's row ({@code {"row": {...}}}: an analysis) or a CSV's rows ({@code {"csv": TEXT}}: one answer each). */
    private Object rows(RunFolders.Run r, byte[] body) throws IOException, InterruptedException {
        JsonNode n;
        try {
            n = mapper.readTree(body);
        } catch (IOException e) {
            throw new HttpError(400, "the rows must be sent as {\"row\": {COLUMN: VALUE}} or {\"csv\": TEXT}: "
                    + firstLine(e.getMessage()));
        }
        boolean row = n != null && n.path("row").isObject();
        boolean csv = n != null && n.path("csv").isTextual();
        if (row == csv) {
            throw new HttpError(400, "the rows must be sent as {\"row\": {COLUMN: VALUE}} or {\"csv\": TEXT}");
        }
        Map<String, String> cells = new HashMap<>();
        if (row) {
            for (var e : n.get("row").properties()) {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new HttpError(400, "the form's value for '" + dev.chainrule.engine.io.Text.escape(e.getKey())
                            + "' must be a number or a text");
                }
                cells.put(e.getKey(), e.getValue().asText());
            }
        }
        String text = csv ? n.get("csv").asText() : null;
        if (csv && text.getBytes(StandardCharsets.UTF_8).length > MAX_CSV) {
            throw new HttpError(413, csvTooLarge());
        }
        String shown = csv ? csvName(n.path("name")) : "the form";
        return computing(() -> {
            DigitModel model = model(r);
            if (model.kind() != DigitModel.Kind.TABLE) {
                throw new HttpError(422, r.shown() + ": the model takes " + (model.kind() == DigitModel.Kind.NONE
                        ? "no named columns" : "pictures") + ", not table rows" + (model.kind() == DigitModel.Kind.NONE
                        ? "" : "; draw or upload a picture instead"));
            }
            try {
                if (row) {
                    return model.analyse(model.inputs().row(cells, shown));
                }
                List<String> where = new ArrayList<>();
                List<double[]> xs = model.inputs().table(text, shown, where);
                if (xs.size() > MAX_ROWS) {
                    throw new HttpError(413, shown + ": " + xs.size() + " rows, more than the page answers at once ("
                            + MAX_ROWS + "); use runner predict RUN rows.csv");
                }
                ObjectNode a = mapper.createObjectNode();
                a.put("model", model.name());
                a.put("kind", model.kind().id());
                a.put("regression", model.regression());
                a.set("rows", mapper.valueToTree(model.answer(xs, where)));
                return a;
            } catch (dev.chainrule.engine.base.BadInputException e) {
                throw new HttpError(400, e.getMessage());
            }
        });
    }

    /** The uploaded file's name for messages: its last path part, control characters escaped, at most 80 characters. */
    private static String csvName(JsonNode name) {
        if (!name.isTextual() || name.asText().isBlank()) {
            return "the CSV";
        }
        String s = name.asText();
        s = s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1);
        s = dev.chainrule.engine.io.Text.escape(s);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** A drawn or uploaded picture ({@code {"png": BASE64}}, any of PNG, JPEG, GIF, BMP): the model's analysis. */
    private Object analyse(RunFolders.Run r, byte[] body) throws IOException, InterruptedException {
        byte[] bytes;
        try {
            JsonNode n = mapper.readTree(body);
            if (n == null || !n.path("png").isTextual()) {
                throw new HttpError(400, "the drawing must be sent as {\"png\": BASE64}");
            }
            bytes = Base64.getDecoder().decode(n.get("png").asText());
        } catch (IOException | IllegalArgumentException e) {
            throw new HttpError(400, "the drawing must be sent as {\"png\": BASE64}: " + firstLine(e.getMessage()));
        }
        if (bytes.length > MAX_UPLOAD) {
            throw new HttpError(413, "the drawing is larger than " + MAX_UPLOAD + " bytes");
        }
        return computing(() -> {
            DigitModel model = model(r);
            switch (model.kind()) {
                case IMAGE:
                    double[] x;
                    try {
                        // the image folder's own decoding and resizing, the size read from the header first
                        x = model.inputs().image(bytes, "the picture", dev.chainrule.engine.predict.Pictures.MAX_PIXELS);
                    } catch (dev.chainrule.engine.base.BadInputException e) {
                        throw new HttpError(e.getMessage().contains("more than maxPixels") ? 413 : 400, e.getMessage());
                    }
                    return model.analyse(x);
                case TABLE:
                    throw new HttpError(422, r.shown() + ": the model takes rows of " + model.network().inputSize()
                            + " features (" + String.join(", ", model.inputs().columns()) + "), not a picture; fill "
                            + "the form or upload a CSV file");
                default:
                    break;
            }
            BufferedImage img;
            try {
                // the size from the header first: a small upload can declare a picture that fills the heap
                img = dev.chainrule.engine.predict.Pictures.decode(new ByteArrayInputStream(bytes), "the drawing");
            } catch (dev.chainrule.engine.base.BadInputException e) {
                if (e.getMessage().contains("megapixel")) {
                    throw new HttpError(413, e.getMessage());
                }
                throw new HttpError(400, "the drawing is not a picture this runner can read (PNG, JPEG, GIF or BMP)");
            }
            try {
                return model.analyse(img);
            } catch (DigitModel.NotADigitException e) {
                throw new HttpError(422, e.getMessage());
            }
        });
    }

    private void page(Exchange ex, String name) throws IOException {
        byte[] bytes;
        try (InputStream in = RunServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new HttpError(500, name + " is missing from the runner's jar");
            }
            bytes = in.readAllBytes();
        }
        String type = name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : name.endsWith(".html")
                ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
        ex.response.getHeaders().put("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; "
                + "style-src 'self'; script-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; "
                + "base-uri 'none'; form-action 'none'");
        send(ex, 200, type, bytes);
    }

    private ObjectNode error(String msg) {
        ObjectNode n = mapper.createObjectNode();
        n.put("error", firstLine(msg));
        return n;
    }

    private void sendJson(Exchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", mapper.writeValueAsBytes(body));
    }

    private static void send(Exchange ex, int status, String type, byte[] body) {
        if (!ex.answered.compareAndSet(false, true)) {
            return;
        }
        Response res = ex.response;
        var h = res.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, type);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Cache-Control", "no-store");
        h.put("Referrer-Policy", "no-referrer");
        res.setStatus(status);
        h.put(HttpHeader.CONTENT_LENGTH, body.length);
        boolean head = ex.method().equals("HEAD");
        res.write(true, head ? null : ByteBuffer.wrap(body), ex.callback);
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            try {
                q.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "malformed query: " + raw);
            }
        }
        return q;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * JSON whose strings cannot close a script or start markup where a page pastes it: {@code < > & '}
     * are written as {@code \}{@code u00XX} escapes. The page itself only ever inserts text with
     * {@code textContent}; this is the second fence.
     */
    static ObjectMapper htmlSafe(ObjectMapper m) {
        m.getFactory().setCharacterEscapes(new CharacterEscapes() {
            private final int[] escapes = standardAsciiEscapesForJSON();

            {
                for (char c : new char[] {'<', '>', '&', '\''}) {
                    escapes[c] = CharacterEscapes.ESCAPE_STANDARD;
                }
            }

            @Override
            public int[] getEscapeCodesForAscii() {
                return escapes;
            }

            @Override
            public SerializableString getEscapeSequence(int ch) {
                return null;
            }
        });
        return m;
    }
}
