package dev.chainrule.engine.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.api.ApiVersion;
import dev.chainrule.api.Buffer;
import dev.chainrule.api.Layer;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Stage;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.io.SafeFiles;
import dev.chainrule.engine.io.Text;
import dev.chainrule.engine.io.AtomicFiles;
import dev.chainrule.engine.io.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model format: {@code model.json} (a header naming the format, the resolved config and where each
 * parameter lies) and {@code weights.bin} (every parameter, flattened row-major as in docs/math.md, as
 * little-endian float64, one after the other). {@code numpy.fromfile("weights.bin", "<f8")} reads it.
 */
public final class ModelFiles {
    public static final String FORMAT = "chainrule-model";
    public static final int FORMAT_VERSION = 1;
    public static final String MODEL_JSON = "model.json";
    public static final String WEIGHTS_BIN = "weights.bin";
    public static final String DTYPE = "float64 little-endian";
    public static final String ORDER = "row-major";

    private ModelFiles() {
    }

    /** Writes weights.bin, then model.json (so a model.json always has its weights). */
    public static void write(Path dir, Network network, RunConfig config, int numClasses, ObjectMapper mapper)
            throws IOException {
        List<Map<String, Object>> params = new ArrayList<>();
        long total = 0;
        List<Stage> stages = network.stages();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) instanceof Layer l) {
                for (Parameter p : l.parameters()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("layer", i);
                    e.put("type", l.type());
                    e.put("name", p.name());
                    e.put("shape", p.shape());
                    e.put("dtype", DTYPE);
                    e.put("order", ORDER);
                    e.put("offset", total * Double.BYTES);
                    e.put("length", p.size());
                    params.add(e);
                    total += p.size();
                }
            }
        }
        // non-trained state (running statistics) follows the parameters in the same file
        List<Map<String, Object>> bufs = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            for (Buffer b : stages.get(i).buffers()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("layer", i);
                e.put("type", stages.get(i).type());
                e.put("name", b.name());
                e.put("shape", b.shape().dims());
                e.put("dtype", DTYPE);
                e.put("offset", total * Double.BYTES);
                e.put("length", b.size());
                bufs.add(e);
                total += b.size();
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(total * Double.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (Parameter p : network.parameters()) {
            for (double v : p.toRowMajor()) {
                buf.putDouble(v);
            }
        }
        for (Buffer b : network.buffers()) {
            for (double v : b.values()) {
                buf.putDouble(v);
            }
        }
        byte[] bytes = buf.array();
        AtomicFiles.write(dir.resolve(WEIGHTS_BIN), bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("formatVersion", FORMAT_VERSION);
        m.put("apiVersion", ApiVersion.VERSION);
        m.put("classes", numClasses);
        m.put("inputShape", network.inputShape().dims());
        m.put("config", config.toJsonMap());
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("file", WEIGHTS_BIN);
        w.put("dtype", DTYPE);
        w.put("bytes", bytes.length);
        w.put("sha256", Sha256.hex(bytes));
        m.put("weights", w);
        m.put("parameters", params);
        if (!bufs.isEmpty()) {
            m.put("buffers", bufs);
        }
        AtomicFiles.write(dir.resolve(MODEL_JSON), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    }

    /** A model read back: its resolved config, the network with the saved weights, the class count. */
    public record Loaded(RunConfig config, Network network, int numClasses) {
    }

    /**
     * Reads {@code model.json} (or the one in a run folder), rebuilds the network through the registry and
     * loads the weights file. A model is data from anywhere, so nothing in it is trusted: model.json must be
     * a regular file of sane size; its config's plugins folder is a record only (PluginSettings); the weights
     * file must lie in the model's folder, be a regular file of exactly the size the parameters need, laid
     * out as this runner writes it, and carry its SHA-256, which must match.
     */
    public static Loaded read(Path pathArg, String shown, ConfigReader reader, NetworkFactory factory,
            ObjectMapper mapper) {
        boolean folder = Files.isDirectory(pathArg);
        Path file = folder ? pathArg.resolve(MODEL_JSON) : pathArg;
        String name = folder ? shown.replaceFirst("/*$", "") + "/" + MODEL_JSON : shown;
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new BadInputException(name + ": no such file (give a run folder or its model.json)");
        }
        Path real = SafeFiles.regular(file, name);
        JsonNode root;
        try {
            root = mapper.readTree(SafeFiles.readSmall(real, name, SafeFiles.MAX_JSON_BYTES));
        } catch (IOException e) {
            String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage();
            throw new BadInputException(name + ": not a chainrule model (" + Text.escape(String.valueOf(m).split("\n")[0])
                    + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new BadInputException(name + ": not a chainrule model (format must be '" + FORMAT + "')");
        }
        if (root.path("formatVersion").asInt() != FORMAT_VERSION) {
            throw new BadInputException(name + ": formatVersion " + root.path("formatVersion")
                    + " is not supported; this runner reads " + FORMAT_VERSION);
        }
        if (!root.has("config")) {
            throw new BadInputException(name + ": config: missing; a model.json holds the config it was trained with");
        }
        JsonNode cls = root.path("classes");
        if (!cls.canConvertToInt() || !cls.isIntegralNumber() || cls.asInt() < 1 || cls.asInt() > 256) {
            throw new BadInputException(name + ": classes: must be an integer from 1 to 256, got " + cls);
        }
        int classes = cls.asInt();
        RunConfig config = reader.resolve(root.get("config"), name + ": config", "model", null);
        JsonNode params = root.path("parameters");
        if (config.input() <= 0) {
            throw new BadInputException(name + ": config.network.input missing");
        }
        Shape inputShape = Shape.of(config.input());
        JsonNode is = root.path("inputShape");
        if (is.isArray() && is.size() > 0) {
            int[] dims = new int[is.size()];
            for (int k = 0; k < dims.length; k++) {
                dims[k] = is.get(k).asInt(-1);
            }
            try {
                inputShape = Shape.of(dims);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(name + ": inputShape " + is + ": " + e.getMessage());
            }
        }
        Network network = factory.build(config, inputShape, classes);
        List<Parameter> ps = network.parameters();
        if (!params.isArray() || params.size() != ps.size()) {
            throw new BadInputException(name + ": lists " + params.size() + " parameters but the network has "
                    + ps.size());
        }
        JsonNode w = root.path("weights");
        String sha = w.path("sha256").asText("");
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new BadInputException(name + ": weights.sha256: " + (w.has("sha256") ? "not a SHA-256 ("
                    + ConfigReaderShow.show(w.get("sha256")) + ")" : "missing")
                    + "; a model's weights must carry their SHA-256, and this one cannot be checked");
        }
        if (!DTYPE.equals(w.path("dtype").asText(DTYPE))) {
            throw new BadInputException(name + ": weights.dtype: " + ConfigReaderShow.show(w.get("dtype"))
                    + " is not supported; this runner reads '" + DTYPE + "'");
        }
        long need = 0;
        for (Parameter p : ps) {
            need += (long) p.size() * Double.BYTES;
        }
        for (Buffer b : network.buffers()) {
            need += (long) b.size() * Double.BYTES;
        }
        Path wfile = SafeFiles.inside(file.toAbsolutePath().getParent(), w.path("file").asText(WEIGHTS_BIN),
                name + ": weights.file");
        String wshown = file.resolveSibling(w.path("file").asText(WEIGHTS_BIN)).toString();
        if (w.has("bytes") && w.path("bytes").asLong(-1) != need) {
            throw new BadInputException(name + ": weights.bytes is " + w.get("bytes") + " but the network's "
                    + ps.size() + " parameters and " + network.buffers().size() + " buffers need " + need);
        }
        byte[] bytes = SafeFiles.readExactly(wfile, wshown, need, name + " (its parameters and buffers)");
        String actual = Sha256.hex(bytes);
        if (!sha.equals(actual)) {
            throw new BadInputException(wshown + ": SHA-256 " + actual + " does not match " + sha
                    + " recorded in " + name + "; the file is corrupted");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long expectedOffset = 0;
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            JsonNode e = params.get(i);
            int[] shape = new int[e.path("shape").size()];
            for (int k = 0; k < shape.length; k++) {
                shape[k] = e.path("shape").get(k).asInt();
            }
            if (!Arrays.equals(shape, p.shape()) || !p.name().equals(e.path("name").asText())) {
                throw new BadInputException(name + ": parameters[" + i + "] is " + Text.escape(e.path("name").asText())
                        + Arrays.toString(shape) + " but the network built from its config has " + p.name()
                        + Arrays.toString(p.shape()));
            }
            // the runner writes the parameters one after the other; any other layout is not its file
            long off = e.path("offset").asLong(-1);
            if (off != expectedOffset || e.path("length").asLong(p.size()) != p.size()) {
                throw new BadInputException(name + ": parameters[" + i + "] (" + p.name() + " of layer "
                        + e.path("layer").asInt() + ") has offset " + e.path("offset") + " and length "
                        + e.path("length") + ", expected offset " + expectedOffset + " and length " + p.size());
            }
            double[] v = new double[p.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = buf.getDouble((int) off + k * Double.BYTES);
            }
            p.setFromRowMajor(v);
            expectedOffset += (long) p.size() * Double.BYTES;
        }
        List<Buffer> bs = network.buffers();
        JsonNode bufs = root.path("buffers");
        if (bufs.size() != bs.size()) {
            throw new BadInputException(name + ": lists " + bufs.size() + " buffers but the network has " + bs.size());
        }
        for (int i = 0; i < bs.size(); i++) {
            Buffer b = bs.get(i);
            JsonNode e = bufs.get(i);
            if (!b.name().equals(e.path("name").asText()) || e.path("length").asLong(-1) != b.size()) {
                throw new BadInputException(name + ": buffers[" + i + "] is " + e.path("name").asText() + " of "
                        + e.path("length").asLong(-1) + " values but the network built from its config has "
                        + b.name() + " of " + b.size());
            }
            // buffers follow the parameters, one after the other, as write() lays them out
            long off = e.path("offset").asLong(-1);
            if (off != expectedOffset) {
                throw new BadInputException(name + ": buffers[" + i + "] (" + b.name() + " of layer "
                        + e.path("layer").asInt() + ") has offset " + e.path("offset") + ", expected " + expectedOffset);
            }
            expectedOffset += (long) b.size() * Double.BYTES;
            double[] v = b.values();
            for (int k = 0; k < v.length; k++) {
                v[k] = buf.getDouble((int) off + k * Double.BYTES);
            }
        }
        return new Loaded(config, network, classes);
    }

    /** JSON values in messages, shortened. */
    private static final class ConfigReaderShow {
        static String show(JsonNode n) {
            if (n == null) {
                return "nothing";
            }
            String s = n.toString();
            return s.length() > 60 ? s.substring(0, 57) + "..." : s;
        }
    }
}
