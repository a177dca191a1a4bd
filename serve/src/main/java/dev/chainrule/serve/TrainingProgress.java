package dev.chainrule.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress within an epoch, from what the engine already writes: a run with {@code training.checkpointEvery}
 * replaces {@code checkpoint/state.json} every that many samples, with the epoch, the samples done
 * ({@code position}) and the sum of the training losses so far ({@code lossSum}). Read with the same one-open,
 * no-link, size-checked read as the served files; the {@code checkpoint} folder must not be a link either.
 *
 * <p>Each state the server sees is remembered (in memory only, per run, at most {@link #MAX_POINTS}): two
 * states of one epoch give the mean training loss between them, {@code (lossSum₂ − lossSum₁) / (position₂ −
 * position₁)} in the units of metrics.jsonl's {@code trainLoss}. These are the page's "steps" until the
 * engine writes a per-step log of its own; a page opened after training shows only the epochs.
 */
final class TrainingProgress {
    static final String DIR = "checkpoint";
    static final String STATE = "state.json";
    /** Points kept per run, and runs remembered. */
    static final int MAX_POINTS = 20_000;
    static final int MAX_RUNS = 256;

    /** One observed state: the epoch, the samples done in it, their loss sum, when it was written. */
    record State(int epoch, long position, double lossSum, long millis) {
    }

    private final Map<Path, List<State>> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, List<State>> e) {
            return size() > MAX_RUNS;
        }
    };

    /** checkpoint/state.json of the run, if it is a regular file in a folder that is not a link; else null. */
    static Path stateFile(Path runDir) {
        Path dir = runDir.resolve(DIR);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Path f = dir.resolve(STATE);
        return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? f : null;
    }

    /** The run's present state (null without a readable one), remembered for {@link #steps}. */
    State read(Path runDir, String shown, ObjectMapper mapper) {
        Path f = stateFile(runDir);
        if (f == null) {
            return null;
        }
        State s;
        try {
            long millis = Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis();
            JsonNode n = mapper.readTree(ServedFiles.read(f, shown + "/" + DIR + "/" + STATE));
            if (n == null || !n.path("epoch").canConvertToInt() || !n.path("position").canConvertToLong()
                    || !n.path("lossSum").isNumber()) {
                return null;
            }
            s = new State(n.get("epoch").asInt(), n.get("position").asLong(), n.get("lossSum").asDouble(), millis);
        } catch (IOException | RuntimeException e) {
            return null; // being replaced, or not the engine's: the epochs still show
        }
        if (s.position() <= 0 || !Double.isFinite(s.lossSum())) {
            return s;
        }
        synchronized (seen) {
            List<State> list = seen.computeIfAbsent(runDir, k -> new ArrayList<>());
            State last = list.isEmpty() ? null : list.get(list.size() - 1);
            if (last == null || last.epoch() != s.epoch() || last.position() != s.position()) {
                if (last != null && (s.epoch() < last.epoch() || s.epoch() == last.epoch() && s.position() < last.position())) {
                    list.clear(); // a new run in the same folder, or a resume from an earlier checkpoint
                }
                list.add(s);
                if (list.size() > MAX_POINTS) {
                    list.subList(0, list.size() - MAX_POINTS).clear();
                }
            }
        }
        return s;
    }

    /**
     * The mean training loss between consecutive observed states of one epoch: {@code {"epoch", "from",
     * "position", "loss"}}. The first state of an epoch is measured from its start (position 0, loss sum 0).
     */
    ArrayNode steps(Path runDir, ObjectMapper mapper) {
        ArrayNode out = mapper.createArrayNode();
        List<State> list;
        synchronized (seen) {
            List<State> l = seen.get(runDir);
            list = l == null ? List.of() : List.copyOf(l);
        }
        for (int i = 0; i < list.size(); i++) {
            State s = list.get(i);
            State from = i > 0 && list.get(i - 1).epoch() == s.epoch() ? list.get(i - 1) : null;
            long p0 = from == null ? 0 : from.position();
            double l0 = from == null ? 0 : from.lossSum();
            if (s.position() > p0) {
                ObjectNode n = out.addObject();
                n.put("epoch", s.epoch());
                n.put("from", p0);
                n.put("position", s.position());
                n.put("loss", (s.lossSum() - l0) / (s.position() - p0));
            }
        }
        return out;
    }
}
