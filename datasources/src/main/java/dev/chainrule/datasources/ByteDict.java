package dev.chainrule.datasources;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Distinct byte strings numbered in order of first appearance, looked up without making a String. */
final class ByteDict {
    private byte[][] keys = new byte[16][];
    private int[] hashes = new int[16];
    private int[] slots = new int[64];
    private int size;

    int size() {
        return size;
    }

    /** The id of {@code b[s..e)}, adding it when new. */
    int id(byte[] b, int s, int e) {
        int h = 1;
        for (int i = s; i < e; i++) {
            h = 31 * h + b[i];
        }
        h ^= h >>> 16;
        int mask = slots.length - 1;
        for (int p = h & mask;; p = (p + 1) & mask) {
            int v = slots[p];
            if (v == 0) {
                if (size == keys.length) {
                    keys = Arrays.copyOf(keys, size * 2);
                    hashes = Arrays.copyOf(hashes, size * 2);
                }
                keys[size] = Arrays.copyOfRange(b, s, e);
                hashes[size] = h;
                slots[p] = ++size;
                if (size * 2 > slots.length) {
                    rehash();
                }
                return size - 1;
            }
            int id = v - 1;
            if (hashes[id] == h && Arrays.equals(keys[id], 0, keys[id].length, b, s, e)) {
                return id;
            }
        }
    }

    String name(int id) {
        return new String(keys[id], StandardCharsets.UTF_8);
    }

    byte[] key(int id) {
        return keys[id];
    }

    private void rehash() {
        int[] n = new int[slots.length * 2];
        int mask = n.length - 1;
        for (int id = 0; id < size; id++) {
            int p = hashes[id] & mask;
            while (n[p] != 0) {
                p = (p + 1) & mask;
            }
            n[p] = id + 1;
        }
        slots = n;
    }
}
