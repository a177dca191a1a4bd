package dev.chainrule.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The root api package does not use this one (api.data depends on the root, never the other way). */
class PackageCycleTest {
    @Test
    void rootApiDoesNotImportData() throws IOException {
        Path root = Path.of("src/main/java/dev/chainrule/api");
        List<String> offenders;
        try (Stream<Path> s = Files.list(root)) {
            offenders = s.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return Files.readString(p).contains("import dev.chainrule.api.data");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(p -> p.getFileName().toString()).toList();
        }
        assertEquals(List.of(), offenders);
    }
}
