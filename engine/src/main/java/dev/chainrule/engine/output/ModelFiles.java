package dev.chainrule.engine.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.api.ApiVersion;
import dev.chainrule.api.Buffer;
import dev.chainrule.api.Layer;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.network.StateValues;
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
import dev.chainrule.engine.io.JsonRecords;
import dev.chainrule.engine.io.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /**
     * model.json, its fields in the order written. Reading binds strictly ({@link JsonRecords}); a missing
     * field is null, checked by {@link #read}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ModelJson(String format, Integer formatVersion, String apiVersion, Integer classes, int[] inputShape,
            JsonNode config, Weights weights, List<ParameterEntry> parameters, List<BufferEntry> buffers) {
    }

    /** {@code weights}: the file, its dtype, size and SHA-256. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Weights(String file, String dtype, Long bytes, String sha256) {
    }

    /**
     * One entry of {@code parameters}: where a layer's parameter lies in weights.bin; {@code stage} is the
     * stage's name in a graph ({@code block3.conv1}), absent for an unnamed stage.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ParameterEntry(Integer layer, String stage, String type, String name, int[] shape, String dtype, String order,
            Long offset, Long length) {
    }

    /** One entry of {@code buffers}: a stage's non-trained state (running statistics), after the parameters. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BufferEntry(Integer layer, String stage, String type, String name, int[] shape, String dtype, Long offset,
            Long length) {
    }

    /** Writes weights.bin, then model.json (so a model.json always has its weights). */
    public static void write(Path dir, Network network, RunConfig config, int numClasses, ObjectMapper mapper)
            throws IOException {
        List<ParameterEntry> params = new ArrayList<>();
        long total = 0;
        List<Stage> stages = network.stages();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) instanceof Layer l) {
                for (Parameter p : l.parameters()) {
                    params.add(new ParameterEntry(i, network.graph().name(i), l.type(), p.name(), p.shape(), DTYPE, ORDER, total * Double.BYTES,
                            (long) p.size()));
                    total += p.size();
                }
            }
        }
        // non-trained state (running statistics) follows the parameters in the same file
        List<BufferEntry> bufs = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            for (Buffer b : stages.get(i).buffers()) {
                bufs.add(new BufferEntry(i, network.graph().name(i), stages.get(i).type(), b.name(), b.shape().dims(), DTYPE, total * Double.BYTES,
                        (long) b.size()));
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
        ModelJson m = new ModelJson(FORMAT, FORMAT_VERSION, ApiVersion.VERSION, numClasses, network.inputShape().dims(),
                mapper.valueToTree(config.toJsonMap()), new Weights(WEIGHTS_BIN, DTYPE, (long) bytes.length, Sha256.hex(bytes)),
                params, bufs.isEmpty() ? null : bufs);
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
     * out as this runner writes it, and carry its SHA-256, which must match; every parameter and buffer shape
     * must be the network's, and every value finite (a variance buffer's ≥ 0), since a forger rewrites the hash.
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
        ModelJson model = JsonRecords.bind(JsonRecords.strict(mapper), root, ModelJson.class, name);
        if (model.formatVersion() == null || model.formatVersion() != FORMAT_VERSION) {
            throw new BadInputException(name + ": formatVersion " + model.formatVersion()
                    + " is not supported; this runner reads " + FORMAT_VERSION);
        }
        if (model.config() == null) {
            throw new BadInputException(name + ": config: missing; a model.json holds the config it was trained with");
        }
        Integer cls = model.classes();
        if (cls == null || cls < 1 || cls > 256) {
            throw new BadInputException(name + ": classes: must be an integer from 1 to 256, got " + cls);
        }
        int classes = cls;
        RunConfig config = reader.resolve(model.config(), name + ": config", "model", null);
        if (config.input() <= 0) {
            throw new BadInputException(name + ": config.network.input missing");
        }
        Shape inputShape = Shape.of(config.input());
        int[] is = model.inputShape();
        if (is != null && is.length > 0) {
            try {
                inputShape = Shape.of(is);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(name + ": inputShape " + Arrays.toString(is) + ": " + e.getMessage());
            }
        }
        Network network = factory.build(config, inputShape, classes);
        List<Parameter> ps = network.parameters();
        List<ParameterEntry> params = model.parameters() == null ? List.of() : model.parameters();
        if (params.size() != ps.size()) {
            throw new BadInputException(name + ": lists " + params.size() + " parameters but the network has "
                    + ps.size());
        }
        Weights w = model.weights() == null ? new Weights(null, null, null, null) : model.weights();
        String sha = w.sha256() == null ? "" : w.sha256();
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new BadInputException(name + ": weights.sha256: " + (w.sha256() != null ? "not a SHA-256 ("
                    + show(w.sha256()) + ")" : "missing")
                    + "; a model's weights must carry their SHA-256, and this one cannot be checked");
        }
        if (w.dtype() != null && !DTYPE.equals(w.dtype())) {
            throw new BadInputException(name + ": weights.dtype: " + show(w.dtype())
                    + " is not supported; this runner reads '" + DTYPE + "'");
        }
        long need = 0;
        for (Parameter p : ps) {
            need += (long) p.size() * Double.BYTES;
        }
        for (Buffer b : network.buffers()) {
            need += (long) b.size() * Double.BYTES;
        }
        String wname = w.file() == null ? WEIGHTS_BIN : w.file();
        Path wfile = SafeFiles.inside(file.toAbsolutePath().getParent(), wname, name + ": weights.file");
        String wshown = file.resolveSibling(wname).toString();
        if (w.bytes() != null && w.bytes() != need) {
            throw new BadInputException(name + ": weights.bytes is " + w.bytes() + " but the network's "
                    + ps.size() + " parameters and " + network.buffers().size() + " buffers need " + need);
        }
        byte[] bytes = SafeFiles.readExactly(wfile, wshown, need, name + " (its parameters and buffers)");
        String actual = Sha256.hex(bytes);
        if (!sha.equals(actual)) {
            throw new BadInputException(wshown + ": SHA-256 " + actual + " does not match " + sha
                    + " recorded in " + name + "; the file is corrupted");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        // every array as read (parameters row-major, then buffers), for the value check once the layout is known good
        double[][] read = new double[ps.size() + network.buffers().size()][];
        long expectedOffset = 0;
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            ParameterEntry e = params.get(i);
            int[] shape = e.shape() == null ? new int[0] : e.shape();
            if (!Arrays.equals(shape, p.shape()) || !p.name().equals(e.name())) {
                throw new BadInputException(name + ": parameters[" + i + "] is " + Text.escape(String.valueOf(e.name()))
                        + Arrays.toString(shape) + " but the network built from its config has " + p.name()
                        + Arrays.toString(p.shape()));
            }
            // the runner writes the parameters one after the other; any other layout is not its file
            long off = e.offset() == null ? -1 : e.offset();
            long length = e.length() == null ? p.size() : e.length();
            if (off != expectedOffset || length != p.size()) {
                throw new BadInputException(name + ": parameters[" + i + "] (" + p.name() + " of layer "
                        + e.layer() + ") has offset " + e.offset() + " and length "
                        + e.length() + ", expected offset " + expectedOffset + " and length " + p.size());
            }
            double[] v = new double[p.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = buf.getDouble((int) off + k * Double.BYTES);
            }
            p.setFromRowMajor(v);
            read[i] = v;
            expectedOffset += (long) p.size() * Double.BYTES;
        }
        List<Buffer> bs = network.buffers();
        List<BufferEntry> bufs = model.buffers() == null ? List.of() : model.buffers();
        if (bufs.size() != bs.size()) {
            throw new BadInputException(name + ": lists " + bufs.size() + " buffers but the network has " + bs.size());
        }
        for (int i = 0; i < bs.size(); i++) {
            Buffer b = bs.get(i);
            BufferEntry e = bufs.get(i);
            long length = e.length() == null ? -1 : e.length();
            if (!b.name().equals(e.name()) || length != b.size()) {
                throw new BadInputException(name + ": buffers[" + i + "] is " + Text.escape(String.valueOf(e.name()))
                        + " of " + length + " values but the network built from its config has " + b.name() + " of "
                        + b.size());
            }
            int[] shape = e.shape() == null ? new int[0] : e.shape();
            if (!Arrays.equals(shape, b.shape().dims())) {
                throw new BadInputException(name + ": buffers[" + i + "] is " + b.name() + Arrays.toString(shape)
                        + " but the network built from its config has " + b.name() + Arrays.toString(b.shape().dims()));
            }
            // buffers follow the parameters, one after the other, as write() lays them out
            long off = e.offset() == null ? -1 : e.offset();
            if (off != expectedOffset) {
                throw new BadInputException(name + ": buffers[" + i + "] (" + b.name() + " of layer "
                        + e.layer() + ") has offset " + e.offset() + ", expected " + expectedOffset);
            }
            expectedOffset += (long) b.size() * Double.BYTES;
            double[] v = b.values();
            for (int k = 0; k < v.length; k++) {
                v[k] = buf.getDouble((int) off + k * Double.BYTES);
            }
            read[ps.size() + i] = v;
        }
        // the hash only says the file is the one model.json names: a NaN or a negative variance in it makes every
        // answer garbage while looking healthy, so the values themselves are checked too
        StateValues.Bad bad = StateValues.first(network, k -> read[k]);
        if (bad != null) {
            throw new BadInputException(wshown + ": " + bad.describe() + "; every parameter and buffer of a model must "
                    + "be finite (and a variance ≥ 0): the file was edited or written by a run that diverged");
        }
        return new Loaded(config, network, classes);
    }

    /** A string from the file in a message: quoted, escaped, shortened. */
    private static String show(String v) {
        String s = "\"" + Text.escape(v) + "\"";
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
