package dev.chainrule.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.engine.io.Text;
import dev.chainrule.engine.registry.Levenshtein;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The graph form of {@code network.layers} (docs/graphs.md): stage names, {@code inputs}, and blocks — named
 * sub-graphs with options ({@code network.blocks}) used like a type. Reading expands every block use into its
 * stages, named with the use's prefix ({@code block3.conv1}), and checks the graph: names unique, every input
 * known and earlier, no cycle, one output. The result is a flat list of entries whose {@code inputs} name
 * final stages ({@code input} for the data, {@code layers[k]} for an unnamed stage k); a sequential config
 * comes out exactly as it went in, with no names or inputs.
 */
final class GraphConfig {
    /** The data input's name in {@code inputs}. */
    static final String INPUT = "input";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
    private static final Pattern FINAL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\[\\]-]{0,255}");
    private static final Pattern INDEXED = Pattern.compile("layers\\[(\\d{1,7})\\]");

    /** Parses one stage entry (type and options, name and inputs removed) at a path. */
    interface EntryReader {
        ComponentSpec read(JsonNode node, String path);
    }

    private final ObjectMapper mapper;
    private final EntryReader reader;
    private final Predicate<String> isStageType;
    private final java.util.function.BiFunction<String, String, ConfigException> bad;
    private final Map<String, ObjectNode> blocks = new LinkedHashMap<>();
    private final List<ComponentSpec> out = new ArrayList<>();
    private final Map<String, Integer> finalNames = new HashMap<>();
    private final Deque<String> using = new ArrayDeque<>();
    private final Map<String, Integer> uses = new HashMap<>();

    GraphConfig(ObjectMapper mapper, EntryReader reader, Predicate<String> isStageType,
            java.util.function.BiFunction<String, String, ConfigException> bad) {
        this.mapper = mapper;
        this.reader = reader;
        this.isStageType = isStageType;
        this.bad = bad;
    }

    /** The flat list of stages of {@code network.layers}, blocks expanded, the graph checked. */
    List<ComponentSpec> expand(List<JsonNode> layers, JsonNode blockDefs) {
        if (blockDefs != null && !blockDefs.isNull()) {
            if (!blockDefs.isObject()) {
                throw bad.apply("network.blocks", "expected an object of named blocks such as {\"residual\": "
                        + "{\"options\": {\"filters\": 32}, \"layers\": [...]}}");
            }
            blockDefs.properties().forEach(e -> defineBlock(e.getKey(), e.getValue()));
        }
        level(layers, "network.layers", "", Map.of(), INPUT, true);
        checkOutputs();
        return List.copyOf(out);
    }

    private void defineBlock(String type, JsonNode def) {
        String path = "network.blocks." + Text.escape(type);
        if (!type.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw bad.apply(path, "a block's name is lower-case words joined by '-', like a type id");
        }
        if (isStageType.test(type)) {
            throw bad.apply(path, "'" + type + "' is already a stage type; give the block another name");
        }
        if (!def.isObject() || !def.path("layers").isArray() || def.path("layers").isEmpty()) {
            throw bad.apply(path, "expected {\"options\": {...}, \"layers\": [...]} with a non-empty layers array");
        }
        def.properties().forEach(e -> {
            if (!e.getKey().equals("layers") && !e.getKey().equals("options")) {
                throw bad.apply(path + "." + Text.escape(e.getKey()), "unknown key; a block has \"options\" (each"
                        + " with its default) and \"layers\"");
            }
        });
        JsonNode opts = def.get("options");
        if (opts != null && !opts.isObject()) {
            throw bad.apply(path + ".options", "expected an object of option → default value, such as {\"filters\": 32}");
        }
        blocks.put(type, (ObjectNode) def);
    }

    /** The final reference of flat entry k: its name, or {@code layers[k]}. */
    private String ref(int k) {
        String n = out.get(k).name();
        return n != null ? n : "layers[" + k + "]";
    }

    /**
     * Expands one list of entries (the network's, or a block's under {@code prefix}); returns the final
     * reference of its last stage (the level's output).
     */
    private String level(List<JsonNode> entries, String path, String prefix, Map<String, Object> params,
            String inputRef, boolean top) {
        // the level's names, for forward references and cycles
        Map<String, Integer> local = new LinkedHashMap<>();
        List<List<String>> written = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String at = path + "[" + i + "]";
            if (!e.isObject()) {
                throw bad.apply(at, "expected an object such as {\"type\": \"dense\"}, got " + Text.escape(e.toString()));
            }
            JsonNode n = e.get("name");
            if (n != null) {
                if (!n.isTextual() || !(top ? FINAL_NAME : NAME).matcher(n.asText()).matches()
                        || n.asText().equals(INPUT) || n.asText().startsWith("layers")) {
                    throw bad.apply(at + ".name", "a stage name is a letter or '_' then letters, digits, '_' or '-'"
                            + " (at most 64; not 'input', not 'layers…'), got " + Text.escape(n.toString()));
                }
                Integer before = local.put(n.asText(), i);
                if (before != null) {
                    throw bad.apply(at + ".name", "duplicate name '" + n.asText() + "': " + path + "[" + before + "] ("
                            + entries.get(before).path("type").asText() + ") has it too");
                }
            }
            written.add(inputsOf(e, at));
        }
        checkOrder(entries, path, local, written);
        Map<String, String> refs = new HashMap<>();
        String previous = inputRef;
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String at = path + "[" + i + "]";
            List<String> given = written.get(i);
            List<String> resolved = new ArrayList<>();
            if (given == null) {
                resolved.add(previous);
            } else {
                for (String r : given) {
                    resolved.add(resolve(r, refs, inputRef, local, at, top));
                }
            }
            String type = e.path("type").isTextual() ? e.get("type").asText() : null;
            String name = e.hasNonNull("name") ? e.get("name").asText() : null;
            String full = name == null ? null : prefix + name;
            String outRef;
            if (type != null && blocks.containsKey(type)) {
                outRef = useBlock(type, e, at, full, resolved);
            } else {
                ObjectNode copy = ((ObjectNode) e).deepCopy();
                copy.remove("name");
                copy.remove("inputs");
                substitute(copy, params, at);
                ComponentSpec c = reader.read(copy, at);
                int k = out.size();
                String lastRef = k == 0 ? INPUT : ref(k - 1);
                List<String> inputs = given == null && resolved.size() == 1 && resolved.get(0).equals(lastRef) ? null
                        : resolved;
                out.add(new ComponentSpec(c.type(), c.options(), full, inputs, at));
                if (full != null && finalNames.putIfAbsent(full, k) != null) {
                    throw bad.apply(at + ".name", "duplicate name '" + full + "': "
                            + out.get(finalNames.get(full)).origin() + " has it too");
                }
                outRef = ref(k);
            }
            if (name != null) {
                refs.put(name, outRef);
            }
            // an unnamed entry is "layers[i]" by its index in its own list
            refs.putIfAbsent("layers[" + i + "]", outRef);
            previous = outRef;
        }
        return previous;
    }

    private List<String> inputsOf(JsonNode e, String at) {
        JsonNode in = e.get("inputs");
        if (in == null) {
            return null;
        }
        if (!in.isArray()) {
            throw bad.apply(at + ".inputs", "expected a list of stage names such as [\"c1\", \"c2\"] ('input' is the"
                    + " data), got " + Text.escape(in.toString()));
        }
        if (in.isEmpty()) {
            throw bad.apply(at + ".inputs", "empty: no path reaches this stage; it reads at least one stage or"
                    + " 'input' (the data)");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : in) {
            if (!n.isTextual()) {
                throw bad.apply(at + ".inputs", "expected stage names (strings), got " + Text.escape(n.toString()));
            }
            names.add(n.asText());
        }
        return names;
    }

    /** A cycle, or a stage reading one listed after it, is an error naming the stages. */
    private void checkOrder(List<JsonNode> entries, String path, Map<String, Integer> local, List<List<String>> written) {
        int n = entries.size();
        List<List<Integer>> edges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> to = new ArrayList<>();
            if (written.get(i) == null) {
                if (i > 0) {
                    to.add(i - 1);
                }
            } else {
                for (String r : written.get(i)) {
                    Integer j = local.get(r);
                    java.util.regex.Matcher im = INDEXED.matcher(r);
                    if (j == null && im.matches() && Integer.parseInt(im.group(1)) < n) {
                        j = Integer.parseInt(im.group(1));
                    }
                    if (j != null) {
                        to.add(j);
                    }
                }
            }
            edges.add(to);
        }
        int[] state = new int[n];
        for (int i = 0; i < n; i++) {
            List<Integer> stack = new ArrayList<>();
            List<Integer> cycle = findCycle(i, edges, state, stack);
            if (cycle != null) {
                StringBuilder sb = new StringBuilder();
                for (int k = cycle.size() - 1; k >= 0; k--) {
                    sb.append(show(entries, cycle.get(k))).append(" → ");
                }
                sb.append(show(entries, cycle.get(cycle.size() - 1)));
                throw bad.apply(path + "[" + cycle.get(cycle.size() - 1) + "]", "the stages form a cycle: " + sb
                        + " (each reads the next); a network is a graph without cycles");
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j : edges.get(i)) {
                if (j > i) {
                    throw bad.apply(path + "[" + i + "].inputs", show(entries, i) + " reads " + show(entries, j)
                            + ", listed after it at " + path + "[" + j + "]; list a stage after its inputs");
                }
            }
        }
    }

    private static String show(List<JsonNode> entries, int i) {
        JsonNode e = entries.get(i);
        return "'" + (e.hasNonNull("name") ? e.get("name").asText() : "layers[" + i + "]") + "' ("
                + e.path("type").asText("?") + ")";
    }

    private static List<Integer> findCycle(int i, List<List<Integer>> edges, int[] state, List<Integer> stack) {
        if (state[i] == 2) {
            return null;
        }
        if (state[i] == 1) {
            List<Integer> c = new ArrayList<>(stack.subList(stack.indexOf(i), stack.size()));
            c.add(i);
            return c;
        }
        state[i] = 1;
        stack.add(i);
        for (int j : edges.get(i)) {
            List<Integer> c = findCycle(j, edges, state, stack);
            if (c != null) {
                return c;
            }
        }
        stack.remove(stack.size() - 1);
        state[i] = 2;
        return null;
    }

    private String resolve(String r, Map<String, String> refs, String inputRef, Map<String, Integer> local, String at,
            boolean top) {
        if (r.equals(INPUT)) {
            return inputRef;
        }
        String found = refs.get(r);
        if (found != null) {
            return found;
        }
        if (top && FINAL_NAME.matcher(r).matches() && finalNames.containsKey(r)) {
            return r;
        }
        List<String> known = new ArrayList<>(local.keySet());
        throw bad.apply(at + ".inputs", "unknown stage '" + Text.escape(r) + "'; "
                + (known.isEmpty() ? "no stage here has a name" : "the named stages here are " + String.join(", ", known))
                + " and 'input' (the data)" + Levenshtein.hint(r, known));
    }

    /** Expands a use of block {@code type}; returns the final reference of its output. */
    private String useBlock(String type, JsonNode use, String at, String name, List<String> resolved) {
        if (using.contains(type)) {
            throw bad.apply(at, "block '" + type + "' uses itself (" + String.join(" → ", using) + " → " + type + ")");
        }
        if (resolved.size() != 1) {
            throw bad.apply(at + ".inputs", "block '" + type + "' takes one input, given " + resolved.size()
                    + "; join them with a merge (add, concat, multiply) first");
        }
        ObjectNode def = blocks.get(type);
        Map<String, Object> params = new LinkedHashMap<>();
        JsonNode declared = def.get("options");
        if (declared != null) {
            declared.properties().forEach(e -> params.put(e.getKey(), mapper.convertValue(e.getValue(), Object.class)));
        }
        use.properties().forEach(e -> {
            String k = e.getKey();
            if (k.equals("type") || k.equals("name") || k.equals("inputs")) {
                return;
            }
            if (!params.containsKey(k)) {
                throw bad.apply(at + "." + Text.escape(k), "unknown option of block '" + type + "'; it has "
                        + (params.isEmpty() ? "no options" : String.join(", ", params.keySet())));
            }
            params.put(k, mapper.convertValue(e.getValue(), Object.class));
        });
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (p.getValue() == null) {
                throw bad.apply(at + "." + p.getKey(), "required by block '" + type + "' (it has no default)");
            }
        }
        int count = uses.merge(type, 1, Integer::sum);
        String prefix = (name != null ? name : type + count) + ".";
        if (name == null && finalNames.containsKey(type + count)) {
            throw bad.apply(at, "give this use of block '" + type + "' a name: its default one, '" + type + count
                    + "', is taken");
        }
        List<JsonNode> layers = new ArrayList<>();
        def.get("layers").forEach(layers::add);
        using.push(type);
        try {
            return level(layers, "network.blocks." + type + ".layers", prefix, params, resolved.get(0), false);
        } finally {
            using.pop();
        }
    }

    /** Replaces each option value {@code "$param"} with the block use's value of that option. */
    private void substitute(ObjectNode entry, Map<String, Object> params, String at) {
        List<String> keys = new ArrayList<>();
        entry.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            JsonNode v = entry.get(k);
            if (v.isTextual() && v.asText().startsWith("$")) {
                String p = v.asText().substring(1);
                if (!params.containsKey(p)) {
                    throw bad.apply(at + "." + Text.escape(k), "'" + Text.escape(v.asText()) + "' names no option of"
                            + " the block" + (params.isEmpty() ? " (it has none)" : "; it has " + String.join(", ", params.keySet())));
                }
                entry.set(k, mapper.valueToTree(params.get(p)));
            }
        }
    }

    /** Every stage but the last must be read by a later one: a network has one output. */
    private void checkOutputs() {
        int n = out.size();
        boolean[] used = new boolean[n];
        for (int i = 0; i < n; i++) {
            ComponentSpec c = out.get(i);
            if (c.inputs() == null) {
                if (i > 0) {
                    used[i - 1] = true;
                }
            } else {
                for (String r : c.inputs()) {
                    int j = index(r, finalNames);
                    if (j >= 0) {
                        used[j] = true;
                    }
                }
            }
        }
        List<String> unused = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            if (!used[i]) {
                unused.add("'" + ref(i) + "' (" + out.get(i).type() + ", " + out.get(i).origin() + ")");
            }
        }
        if (!unused.isEmpty()) {
            ComponentSpec first = out.get(indexOfFirstUnused(used));
            throw bad.apply(first.origin(), (unused.size() + 1) + " outputs: " + String.join(", ", unused)
                    + (unused.size() == 1 ? " is" : " are") + " read by no stage, besides the last, '" + ref(n - 1) + "' ("
                    + out.get(n - 1).type() + "); a network has one output: use " + (unused.size() == 1 ? "it" : "them")
                    + " as an input or remove " + (unused.size() == 1 ? "it" : "them"));
        }
    }

    private static int indexOfFirstUnused(boolean[] used) {
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The flat index a final reference names: {@code input} is -1, {@code layers[k]} is k, a name its
     * stage; -2 when unknown.
     */
    static int index(String r, Map<String, Integer> names) {
        if (r.equals(INPUT)) {
            return -1;
        }
        Integer k = names.get(r);
        if (k != null) {
            return k;
        }
        java.util.regex.Matcher m = INDEXED.matcher(r);
        return m.matches() ? Integer.parseInt(m.group(1)) : -2;
    }

    /** The input ids of every flat entry: its {@code inputs} resolved, or the previous stage. */
    static List<int[]> inputIds(List<ComponentSpec> layers) {
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name() != null) {
                names.put(layers.get(i).name(), i);
            }
        }
        List<int[]> ids = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            List<String> in = layers.get(i).inputs();
            if (in == null) {
                ids.add(new int[] {i - 1});
                continue;
            }
            int[] a = new int[in.size()];
            for (int k = 0; k < a.length; k++) {
                a[k] = index(in.get(k), names);
                if (a[k] < -1 || a[k] >= i) {
                    throw new IllegalStateException("layers[" + i + "] reads '" + in.get(k) + "', not an earlier stage");
                }
            }
            ids.add(a);
        }
        return ids;
    }
}
