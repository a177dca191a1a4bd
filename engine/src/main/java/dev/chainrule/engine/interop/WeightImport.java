package dev.chainrule.engine.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import dev.chainrule.api.Buffer;
import dev.chainrule.api.Layer;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Stage;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.io.SafeFiles;
import dev.chainrule.engine.io.Text;
import dev.chainrule.engine.output.ModelFiles;
import dev.chainrule.engine.plugins.RunPlugins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code runner import-weights} (docs/interop.md): builds a config's network and fills every parameter and buffer
 * from a safetensors or {@code .npz} file, then writes an ordinary model folder (model.json, weights.bin,
 * plugins.json). A network's tensors are named {@code layers.I.NAME} (I the entry's index in
 * {@code network.layers}, NAME the parameter's or buffer's: W, b, K, gamma, beta, running_mean, running_var). The
 * names file maps each of them to the file's name for it; without one the file's tensors are taken in the file's
 * order (npz: entry order; safetensors: data order). Every shape must be the parameter's exactly and every dtype
 * F64 or F32; anything missing, extra, mis-shaped or mis-typed fails with one line and nothing is written.
 */
public final class WeightImport {
    /** The names file's key listing file tensors to leave out (such as PyTorch's num_batches_tracked). */
    public static final String IGNORE = "ignore";

    private final NetworkFactory factory;
    private final ObjectMapper mapper;
    private final RunPlugins runPlugins;

    @Inject
    public WeightImport(NetworkFactory factory, ObjectMapper mapper, RunPlugins runPlugins) {
        this.factory = factory;
        this.mapper = mapper;
        this.runPlugins = runPlugins;
    }

    /** A tensor of the network to fill: its name, shape and where its values go. */
    private record Target(String name, int[] shape, Parameter parameter, Buffer buffer) {
        void set(double[] v) {
            if (parameter != null) {
                parameter.setFromRowMajor(v);
            } else {
                System.arraycopy(v, 0, buffer.values(), 0, v.length);
            }
        }
    }

    /** What was imported: the network and, per network tensor, the file tensor it came from. */
    public record Result(Network network, Map<String, String> sources) {
    }

    /** The network's tensors by name, in order: every parameter, then every buffer, stage by stage. */
    public static List<String> names(Network network) {
        List<String> out = new ArrayList<>();
        for (Target t : targets(network)) {
            out.add(t.name());
        }
        return out;
    }

    private static List<Target> targets(Network network) {
        List<Target> ts = new ArrayList<>();
        List<Stage> stages = network.stages();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) instanceof Layer l) {
                for (Parameter p : l.parameters()) {
                    ts.add(new Target("layers." + i + "." + p.name(), p.shape(), p, null));
                }
            }
        }
        for (int i = 0; i < stages.size(); i++) {
            for (Buffer b : stages.get(i).buffers()) {
                ts.add(new Target("layers." + i + "." + b.name(), b.shape().dims(), null, b));
            }
        }
        return ts;
    }

    /**
     * Reads, checks and fills; writes the model folder {@code out} only when everything matched.
     *
     * @param names the names file, or null for the file's order
     */
    public Result run(RunConfig config, Shape inputShape, Path weights, String weightsShown, Path names, String namesShown,
            Path out, String outShown) {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            boolean empty;
            try (var s = Files.list(out)) {
                empty = Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS) && s.findAny().isEmpty();
            } catch (IOException e) {
                empty = false;
            }
            if (!empty) {
                throw new BadInputException(outShown + ": already exists; give a new folder for the imported model");
            }
        }
        String file = weights.getFileName() == null ? "" : weights.getFileName().toString();
        List<NamedTensor> tensors;
        if (file.endsWith(".safetensors")) {
            tensors = Safetensors.read(weights, weightsShown, mapper);
        } else if (file.endsWith(".npz")) {
            tensors = Npz.read(weights, weightsShown);
        } else {
            throw new BadInputException(weightsShown + ": not a weights file this runner reads; give a .safetensors "
                    + "or an .npz file");
        }
        Network network = factory.build(config, inputShape, 0);
        List<Target> targets = targets(network);
        Map<String, NamedTensor> byName = new LinkedHashMap<>();
        for (NamedTensor t : tensors) {
            byName.put(t.name(), t);
        }
        Map<String, String> source = new LinkedHashMap<>();
        if (names != null) {
            Map<String, String> map = new LinkedHashMap<>();
            Set<String> ignore = new HashSet<>();
            readNames(names, namesShown, map, ignore);
            for (String k : map.keySet()) {
                if (targets.stream().noneMatch(t -> t.name().equals(k))) {
                    throw new BadInputException(namesShown + ": " + Text.escape(k) + " is not a tensor of the network; "
                            + "it has " + String.join(", ", names(network)));
                }
            }
            Map<String, String> taken = new HashMap<>();
            for (Target t : targets) {
                String f = map.get(t.name());
                if (f == null) {
                    throw new BadInputException(namesShown + ": no entry for " + t.name() + Arrays.toString(t.shape())
                            + "; every tensor of the network needs one (" + String.join(", ", names(network)) + ")");
                }
                if (!byName.containsKey(f)) {
                    throw new BadInputException(weightsShown + ": no tensor " + Text.escape(f) + " (for " + t.name()
                            + " in " + namesShown + "); the file has " + list(tensors));
                }
                String other = taken.put(f, t.name());
                if (other != null) {
                    throw new BadInputException(namesShown + ": " + other + " and " + t.name() + " both name "
                            + Text.escape(f));
                }
                source.put(t.name(), f);
            }
            List<String> extra = new ArrayList<>();
            for (NamedTensor t : tensors) {
                if (!taken.containsKey(t.name()) && !ignore.contains(t.name())) {
                    extra.add(Text.escape(t.name()) + t.shapeText());
                }
            }
            if (!extra.isEmpty()) {
                throw new BadInputException(weightsShown + ": extra tensors not in " + namesShown + ": "
                        + String.join(", ", extra) + " (map them, or list them under \"" + IGNORE + "\")");
            }
        } else {
            if (tensors.size() != targets.size()) {
                List<String> side = new ArrayList<>();
                for (int i = Math.min(tensors.size(), targets.size()); i < Math.max(tensors.size(), targets.size()); i++) {
                    side.add(i < tensors.size() ? Text.escape(tensors.get(i).name()) + tensors.get(i).shapeText()
                            : targets.get(i).name() + Arrays.toString(targets.get(i).shape()));
                }
                throw new BadInputException(weightsShown + ": " + tensors.size() + " tensors but the network has "
                        + targets.size() + " (" + (tensors.size() > targets.size() ? "extra: " : "missing: ")
                        + String.join(", ", side) + "); give --names to map them by name");
            }
            for (int i = 0; i < targets.size(); i++) {
                source.put(targets.get(i).name(), tensors.get(i).name());
            }
        }
        for (Target t : targets) {
            NamedTensor f = byName.get(source.get(t.name()));
            String what = weightsShown + ": " + Text.escape(f.name()) + " (for " + t.name() + ")";
            if (f.values() == null) {
                throw new BadInputException(what + " has dtype " + f.dtype() + "; only F64 and F32 (float64, float32) "
                        + "can be imported");
            }
            if (!f.hasShape(t.shape())) {
                throw new BadInputException(what + " has shape " + f.shapeText() + " but " + t.name() + " is "
                        + Arrays.toString(t.shape()));
            }
        }
        for (Target t : targets) {
            t.set(byName.get(source.get(t.name())).values());
        }
        try {
            Files.createDirectories(out);
            ModelFiles.write(out, network, config, network.outputSize(), mapper);
            runPlugins.write(out, config.types());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(network, source);
    }

    private void readNames(Path names, String shown, Map<String, String> map, Set<String> ignore) {
        JsonNode root;
        try {
            root = mapper.readTree(SafeFiles.readSmall(names, shown, SafeFiles.MAX_JSON_BYTES));
        } catch (IOException e) {
            throw new BadInputException(shown + ": not JSON (" + Text.escape(String.valueOf(
                    e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                            : e.getMessage()).split("\n")[0]) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(shown + ": must be a JSON object {\"layers.0.W\": \"fc1.weight\", ...}");
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(IGNORE)) {
                if (!e.getValue().isArray()) {
                    throw new BadInputException(shown + ": \"" + IGNORE + "\" must be an array of file tensor names");
                }
                e.getValue().forEach(n -> ignore.add(n.asText()));
            } else if (!e.getValue().isTextual()) {
                throw new BadInputException(shown + ": " + Text.escape(e.getKey()) + " must map to a tensor name (a string)");
            } else {
                map.put(e.getKey(), e.getValue().asText());
            }
        }
    }

    private static String list(List<NamedTensor> ts) {
        List<String> s = new ArrayList<>();
        for (NamedTensor t : ts) {
            s.add(Text.escape(t.name()) + t.shapeText());
            if (s.size() == 20) {
                s.add("…");
                break;
            }
        }
        return String.join(", ", s);
    }
}
