package dev.chainrule.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's metrics.jsonl as the page shows it, read while the run may be writing it. The runner replaces the
 * file atomically, but another writer (or a copy in progress) may leave a last line without its newline:
 * such a line that is not JSON yet is left out without a word, as the next poll will see it whole. Any
 * other line that is not a JSON object is left out with a warning naming its line number.
 */
public final class MetricsLog {
    private MetricsLog() {
    }

    /** The epochs that parsed, in file order, and one warning per bad line. */
    public record Parsed(List<JsonNode> epochs, List<String> warnings) {
    }

    public static Parsed parse(byte[] bytes, String shown, ObjectMapper mapper) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<JsonNode> epochs = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            boolean unterminated = i == lines.length - 1;
            JsonNode n = null;
            try {
                n = mapper.readTree(line);
            } catch (Exception e) {
                // not JSON (yet)
            }
            if (n != null && n.isObject() && n.path("epoch").isInt()) {
                epochs.add(n);
            } else if (!unterminated) {
                warnings.add(shown + " line " + (i + 1) + ": not a metrics record (a JSON object with an integer epoch), "
                        + "left out: " + abbreviate(line));
            }
        }
        return new Parsed(epochs, warnings);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
