package dev.chainrule.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TarReaderTest {
    @Test
    void readsEntriesOfAnySizeInOrder() throws Exception {
        byte[] a = new byte[1000];
        Arrays.fill(a, (byte) 7);
        byte[] b = "hello".getBytes();
        byte[] c = new byte[512];
        c[511] = 1;
        TarReader tar = new TarReader(new ByteArrayInputStream(Idx.tar("package/a", a, "package/data/b", b, "c", c)));
        TarReader.Entry e1 = tar.next();
        assertEquals("package/a", e1.name());
        assertEquals(1000, e1.size());
        assertArrayEquals(a, e1.data().readAllBytes());
        TarReader.Entry e2 = tar.next();
        assertEquals("package/data/b", e2.name());
        // left unread: next() skips the rest of the entry and its padding
        TarReader.Entry e3 = tar.next();
        assertEquals("c", e3.name());
        assertArrayEquals(c, e3.data().readAllBytes());
        assertNull(tar.next());
    }

    @Test
    void rejectsCorruptHeaderAndShortData() throws Exception {
        byte[] t = Idx.tar("x", new byte[100]);
        byte[] bad = t.clone();
        bad[0] = 'y';
        assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(bad)).next(),
                "checksum mismatch");
        TarReader short1 = new TarReader(new ByteArrayInputStream(Arrays.copyOf(t, 560)));
        TarReader.Entry e = short1.next();
        assertThrows(EOFException.class, () -> e.data().readAllBytes());
    }
}
