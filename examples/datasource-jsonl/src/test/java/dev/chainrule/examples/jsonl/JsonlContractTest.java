package dev.chainrule.examples.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSet;
import dev.chainrule.api.data.DataSourceProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source's contract: found by its type id, good files read exactly, bad input refused in one line. */
class JsonlContractTest {
    @TempDir
    Path dir;

    private DataSet load(Object... options) {
        return new JsonlProvider().load(DataContext.of(Options.of(options), dir));
    }

    private void write(String name, String... lines) throws IOException {
        Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    @Test
    void isFoundByServiceLoaderUnderItsTypeId() {
        assertTrue(ServiceLoader.load(DataSourceProvider.class).stream().anyMatch(p -> p.get().type().equals("jsonl")));
    }

    @Test
    void readsFeaturesInTheFirstObjectsKeyOrderAndSortedClassNames() throws IOException {
        write("f.jsonl", "\uFEFF{\"b\": 2, \"species\": \"lily\", \"a\": -1.5e1}", "",
                "{\"a\": 0, \"b\": 1, \"species\": \"iris\", \"note\": \"ignored\"}\r");
        DataSet d = load("path", "f.jsonl", "label", "species");
        assertEquals(List.of("b", "a"), d.train().featureNames());
        assertEquals(List.of("iris", "lily"), d.train().classNames());
        assertEquals(-15.0, d.train().value(0, 1));
        assertEquals(0, d.train().label(1));
        assertEquals("f.jsonl line 3", d.train().where(1), "blank lines are counted, not read");
        assertNull(d.test(), "no test file: the engine splits");
    }

    @Test
    void numericLabelsSortAsNumbersAndATestFileSharesTheClasses() throws IOException {
        write("n.jsonl", "{\"x\": 1, \"y\": 10}", "{\"x\": 2, \"y\": 9}", "{\"x\": 3, \"y\": 10.0}");
        write("t.jsonl", "{\"x\": 4, \"y\": 9}");
        DataSet d = load("path", "n.jsonl", "test", "t.jsonl", "label", "y");
        assertEquals(List.of("9", "10"), d.train().classNames());
        assertEquals(1, d.train().label(2), "10.0 is the class 10");
        assertEquals(0, d.test().label(0));
        write("t.jsonl", "{\"x\": 4, \"y\": 9}", "{\"x\": 5, \"y\": 11}");
        assertEquals("t.jsonl line 2: label '11' is not a class of the training file; classes: 9, 10",
                assertThrows(DataException.class, () -> load("path", "n.jsonl", "test", "t.jsonl", "label", "y")).getMessage());
    }

    @Test
    void regressesOnTheTargetKeysWithTheFeaturesAsked() throws IOException {
        write("r.jsonl", "{\"a\": 1, \"b\": 2, \"c\": 3, \"p\": 4.5}");
        DataSet d = load("path", "r.jsonl", "target", List.of("p", "c"), "features", List.of("b"));
        assertEquals(List.of("p", "c"), d.train().targetNames());
        assertEquals(4.5, d.train().target(0, 0));
        assertEquals(List.of("b"), d.train().featureNames());
    }

    @Test
    void badDataIsOneLineNamingTheFileTheLineAndTheKey() throws IOException {
        String[][] cases = {
            {"{\"x\": \"wide\", \"y\": \"a\"}", "bad.jsonl line 2, key 'x': 'wide' is not a number"},
            {"{\"y\": \"a\"}", "bad.jsonl line 2, key 'x': missing"},
            {"{\"x\": 1, \"y\": null}", "bad.jsonl line 2, key 'y': a null label"},
            {"{\"x\": 1 \"y\": \"a\"}", "bad.jsonl line 2, key 'x', column 9: expected ',' or '}'"},
            {"{\"x\": [1, 2], \"y\": \"a\"}", "bad.jsonl line 2, key 'x', column 7: a nested array"},
            {"{\"x\": 01, \"y\": \"a\"}", "bad.jsonl line 2, key 'x', column 8: expected ',' or '}'"},
            {"{\"x\": 1, \"x\": 2}", "bad.jsonl line 2, key 'x', column 10: the key appears twice"},
            {"{\"x\": 1, \"y\": \"a\"} 3", "bad.jsonl line 2, column 20: text after the object"},
            {"[1, 2]", "bad.jsonl line 2, column 1: expected a JSON object"},
        };
        for (String[] c : cases) {
            write("bad.jsonl", "{\"x\": 0.5, \"y\": \"b\"}", c[0]);
            DataException e = assertThrows(DataException.class, () -> load("path", "bad.jsonl", "label", "y"), c[0]);
            assertTrue(e.getMessage().startsWith(c[1]), c[0] + " gave: " + e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line");
        }
        write("empty.jsonl");
        assertEquals("empty.jsonl line 1: no JSON object in the file (it is empty)",
                assertThrows(DataException.class, () -> load("path", "empty.jsonl", "label", "y")).getMessage());
    }

    @Test
    void badOptionsAreRefusedByKeyBeforeAnyFileIsRead() {
        assertEquals("path", assertThrows(OptionException.class, () -> load()).key());
        assertEquals("delimiter", assertThrows(OptionException.class, () -> load("path", "x", "delimiter", ";")).key());
        assertEquals("label", assertThrows(OptionException.class, () -> load("path", "x")).key());
        assertEquals("target", assertThrows(OptionException.class,
                () -> load("path", "x", "label", "y", "target", "z")).key());
        assertEquals("features", assertThrows(OptionException.class,
                () -> load("path", "x", "label", "y", "features", List.of("y"))).key());
    }
}
