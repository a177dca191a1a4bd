package dev.chainrule.serve;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.chainrule.engine.io.Sha256;
import dev.chainrule.engine.output.FileRunWriter;
import dev.chainrule.engine.output.ModelFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP side of {@code runner serve}, on the JDK's own {@link HttpServer}.
 *
 * <p>Endpoints (all read-only: nothing is ever written, moved or deleted):
 * <ul>
 *   <li>{@code GET /}, {@code /app.js}, {@code /style.css}: the page, from the runner's jar;</li>
 *   <li>{@code GET /api/runs}: every card, with a version that changes when a run's files do;</li>
 *   <li>{@code GET /api/run?id=ID}: one run's config, epochs and pictures;</li>
 *   <li>{@code GET /api/file?id=ID&name=N}: one of {@link RunFolders#SERVED} of a run;</li>
 *   <li>{@code POST /api/predict?id=ID} with a PNG of the drawing: prediction, saliency map, Jacobians
 *       (computed, nothing stored).</li>
 * </ul>
 * A failure answers one line of JSON {@code {"error": ...}}, never a stack trace; the server stays up.
 */
public final class RunServer {
    /** The largest drawing accepted, far above a 280×280 PNG. */
    static final int MAX_UPLOAD = 4 << 20;
    /** A run whose files changed this recently counts as training. */
    static final Duration ACTIVE = Duration.ofMinutes(2);
    private static final String RESOURCES = "/dev/chainrule/serve/";
    private static final Map<String, String> PAGE = Map.of("/", "index.html", "/index.html", "index.html",
            "/app.js", "app.js", "/style.css", "style.css");

    private final RunFolders folders;
    private final Models models;
    private final ObjectMapper mapper;
    private final PrintWriter log;
    private final boolean loopbackOnly;
    private HttpServer server;
    private ExecutorService pool;

    /**
     * @param loopbackOnly when the server listens on loopback only: then requests must name a loopback host,
     *     so a web page elsewhere cannot read the runs through a DNS name re-pointed to 127.0.0.1
     */
    public RunServer(RunFolders folders, Models models, ObjectMapper mapper, PrintWriter log, boolean loopbackOnly) {
        this.folders = folders;
        this.models = models;
        this.mapper = htmlSafe(mapper.copy());
        this.log = log;
        this.loopbackOnly = loopbackOnly;
    }

    /** Binds and starts; throws {@link java.net.BindException} when the port is taken. */
    public InetSocketAddress start(InetAddress host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "serve");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress();
    }

    /** The port listened on (the chosen one when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        if (server != null) {
            server.stop(0);
            pool.shutdownNow();
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

    void handle(HttpExchange ex) throws IOException {
        try {
            try {
                route(ex);
            } catch (HttpError e) {
                sendJson(ex, e.status, error(e.getMessage()));
            } catch (RuntimeException e) {
                synchronized (log) {
                    log.println("serve: " + ex.getRequestURI().getPath() + ": internal error: " + e);
                    log.flush();
                }
                sendJson(ex, 500, error("internal error: " + e));
            }
        } catch (IOException e) {
            // the browser went away mid-answer; nothing to tell it
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        checkHost(ex);
        boolean post = path.equals("/api/predict");
        if (post ? !method.equals("POST") : !(method.equals("GET") || method.equals("HEAD"))) {
            ex.getResponseHeaders().set("Allow", post ? "POST" : "GET, HEAD");
            throw new HttpError(405, method + " " + path + ": not allowed; this server is read-only");
        }
        Map<String, String> q = query(ex.getRequestURI());
        if (PAGE.containsKey(path)) {
            page(ex, PAGE.get(path));
        } else if (path.equals("/api/runs")) {
            sendJson(ex, 200, runs());
        } else if (path.equals("/api/run")) {
            sendJson(ex, 200, run(run(q)));
        } else if (path.equals("/api/file")) {
            file(ex, run(q), q.get("name"));
        } else if (path.equals("/api/predict")) {
            sendJson(ex, 200, predict(run(q), ex.getRequestBody()));
        } else {
            throw new HttpError(404, path + ": not found");
        }
    }

    private void checkHost(HttpExchange ex) {
        if (!loopbackOnly) {
            return;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        String name = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
        if (!(name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]"))) {
            throw new HttpError(403, "Host " + host + ": this server answers localhost only (use --host to widen)");
        }
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
            arr.add(summary(r));
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
                JsonNode c = mapper.readTree(Files.readAllBytes(cfg));
                if (c != null && c.isObject()) {
                    n.set("config", c);
                    if (c.path("name").isTextual()) {
                        n.put("name", c.path("name").asText());
                    }
                } else {
                    warnings.add(r.shown() + "/" + FileRunWriter.CONFIG_JSON + ": not a JSON object");
                }
            } catch (IOException e) {
                warnings.add(r.shown() + "/" + FileRunWriter.CONFIG_JSON + ": not JSON: " + firstLine(e.getMessage()));
            }
        } else {
            warnings.add(r.shown() + ": no " + FileRunWriter.CONFIG_JSON);
        }
        ArrayNode epochs = n.putArray("epochs");
        Path metrics = RunFolders.file(r, FileRunWriter.METRICS_JSONL);
        if (metrics != null) {
            try {
                MetricsLog.Parsed p = MetricsLog.parse(Files.readAllBytes(metrics), r.shown() + "/"
                        + FileRunWriter.METRICS_JSONL, mapper);
                p.epochs().forEach(epochs::add);
                p.warnings().forEach(warnings::add);
            } catch (IOException e) {
                warnings.add(r.shown() + "/" + FileRunWriter.METRICS_JSONL + ": cannot read: " + e.getMessage());
            }
        }
        ArrayNode files = n.putArray("files");
        for (String f : RunFolders.SERVED) {
            if (RunFolders.file(r, f) != null) {
                files.add(f);
            }
        }
        return n;
    }

    private void file(HttpExchange ex, RunFolders.Run r, String name) throws IOException {
        Path f = RunFolders.file(r, name);
        if (f == null) {
            throw new HttpError(404, "run " + r.id() + " has no file " + name + " to serve (served: "
                    + String.join(", ", RunFolders.SERVED) + ")");
        }
        String type = name.endsWith(".png") ? "image/png" : name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".json") ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
        if (name.endsWith(".html")) {
            // the static report: its pictures are data URIs and it has no script; keep it that way
            ex.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox");
        }
        send(ex, 200, type, Files.readAllBytes(f));
    }

    private Object predict(RunFolders.Run r, InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_UPLOAD + 1);
        if (bytes.length > MAX_UPLOAD) {
            throw new HttpError(413, "the drawing is larger than " + MAX_UPLOAD + " bytes");
        }
        DigitModel model;
        try {
            model = models.load(r.dir(), r.shown());
        } catch (RuntimeException e) {
            throw new HttpError(409, firstLine(e.getMessage()));
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
    }

    private void page(HttpExchange ex, String name) throws IOException {
        byte[] bytes;
        try (InputStream in = RunServer.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new HttpError(500, name + " is missing from the runner's jar");
            }
            bytes = in.readAllBytes();
        }
        String type = name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; "
                + "style-src 'self'; script-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; "
                + "base-uri 'none'; form-action 'none'");
        send(ex, 200, type, bytes);
    }

    private ObjectNode error(String msg) {
        ObjectNode n = mapper.createObjectNode();
        n.put("error", firstLine(msg));
        return n;
    }

    private void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", mapper.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Cache-Control", "no-store");
        h.set("Referrer-Policy", "no-referrer");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        String raw = uri.getRawQuery();
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
