package dev.chainrule.engine.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.api.BuildContext;
import dev.chainrule.api.ComponentProvider;
import dev.chainrule.api.OptimizerProvider;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.engine.io.SafeFiles;
import dev.chainrule.engine.io.Text;
import dev.chainrule.api.data.DataSourceProvider;
import java.util.Set;
import dev.chainrule.engine.registry.Levenshtein;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.registry.RegistryException;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a run config: Jackson binds the JSON onto the records below with unknown fields rejected, then
 * every default is filled in and every value checked. Each error is one line naming the file, the JSON
 * path, the bad value and what would be valid.
 */
public class ConfigReader {
    public static final long DEFAULT_SEED = 0L;
    public static final String DEFAULT_DATASET = "mnist";
    public static final String DEFAULT_LOSS = "cross-entropy";
    public static final String DEFAULT_OPTIMIZER = "sgd";
    public static final double DEFAULT_LEARNING_RATE = 0.1;
    public static final double DEFAULT_MOMENTUM = 0.0;
    public static final int DEFAULT_BATCH_SIZE = 1;
    public static final int DEFAULT_EPOCHS = 5;
    public static final boolean DEFAULT_SHUFFLE = true;
    public static final int DEFAULT_EVAL_BATCH_SIZE = 1000;
    /** Batches beyond this hold more than a million rows; surely a typo. */
    public static final int MAX_BATCH_SIZE = 1 << 20;
    public static final int MAX_INPUT = 1 << 24;

    /** The file as written (all fields optional here; defaults come later). */
    public record RawConfig(String name, Long seed, ObjectNode data, RawNetwork network, ObjectNode loss,
            RawTraining training, String plugins) {
    }

    public record RawNetwork(Integer input, List<JsonNode> layers, JsonNode blocks) {
    }

    public record RawTraining(ObjectNode optimizer, Integer batchSize, Integer epochs, Boolean shuffle,
            Integer evalBatchSize, RawSchedule schedule, RawEarlyStopping earlyStopping, Integer checkpointEvery,
            Integer shards) {
    }

    public record RawSchedule(String type, Integer stepEpochs, Double gamma, Double minLearningRate) {
    }

    public record RawEarlyStopping(Integer patience, Double validationFraction, Double minDelta) {
    }

    public static final List<String> SCHEDULES = List.of("constant", "step", "exponential", "cosine");
    public static final int DEFAULT_STEP_EPOCHS = 1;
    public static final double DEFAULT_GAMMA = 0.5;
    public static final int DEFAULT_PATIENCE = 3;
    public static final double DEFAULT_VALIDATION_FRACTION = 0.1;

    private final ProviderRegistry registry;
    private final ObjectMapper mapper;

    /**
     * @param registry the providers a config is resolved against; only {@link #resolve(Bound)} uses it, so
     *                 binding a config never discovers plugins (the run pipeline settles the plugins folder
     *                 from the bound config first)
     */
    @Inject
    public ConfigReader(ProviderRegistry registry) {
        this.registry = registry;
        this.mapper = strictMapper();
    }

    /**
     * A config bound to the raw records but not yet resolved against the providers: the first step of the
     * run pipeline. {@code pluginsFolder} is the config's {@code "plugins"} folder (resolved against the
     * config's folder), or null.
     */
    public record Bound(RawConfig raw, String shown, String defaultName, Path baseDir, Path pluginsFolder) {
    }

    /**
     * A mapper that accepts no unknown field, no float for an int, no string for a number, and no key twice
     * in one object (otherwise the last would silently win).
     */
    public static ObjectMapper strictMapper() {
        return JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    /**
     * Reads and resolves a config the user passed ({@code shown} is how messages name it, as typed): its
     * {@code plugins} folder is where plugins are loaded from.
     */
    public RunConfig read(Path file, String shown) {
        return resolve(bind(file, shown));
    }

    /**
     * Reads and binds {@code file} without resolving it: no provider is looked at. The file must be a
     * regular file of sane size (not a FIFO or /dev/zero), in UTF-8.
     */
    public Bound bind(Path file, String shown) {
        String text = text(SafeFiles.readSmall(file, shown, SafeFiles.MAX_JSON_BYTES), shown);
        Path name = file.getFileName();
        String base = defaultName(name == null ? "" : name.toString().replaceFirst("\\.json$", ""));
        Path dir = file.toAbsolutePath().getParent();
        return bind(text, shown, base, dir);
    }

    /**
     * A config file's bytes as text: UTF-8 (a UTF-8 byte-order mark is skipped); UTF-16 or UTF-32, which
     * editors on some systems save, is named as such rather than reported as a decoding error.
     */
    static String text(byte[] b, String shown) {
        if (b.length >= 2 && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE))
                || b.length >= 2 && (b[0] == 0 || b[1] == 0)) {
            throw new ConfigException(shown, null, "the file is UTF-16 or UTF-32 text (it starts with bytes "
                    + String.format("%02x %02x", b[0], b[1]) + "); save it as UTF-8");
        }
        int start = b.length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF ? 3 : 0;
        ByteBuffer in = ByteBuffer.wrap(b, start, b.length - start);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(shown, "byte " + in.position(), "not UTF-8 text (byte "
                    + String.format("0x%02x", b[in.position()]) + "); save the file as UTF-8");
        }
    }

    /** A run name from a config's file name ({@code my config.json} → {@code my-config}). */
    static String defaultName(String fileBase) {
        String n = fileBase.replaceAll("[^A-Za-z0-9._-]+", "-").replaceFirst("^[^A-Za-z0-9]+", "");
        n = n.length() > 100 ? n.substring(0, 100) : n;
        return n.isEmpty() ? "run" : n;
    }

    /**
     * Parses config text. {@code defaultName} is used when the config has no {@code name};
     * {@code baseDir} resolves a relative {@code data.dir}.
     */
    public RunConfig parse(String text, String shown, String defaultName, Path baseDir) {
        return resolve(bind(text, shown, defaultName, baseDir));
    }

    /** Parses and binds config text without resolving it (see {@link #parse}). */
    public Bound bind(String text, String shown, String defaultName, Path baseDir) {
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw syntax(shown, e);
        }
        return bind(tree, shown, defaultName, baseDir);
    }

    /** Binds and resolves an already parsed config tree the user gave (its plugins folder is used). */
    public RunConfig resolve(JsonNode tree, String shown, String defaultName, Path baseDir) {
        return resolve(bind(tree, shown, defaultName, baseDir));
    }

    /** Binds an already parsed config tree to the raw records; checks fields and JSON types only. */
    public Bound bind(JsonNode tree, String shown, String defaultName, Path baseDir) {
        if (tree == null) {
            throw new ConfigException(shown, null, "missing, expected a JSON object");
        }
        if (tree.isMissingNode()) {
            throw new ConfigException(shown, null, "empty file, expected a JSON object");
        }
        if (!tree.isObject()) {
            throw new ConfigException(shown, null, "expected a JSON object, got " + kind(tree));
        }
        RawConfig raw;
        try {
            raw = mapper.treeToValue(tree, RawConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String path = path(e);
            String field = e.getPropertyName();
            List<String> known = new ArrayList<>();
            for (Object o : e.getKnownPropertyIds()) {
                known.add(String.valueOf(o));
            }
            known.sort(null);
            throw new ConfigException(shown, path, "unknown field; known: " + String.join(", ", known)
                    + Levenshtein.hint(field, known));
        } catch (JsonMappingException e) {
            String path = path(e);
            throw new ConfigException(shown, path, "expected " + expected(e) + ", got " + show(at(tree, e)));
        } catch (JsonProcessingException e) {
            throw syntax(shown, e);
        }
        Path p = null;
        if (raw.plugins() != null) {
            if (raw.plugins().isBlank()) {
                throw new ConfigException(shown, "plugins", "must be a folder path, got an empty string");
            }
            p = path(shown, "plugins", raw.plugins());
            if (!p.isAbsolute() && baseDir != null) {
                p = baseDir.resolve(p).normalize();
            }
        }
        return new Bound(raw, shown, defaultName, baseDir, p);
    }

    /** Resolves and validates a bound config against the providers: the last step of the run pipeline. */
    public RunConfig resolve(Bound bound) {
        // kept in the resolved config, so a saved config says where its types came from (a record only)
        String plugins = bound.pluginsFolder() == null ? null
                : bound.pluginsFolder().toAbsolutePath().normalize().toString();
        return new Resolver(bound.shown(), bound.baseDir()).resolve(bound.raw(), bound.defaultName(), plugins);
    }

    /** A path from a config; one that this system cannot name (a NUL, or non-ASCII under LANG=C) is one line. */
    static Path path(String shown, String jsonPath, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(shown, jsonPath, SafeFiles.unusable(e));
        }
    }


    private static ConfigException syntax(String shown, JsonProcessingException e) {
        String what = e.getOriginalMessage();
        if (what != null && what.startsWith("Duplicate field '") && e.getProcessor() instanceof JsonParser p) {
            var loc = e.getLocation();
            return new ConfigException(shown, pointerPath(p.getParsingContext()), "duplicate key (again at line "
                    + (loc == null ? "?" : loc.getLineNr() + ", column " + loc.getColumnNr())
                    + "); each key may appear once in an object");
        }
        int nl = what.indexOf('\n');
        if (nl >= 0) {
            what = what.substring(0, nl);
        }
        // Jackson names where an unclosed object or array began through a source description we disable
        what = what.replaceAll("\\s*\\(for (Object|Array) starting at \\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]\\)",
                " (the $1 opened at line $2, column $3)").replace("the Object", "the object").replace("the Array", "the array")
                .replaceAll("\\s*\\(start marker at \\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]\\)",
                        " opened at line $1, column $2");
        var loc = e.getLocation();
        String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return new ConfigException(shown, where, "malformed JSON: " + what);
    }

    /** {@code /training/x/1/epochs} → {@code training.x[1].epochs}. */
    static String pointerPath(JsonStreamContext ctx) {
        StringBuilder sb = new StringBuilder();
        java.util.ArrayDeque<JsonStreamContext> chain = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        for (JsonStreamContext c : chain) {
            if (c.inArray()) {
                sb.append('[').append(c.getCurrentIndex()).append(']');
            } else if (c.getCurrentName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(Text.escape(c.getCurrentName()));
            }
        }
        return sb.toString();
    }

    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static JsonNode at(JsonNode tree, JsonMappingException e) {
        JsonNode n = tree;
        for (JsonMappingException.Reference r : e.getPath()) {
            if (n == null) {
                return null;
            }
            n = r.getFieldName() != null ? n.get(r.getFieldName()) : n.get(r.getIndex());
        }
        return n;
    }

    private static String expected(JsonMappingException e) {
        Class<?> t = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        if (e.getCause() instanceof InputCoercionException ic) {
            t = ic.getTargetType();
        }
        if (t == null) {
            return "a valid value";
        }
        if (t == Integer.class || t == int.class) {
            // the range matters only when the value is a number too large for it
            return e.getCause() instanceof InputCoercionException
                    ? "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE : "an integer";
        }
        if (t == Long.class || t == long.class) {
            return "an integer";
        }
        if (t == Double.class || t == double.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String kind(JsonNode n) {
        if (n.isArray()) {
            return "an array";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        return n.toString();
    }

    /** A JSON value as it appears in the file, shortened. */
    static String show(JsonNode n) {
        if (n == null) {
            return "nothing";
        }
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** Fills in defaults and checks ranges, naming each bad value by its JSON path. */
    private final class Resolver {
        private final String shown;
        private final Path baseDir;

        Resolver(String shown, Path baseDir) {
            this.shown = shown;
            this.baseDir = baseDir;
        }

        ConfigException bad(String path, String msg) {
            return new ConfigException(shown, path, msg);
        }

        RunConfig resolve(RawConfig raw, String defaultName, String plugins) {
            String name = raw.name() != null ? raw.name() : defaultName;
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
                throw bad("name", "must be 1-100 letters, digits, '.', '_' or '-' (it names the run folder), got '"
                        + Text.escape(name) + "'");
            }
            long seed = raw.seed() != null ? raw.seed() : DEFAULT_SEED;
            RunConfig.Data data = data(raw.data(), seed);
            if (raw.network() == null) {
                throw bad("network", "required: {\"layers\": [{\"type\": \"dense\", \"units\": 10}, ...]}");
            }
            int input = 0;
            if (raw.network().input() != null) {
                input = raw.network().input();
                if (input < 1 || input > MAX_INPUT) {
                    throw bad("network.input", "must be an integer from 1 to " + MAX_INPUT + ", got " + input);
                }
            }
            List<JsonNode> rawLayers = raw.network().layers();
            if (rawLayers == null || rawLayers.isEmpty()) {
                throw bad("network.layers", "required, a non-empty array of {\"type\": ...} entries");
            }
            // names, inputs and blocks (docs/graphs.md); a sequential config comes out as it went in
            List<ComponentSpec> layers = new GraphConfig(mapper, (node, path) -> component(node, path, true),
                    type -> registry.find(type) != null, this::bad).expand(rawLayers, raw.network().blocks());
            ComponentSpec loss = raw.loss() == null ? component(null, "loss", false)
                    : component(raw.loss(), "loss", false);
            RunConfig.Training training = training(raw.training());
            return new RunConfig(shown, name, seed, data, input, layers, loss, training, plugins);
        }

        /**
         * {@code data}: today's two IDX forms ({@code {"dataset": "mnist"}}, {@code {"dir": ...}}, also written
         * {@code {"type": "mnist"}} and {@code {"type": "idx", "dir": ...}}), or a data-source plugin's typed
         * entry whose options its provider checks now, beside the engine's own keys (testSplit, scaling,
         * standardize) and the ones a run records (base, fitted).
         */
        RunConfig.Data data(ObjectNode d, long seed) {
            if (d == null || d.isEmpty()) {
                return new RunConfig.Data(DEFAULT_DATASET, null);
            }
            JsonNode t = d.get("type");
            if (t != null && !t.isTextual()) {
                throw bad("data.type", "expected a string, got " + show(t));
            }
            if (t == null || t.asText().equals("mnist") || t.asText().equals("idx")) {
                return idxData(d, t == null ? null : t.asText());
            }
            String type = t.asText();
            DataSourceProvider provider;
            try {
                provider = registry.dataSource(type);
            } catch (RegistryException e) {
                throw bad("data.type", Text.escape(e.getMessage().replace("; known: ", "; known: idx, mnist, ")));
            }
            Map<String, Object> opts = new LinkedHashMap<>();
            double testSplit = 0;
            String scale = "none";
            String base = baseDir == null ? Path.of("").toAbsolutePath().toString() : baseDir.toString();
            RunConfig.Fitted fitted = null;
            for (var e : d.properties()) {
                String key = e.getKey();
                JsonNode v = e.getValue();
                String at = "data." + Text.escape(key);
                if (v.isNull()) {
                    throw bad(at, "null is not a value; give one or leave the option out");
                }
                switch (key) {
                    case "type" -> { }
                    case "testSplit" -> {
                        if (!v.isNumber() || !(v.asDouble() > 0 && v.asDouble() < 1)) {
                            throw bad(at, "must be a number between 0 and 1 (exclusive), the fraction of rows held out "
                                    + "for testing, got " + show(v));
                        }
                        testSplit = v.asDouble();
                    }
                    case "scaling" -> {
                        if (!v.isTextual() || !RunConfig.Data.SCALES.contains(v.asText())) {
                            throw bad(at, "unknown scaling " + show(v) + "; known: " + String.join(", ", RunConfig.Data.SCALES));
                        }
                        scale = v.asText();
                    }
                    case "standardize" -> {
                        if (!v.isBoolean()) {
                            throw bad(at, "expected true or false, got " + show(v));
                        }
                        if (v.asBoolean()) {
                            scale = "standardize";
                        }
                    }
                    case "base" -> {
                        if (!v.isTextual() || v.asText().isBlank()) {
                            throw bad(at, "expected a folder path, got " + show(v));
                        }
                        base = path(shown, at, v.asText()).toAbsolutePath().normalize().toString();
                    }
                    case "fitted" -> fitted = fitted(v, at);
                    default -> opts.put(key, mapper.convertValue(v, Object.class));
                }
            }
            if (d.has("standardize") && d.has("scaling")) {
                throw bad("data.standardize", "give scaling or standardize, not both");
            }
            List<OptionSpec> specs = provider.options();
            Set<String> known = new java.util.TreeSet<>(List.of("base", "scaling", "standardize", "testSplit", "type"));
            specs.forEach(sp -> known.add(sp.name()));
            for (String key : opts.keySet()) {
                if (specs.stream().noneMatch(sp -> sp.name().equals(key))) {
                    throw bad("data." + Text.escape(key), "unknown option '" + Text.escape(key) + "' for data type '"
                            + type + "'; known: " + String.join(", ", known) + Levenshtein.hint(key, known));
                }
            }
            Options o = new Options(opts);
            for (OptionSpec sp : specs) {
                try {
                    sp.validate(o);
                } catch (OptionException e) {
                    throw bad(e.key() == null ? "data" : "data." + e.key(), e.getMessage());
                }
            }
            return new RunConfig.Data(null, null, type, opts, base, testSplit, scale, seed, fitted);
        }

        /** The two IDX forms: the cached MNIST set or a folder with the four files. */
        RunConfig.Data idxData(ObjectNode d, String type) {
            Set<String> known = "mnist".equals(type) ? Set.of("type") : "idx".equals(type) ? Set.of("type", "dir")
                    : Set.of("dataset", "dir", "type");
            for (var e : d.properties()) {
                if (!known.contains(e.getKey())) {
                    throw bad("data." + Text.escape(e.getKey()), "unknown key '" + Text.escape(e.getKey()) + "'; known: "
                            + String.join(", ", new java.util.TreeSet<>(known)) + (type == null
                            ? " (or a data source's own: {\"type\": \"csv\", \"path\": ...}, see docs/data.md)" : ""));
                }
            }
            JsonNode ds = d.get("dataset");
            JsonNode dir = d.get("dir");
            if (ds != null && !ds.isTextual()) {
                throw bad("data.dataset", "expected a string, got " + show(ds));
            }
            if (dir != null && !dir.isTextual()) {
                throw bad("data.dir", "expected a string, got " + show(dir));
            }
            if ("mnist".equals(type)) {
                return new RunConfig.Data(DEFAULT_DATASET, null);
            }
            if ("idx".equals(type) && dir == null) {
                throw bad("data.dir", "required for type idx: a folder with the four IDX files");
            }
            if (ds == null && dir == null) {
                return new RunConfig.Data(DEFAULT_DATASET, null);
            }
            if (ds != null && dir != null) {
                throw bad("data", "give either dataset or dir, not both");
            }
            if (ds != null) {
                if (!ds.asText().equals(DEFAULT_DATASET)) {
                    throw bad("data.dataset", "unknown dataset '" + Text.escape(ds.asText()) + "'; known: mnist (or give "
                            + "data.dir, a folder with the four IDX files)");
                }
                return new RunConfig.Data(DEFAULT_DATASET, null);
            }
            if (dir.asText().isBlank()) {
                throw bad("data.dir", "must be a folder path, got an empty string");
            }
            Path p = path(shown, "data.dir", dir.asText());
            if (!p.isAbsolute() && baseDir != null) {
                p = baseDir.resolve(p).normalize();
            }
            return new RunConfig.Data(null, p.toString());
        }

        /** A recorded {@code data.fitted}: what training learned (written by the engine, read back). */
        RunConfig.Fitted fitted(JsonNode v, String at) {
            if (!v.isObject()) {
                throw bad(at, "expected an object (written by the engine), got " + show(v));
            }
            List<String> classes = strings(v.get("classes"), at + ".classes");
            List<String> targets = strings(v.get("targets"), at + ".targets");
            List<String> features = strings(v.get("features"), at + ".features");
            JsonNode sc = v.get("scale");
            String scale = sc == null ? "none" : sc.asText();
            if (!RunConfig.Data.SCALES.contains(scale)) {
                throw bad(at + ".scale", "unknown scaling " + show(sc) + "; known: " + String.join(", ", RunConfig.Data.SCALES));
            }
            double[] offset = numbers(v.get("offset"), at + ".offset");
            double[] divisor = numbers(v.get("divisor"), at + ".divisor");
            if (offset.length != divisor.length || (features != null && offset.length > 0 && offset.length != features.size())) {
                throw bad(at, offset.length + " offsets and " + divisor.length + " divisors for "
                        + (features == null ? 0 : features.size()) + " features");
            }
            for (int i = 0; i < divisor.length; i++) {
                if (!(divisor[i] > 0) || !Double.isFinite(divisor[i]) || !Double.isFinite(offset[i])) {
                    throw bad(at + ".divisor[" + i + "]", "scaling must be finite with a positive divisor, got offset "
                            + offset[i] + " and divisor " + divisor[i]);
                }
            }
            if ((classes == null) == (targets == null)) {
                throw bad(at, "needs either classes or targets");
            }
            double[] tOffset = numbers(v.get("targetOffset"), at + ".targetOffset");
            double[] tDivisor = numbers(v.get("targetDivisor"), at + ".targetDivisor");
            if (tOffset.length != tDivisor.length || (tOffset.length > 0 && (targets == null || tOffset.length != targets.size()))) {
                throw bad(at, tOffset.length + " target offsets and " + tDivisor.length + " target divisors for "
                        + (targets == null ? 0 : targets.size()) + " targets");
            }
            for (int i = 0; i < tDivisor.length; i++) {
                if (!(tDivisor[i] > 0) || !Double.isFinite(tDivisor[i]) || !Double.isFinite(tOffset[i])) {
                    throw bad(at + ".targetDivisor[" + i + "]", "scaling must be finite with a positive divisor, got offset "
                            + tOffset[i] + " and divisor " + tDivisor[i]);
                }
            }
            return new RunConfig.Fitted(classes, targets, features, scale, offset, divisor, tOffset, tDivisor);
        }

        List<String> strings(JsonNode v, String at) {
            if (v == null) {
                return null;
            }
            if (!v.isArray()) {
                throw bad(at, "expected a list of strings, got " + show(v));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw bad(at + "[" + i + "]", "expected a string, got " + show(v.get(i)));
                }
                out.add(v.get(i).asText());
            }
            return out;
        }

        double[] numbers(JsonNode v, String at) {
            if (v == null) {
                return new double[0];
            }
            if (!v.isArray()) {
                throw bad(at, "expected a list of numbers, got " + show(v));
            }
            double[] out = new double[v.size()];
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isNumber()) {
                    throw bad(at + "[" + i + "]", "expected a number, got " + show(v.get(i)));
                }
                out[i] = v.get(i).asDouble();
            }
            return out;
        }

        ComponentSpec component(JsonNode node, String path, boolean stage) {
            if (node == null) {
                checkType(DEFAULT_LOSS, path, stage);
                return withDefaults(ComponentSpec.of(DEFAULT_LOSS), path, stage);
            }
            if (!node.isObject()) {
                throw bad(path, "expected an object such as {\"type\": \"" + (stage ? "dense" : DEFAULT_LOSS)
                        + "\"}, got " + show(node));
            }
            JsonNode t = node.get("type");
            if (t == null) {
                throw bad(path + ".type", "required; known: " + String.join(", ", known(stage)));
            }
            if (!t.isTextual()) {
                throw bad(path + ".type", "expected a string, got " + show(t));
            }
            String type = t.asText();
            checkType(type, path, stage);
            Map<String, Object> opts = new LinkedHashMap<>();
            node.properties().forEach(e -> {
                if (e.getValue().isNull()) {
                    // a provider would read null as "not given" or 0; say so rather than guess
                    throw bad(path + "." + Text.escape(e.getKey()), "null is not a value; give one or leave the option out");
                }
                if (!e.getKey().equals("type")) {
                    opts.put(e.getKey(), mapper.convertValue(e.getValue(), Object.class));
                }
            });
            return withDefaults(new ComponentSpec(type, opts), path, stage);
        }

        Collection<String> known(boolean stage) {
            return registry.types(stage
                    ? java.util.EnumSet.of(ComponentProvider.Kind.LAYER, ComponentProvider.Kind.ACTIVATION,
                            ComponentProvider.Kind.TRANSFORM, ComponentProvider.Kind.MERGE)
                    : java.util.EnumSet.of(ComponentProvider.Kind.LOSS));
        }

        void checkType(String type, String path, boolean stage) {
            if (!Text.escape(type).equals(type)) {
                // a control character would cut the one-line message short; no provider can have such an id
                throw bad(path + ".type", "unknown type '" + Text.escape(type) + "' (it holds a control character); known: "
                        + String.join(", ", known(stage)));
            }
            try {
                if (stage) {
                    registry.stage(type);
                } else {
                    registry.loss(type);
                }
            } catch (RegistryException e) {
                throw bad(path + ".type", Text.escape(e.getMessage()));
            }
        }

        /** Rejects unknown option keys now (before any data is read) and writes out the provider's defaults. */
        ComponentSpec withDefaults(ComponentSpec c, String path, boolean stage) {
            ComponentProvider p = stage ? registry.stage(c.type()) : registry.loss(c.type());
            try {
                c.asOptions().requireKnown(p.options());
            } catch (OptionException e) {
                throw bad(e.key() == null ? path : path + "." + e.key(), e.getMessage());
            }
            Map<String, Object> opts = new LinkedHashMap<>(c.options());
            for (OptionSpec s : p.options()) {
                if (!opts.containsKey(s.name()) && s.defaultValue() != null) {
                    Object v = literal(s);
                    if (v != null) {
                        opts.put(s.name(), v);
                    }
                }
            }
            return new ComponentSpec(c.type(), opts);
        }

        RunConfig.Training training(RawTraining t) {
            RunConfig.Optimizer optimizer = optimizer(t == null ? null : t.optimizer());
            double lr = optimizer.learningRate();
            int batch = t == null || t.batchSize() == null ? DEFAULT_BATCH_SIZE : t.batchSize();
            checkRange("training.batchSize", batch, 1, MAX_BATCH_SIZE);
            int epochs = t == null || t.epochs() == null ? DEFAULT_EPOCHS : t.epochs();
            checkRange("training.epochs", epochs, 1, 100_000);
            boolean shuffle = t == null || t.shuffle() == null ? DEFAULT_SHUFFLE : t.shuffle();
            int evalBatch = t == null || t.evalBatchSize() == null ? DEFAULT_EVAL_BATCH_SIZE : t.evalBatchSize();
            checkRange("training.evalBatchSize", evalBatch, 1, MAX_BATCH_SIZE);
            RunConfig.Schedule schedule = schedule(t == null ? null : t.schedule(), lr);
            RunConfig.EarlyStopping early = earlyStopping(t == null ? null : t.earlyStopping());
            int every = t == null || t.checkpointEvery() == null ? 0 : t.checkpointEvery();
            checkRange("training.checkpointEvery", every, 0, Integer.MAX_VALUE);
            int shards = t == null || t.shards() == null ? 1 : t.shards();
            checkRange("training.shards", shards, 1, MAX_BATCH_SIZE);
            if (shards > batch) {
                throw bad("training.shards", shards + " is more than training.batchSize " + batch
                        + ": every shard of a batch needs a row; use at most " + batch + " shards");
            }
            return new RunConfig.Training(optimizer, batch, epochs, shuffle, evalBatch,
                    schedule, early, every, shards);
        }

        /**
         * {@code training.optimizer}: {@code {"type": ..., options}} through the registry (sgd when absent),
         * every default written out, and the optimizer built once so that a bad combination of options
         * (nesterov without momentum) is reported now, naming its JSON path.
         */
        RunConfig.Optimizer optimizer(ObjectNode node) {
            String path = "training.optimizer";
            String type = DEFAULT_OPTIMIZER;
            Map<String, Object> opts = new LinkedHashMap<>();
            if (node != null) {
                JsonNode t = node.get("type");
                if (t != null && !t.isTextual()) {
                    throw bad(path + ".type", "expected a string, got " + show(t));
                }
                if (t != null) {
                    type = t.asText();
                }
                node.properties().forEach(e -> {
                    if (!e.getKey().equals("type")) {
                        opts.put(e.getKey(), mapper.convertValue(e.getValue(), Object.class));
                    }
                });
            }
            OptimizerProvider p;
            try {
                p = registry.optimizer(type);
            } catch (RegistryException e) {
                throw bad(path + ".type", e.getMessage());
            }
            ComponentSpec spec = new ComponentSpec(type, opts);
            try {
                spec.asOptions().requireKnown(p.options());
            } catch (OptionException e) {
                throw bad(e.key() == null ? path : path + "." + e.key(), e.getMessage());
            }
            Map<String, Object> full = new LinkedHashMap<>(opts);
            for (OptionSpec s : p.options()) {
                if (!full.containsKey(s.name()) && s.defaultValue() != null) {
                    Object v = literal(s);
                    if (v != null) {
                        full.put(s.name(), v);
                    }
                }
            }
            RunConfig.Optimizer o = new RunConfig.Optimizer(type, full);
            try {
                p.create(new BuildContext(type, Shape.of(1), new Options(full), 0L));
            } catch (OptionException e) {
                throw bad(e.key() == null ? path : path + "." + e.key(), e.getMessage());
            } catch (IllegalArgumentException e) {
                throw bad(path, e.getMessage());
            }
            if (!(full.get("learningRate") instanceof Number)) {
                throw bad(path, "optimizer '" + type + "' (" + p.getClass().getName()
                        + ") declares no number option learningRate with a default; schedules need one");
            }
            return o;
        }

        RunConfig.Schedule schedule(RawSchedule s, double lr) {
            if (s == null) {
                return RunConfig.Schedule.CONSTANT;
            }
            String type = s.type() == null ? "constant" : s.type();
            if (!SCHEDULES.contains(type)) {
                throw bad("training.schedule.type", "unknown schedule '" + type + "'; known: "
                        + String.join(", ", SCHEDULES) + Levenshtein.hint(type, SCHEDULES));
            }
            int step = s.stepEpochs() == null ? DEFAULT_STEP_EPOCHS : s.stepEpochs();
            checkRange("training.schedule.stepEpochs", step, 1, 100_000);
            double gamma = s.gamma() == null ? DEFAULT_GAMMA : s.gamma();
            if (!(gamma > 0 && gamma <= 1)) {
                throw bad("training.schedule.gamma", "must be in (0, 1], got " + gamma);
            }
            double min = s.minLearningRate() == null ? 0.0 : s.minLearningRate();
            if (!(min >= 0 && min < lr)) {
                throw bad("training.schedule.minLearningRate", "must be in [0, learningRate = " + lr + "), got " + min);
            }
            return new RunConfig.Schedule(type, step, gamma, min);
        }

        RunConfig.EarlyStopping earlyStopping(RawEarlyStopping e) {
            if (e == null) {
                return null;
            }
            int patience = e.patience() == null ? DEFAULT_PATIENCE : e.patience();
            checkRange("training.earlyStopping.patience", patience, 1, 100_000);
            double f = e.validationFraction() == null ? DEFAULT_VALIDATION_FRACTION : e.validationFraction();
            if (!(f > 0 && f < 1)) {
                throw bad("training.earlyStopping.validationFraction", "must be in (0, 1), got " + f);
            }
            double d = e.minDelta() == null ? 0.0 : e.minDelta();
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw bad("training.earlyStopping.minDelta", "must be a finite number ≥ 0, got " + d);
            }
            return new RunConfig.EarlyStopping(patience, f, d);
        }

        void checkRange(String path, int v, int min, int max) {
            if (v < min || v > max) {
                throw bad(path, "must be an integer from " + min + " to " + max + ", got " + v);
            }
        }
    }

    /** An option's documented default as a JSON value: a number, a boolean, or a choice string. */
    static Object literal(OptionSpec s) {
        if (s.kind() != OptionSpec.Kind.FREE) {
            return s.defaultObject();
        }
        String d = s.defaultValue().trim();
        if (d.equals("true") || d.equals("false")) {
            return Boolean.valueOf(d);
        }
        try {
            if (d.matches("-?\\d{1,9}")) {
                return Integer.valueOf(d);
            }
            if (d.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
                return Double.valueOf(d);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (s.type() != null && s.type().startsWith("one of")) {
            TreeSet<String> choices = new TreeSet<>();
            for (String c : s.type().substring("one of".length()).split(",")) {
                choices.add(c.trim());
            }
            return choices.contains(d) ? d : null;
        }
        return null;
    }
}
