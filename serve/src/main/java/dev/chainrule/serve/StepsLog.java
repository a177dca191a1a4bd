package dev.chainrule.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's steps.jsonl (the engine's {@code StepLog}: the mean training loss of each window of batches) as the
 * page shows it, read while the run appends to it. The runner appends a line in one write and never forces it
 * to disk, so the last line may be torn (a read during the write, a crash): a last line without its newline is
 * not read yet, and the next poll reads it whole. A line that is not a step record is left out (steps.jsonl is
 * a view, the epochs are the record).
 *
 * <p>The file only grows while a run trains, so each poll reads what was appended since the last one (a file
 * shorter than what was read, with another first line, or without the last line read where it was, is read
 * again from the start: a resume cut it back, or a new run began). The points kept stay under {@code 2 × MAX_POINTS} per run: when they reach it,
 * neighbouring pairs are merged, their losses weighted by their samples (the mean the two lines give together).
 * The epoch in progress is summed apart from the points, so merging never changes the progress line.
 */
final class StepsLog {
    static final String FILE = "steps.jsonl";
    static final int MAX_POINTS = 2000;
    /** Bytes read per piece; a longer backlog is read in several. */
    static final int PIECE = 4 << 20;
    static final int MAX_RUNS = 256;

    /** One window: the epoch, the step it ends, its first and one-past-last sample, the epoch's samples, its mean loss, rate. */
    record Step(int epoch, long step, long from, long position, long samples, double loss, double learningRate) {
        long count() {
            return position - from;
        }
    }

    /** What was read of one run's file. */
    private static final class Read {
        long offset;
        String firstLine;
        /** The last whole line read, with its newline: still there, just before {@code offset}, if not cut back. */
        byte[] tail = new byte[0];
        final List<Step> points = new ArrayList<>();
        /** The newest epoch seen, its samples so far, their loss sum, and its newest line. */
        int epoch;
        double epochLoss;
        long epochCount;
        Step last;
    }

    private final Map<Path, Read> runs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Read> e) {
            return size() > MAX_RUNS;
        }
    };

    /** steps.jsonl of the run when it is a regular file (not a link), else null. */
    static Path file(Path runDir) {
        Path f = runDir.resolve(FILE);
        return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? f : null;
    }

    /** The run's points ({@code steps}) and the progress of its newest epoch, after reading what was appended. */
    synchronized Snapshot read(Path runDir, ObjectMapper mapper) {
        Path f = file(runDir);
        if (f == null) {
            runs.remove(runDir);
            return null;
        }
        Read r = runs.computeIfAbsent(runDir, k -> new Read());
        try {
            String first = firstLine(f);
            if (first == null || r.firstLine != null && !r.firstLine.equals(first) || Files.size(f) < r.offset
                    || !java.util.Arrays.equals(r.tail, ServedFiles.readFrom(f, r.offset - r.tail.length, r.tail.length))) {
                r = new Read();
                runs.put(runDir, r);
            }
            r.firstLine = first;
            while (true) {
                byte[] piece = ServedFiles.readFrom(f, r.offset, PIECE);
                int end = lastNewline(piece);
                if (end < 0) {
                    break;
                }
                for (String line : new String(piece, 0, end, StandardCharsets.UTF_8).split("\n")) {
                    Step s = parse(line, mapper);
                    if (s != null) {
                        add(r, s);
                    }
                }
                int start = end == 0 ? 0 : lastNewline(java.util.Arrays.copyOf(piece, end)) + 1;
                r.tail = java.util.Arrays.copyOfRange(piece, start, end + 1);
                r.offset += end + 1;
                if (piece.length < PIECE) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // being cut back or replaced: what was read so far still shows, and the next poll tries again
        }
        return new Snapshot(List.copyOf(r.points), r.last == null ? 0 : r.epoch, r.epochCount == 0 ? Double.NaN
                : r.epochLoss / r.epochCount, r.last);
    }

    /** The points and the newest epoch: its number, the mean loss of its samples so far, its newest line. */
    record Snapshot(List<Step> points, int epoch, double epochLoss, Step last) {
        ArrayNode toJson(ObjectMapper mapper) {
            ArrayNode out = mapper.createArrayNode();
            for (Step s : points) {
                ObjectNode n = out.addObject();
                n.put("epoch", s.epoch());
                n.put("step", s.step());
                n.put("from", s.from());
                n.put("position", s.position());
                n.put("samples", s.samples());
                n.put("loss", s.loss());
                if (Double.isFinite(s.learningRate())) {
                    n.put("learningRate", s.learningRate());
                }
            }
            return out;
        }
    }

    private static void add(Read r, Step s) {
        if (s.epoch() != r.epoch) {
            r.epoch = s.epoch();
            r.epochLoss = 0;
            r.epochCount = 0;
        }
        r.epochLoss += s.loss() * s.count();
        r.epochCount += s.count();
        r.last = s;
        r.points.add(s);
        if (r.points.size() >= 2 * MAX_POINTS) {
            List<Step> merged = new ArrayList<>(MAX_POINTS);
            for (int i = 0; i + 1 < r.points.size(); i += 2) {
                merged.add(merge(r.points.get(i), r.points.get(i + 1)));
            }
            r.points.clear();
            r.points.addAll(merged);
        }
    }

    /** Two neighbouring windows as one: the later one's place, the loss of all their samples. */
    static Step merge(Step a, Step b) {
        long from = a.epoch() == b.epoch() ? a.from() : b.from();
        double loss = a.epoch() == b.epoch() ? (a.loss() * a.count() + b.loss() * b.count()) / (a.count() + b.count())
                : b.loss();
        return new Step(b.epoch(), b.step(), from, b.position(), b.samples(), loss, b.learningRate());
    }

    static Step parse(String line, ObjectMapper mapper) {
        JsonNode n;
        try {
            n = mapper.readTree(line);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (n == null || !n.path("epoch").canConvertToInt() || !n.path("position").canConvertToLong()
                || !n.path("from").canConvertToLong() || !n.path("samples").canConvertToLong()
                || !n.path("loss").isNumber()) {
            return null;
        }
        Step s = new Step(n.get("epoch").asInt(), n.path("step").asLong(), n.get("from").asLong(),
                n.get("position").asLong(), n.get("samples").asLong(), n.get("loss").asDouble(),
                n.path("learningRate").isNumber() ? n.get("learningRate").asDouble() : Double.NaN);
        return s.epoch() >= 1 && s.samples() > 0 && s.from() >= 0 && s.count() > 0 && s.position() <= s.samples()
                && Double.isFinite(s.loss()) ? s : null;
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The file's first line (which tells one run's log from the next), or null before it is whole. */
    private static String firstLine(Path f) throws IOException {
        byte[] head = ServedFiles.readFrom(f, 0, 512);
        for (int i = 0; i < head.length; i++) {
            if (head[i] == '\n') {
                return new String(head, 0, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
