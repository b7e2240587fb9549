package io.backupkit.backup.core.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of a manifest's bytes for {@link ManifestFuzzTest}: bit flips, byte changes,
 * truncations, duplicated and deleted slices, huge and odd numbers, deep nesting, long strings,
 * structural edits of the JSON tree (fields removed, retyped, swapped, duplicated, added) and random
 * JSON. Each mutation is named, so a failing case can be reproduced from the seed and the index.
 */
final class ManifestMutator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] ODD_NUMBERS = {
        "-1",
        "0",
        "1e400",
        "-1e400",
        "1.5",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "2147483648",
        "99999999999999999999999999999999999999",
        "NaN",
        "Infinity",
        "0x10",
        "00012",
        "1" + "0".repeat(5000),
        "\"12\"",
        "true",
        "null"
    };

    private final byte[] original;
    private final JsonNode tree;

    /** A mutated manifest and how it was made. */
    record Mutant(String how, byte[] bytes) {}

    ManifestMutator(byte[] original) {
        this.original = original.clone();
        try {
            this.tree = JSON.readTree(original);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Mutant mutate(Random r) {
        int kind = r.nextInt(14);
        return switch (kind) {
            case 0, 1, 2 -> bitFlips(r);
            case 3 -> randomByte(r);
            case 4 -> truncate(r);
            case 5 -> duplicateSlice(r);
            case 6 -> deleteSlice(r);
            case 7 -> oddNumber(r);
            case 8 -> deepNesting(r);
            case 9 -> longString(r);
            case 10, 11 -> structural(r);
            case 12 -> new Mutant("random JSON", bytes(randomJson(r, 0)));
            default -> textReplace(r);
        };
    }

    private Mutant bitFlips(Random r) {
        byte[] b = original.clone();
        int flips = 1 + r.nextInt(3);
        StringBuilder how = new StringBuilder("bit flips at");
        for (int i = 0; i < flips; i++) {
            int pos = r.nextInt(b.length);
            int bit = r.nextInt(8);
            b[pos] ^= (byte) (1 << bit);
            how.append(' ').append(pos).append('/').append(bit);
        }
        return new Mutant(how.toString(), b);
    }

    private Mutant randomByte(Random r) {
        byte[] b = original.clone();
        int pos = r.nextInt(b.length);
        byte[] interesting = {0, '"', '\\', '{', '}', '[', ']', ',', ':', '0', '9', 'e', '-', (byte) 0xff, (byte) 0xc3};
        b[pos] = r.nextBoolean() ? interesting[r.nextInt(interesting.length)] : (byte) r.nextInt(256);
        return new Mutant("byte set at " + pos, b);
    }

    private Mutant truncate(Random r) {
        int len = r.nextInt(original.length);
        return new Mutant("truncated to " + len, Arrays.copyOf(original, len));
    }

    private Mutant duplicateSlice(Random r) {
        int from = r.nextInt(original.length);
        int len = 1 + r.nextInt(Math.min(200, original.length - from));
        int at = r.nextInt(original.length + 1);
        byte[] b = new byte[original.length + len];
        System.arraycopy(original, 0, b, 0, at);
        System.arraycopy(original, from, b, at, len);
        System.arraycopy(original, at, b, at + len, original.length - at);
        return new Mutant("slice " + from + "+" + len + " duplicated at " + at, b);
    }

    private Mutant deleteSlice(Random r) {
        int from = r.nextInt(original.length);
        int len = 1 + r.nextInt(Math.min(64, original.length - from));
        byte[] b = new byte[original.length - len];
        System.arraycopy(original, 0, b, 0, from);
        System.arraycopy(original, from + len, b, from, original.length - from - len);
        return new Mutant("slice " + from + "+" + len + " deleted", b);
    }

    /** Replaces one number (or the value of a numeric field) in the text with an odd or huge one. */
    private Mutant oddNumber(Random r) {
        String text = text();
        List<int[]> numbers = new ArrayList<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile(": (-?\\d+)").matcher(text);
        while (m.find()) {
            numbers.add(new int[] {m.start(1), m.end(1)});
        }
        int[] n = numbers.get(r.nextInt(numbers.size()));
        String odd = r.nextInt(4) == 0
                ? new BigInteger(64 + r.nextInt(2000), r).toString()
                : ODD_NUMBERS[r.nextInt(ODD_NUMBERS.length)];
        return new Mutant(
                "number at " + n[0] + " -> " + abbreviate(odd),
                bytes(text.substring(0, n[0]) + odd + text.substring(n[1])));
    }

    /** Puts a deeply nested array or object (up to 200,000 levels) in place of a value or around all. */
    private Mutant deepNesting(Random r) {
        int depth = r.nextBoolean() ? 500 + r.nextInt(2000) : 10_000 + r.nextInt(190_000);
        boolean arrays = r.nextBoolean();
        StringBuilder sb = new StringBuilder(depth * 6);
        for (int i = 0; i < depth; i++) {
            sb.append(arrays ? "[" : "{\"a\":");
        }
        sb.append("1");
        for (int i = 0; i < depth; i++) {
            sb.append(arrays ? "]" : "}");
        }
        String text = text();
        String nested;
        if (r.nextBoolean()) {
            nested = sb.toString();
        } else {
            String field = pick(
                    r, "\"labels\" : ", "\"host\" : ", "\"artifacts\" : ", "\"media\" : ", "\"format_version\" : ");
            int at = text.indexOf(field);
            int end = valueEnd(text, at + field.length());
            nested = text.substring(0, at + field.length()) + sb + text.substring(end);
        }
        return new Mutant("nesting " + depth + (arrays ? " arrays" : " objects"), bytes(nested));
    }

    private Mutant longString(Random r) {
        int len = r.nextBoolean() ? 4000 + r.nextInt(200) : 100_000 + r.nextInt(1_200_000);
        String filler = r.nextBoolean() ? "x" : "\\u00e9";
        String text = text();
        String field = pick(
                r,
                "\"application\" : ",
                "\"id\" : ",
                "\"name\" : ",
                "\"sha256\" : ",
                "\"created\" : ",
                "\"tool_version\" : ");
        int at = text.indexOf(field);
        int end = valueEnd(text, at + field.length());
        String value = "\"" + filler.repeat(len / filler.length()) + "\"";
        return new Mutant(
                "long string (" + len + ") in " + field.trim(),
                bytes(text.substring(0, at + field.length()) + value + text.substring(end)));
    }

    /** Edits of the parsed tree that keep it valid JSON. */
    private Mutant structural(Random r) {
        ObjectNode root = (ObjectNode) tree.deepCopy();
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        JsonNode target = containers.get(r.nextInt(containers.size()));
        String how;
        if (target instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(r.nextInt(names.size()));
            switch (r.nextInt(6)) {
                case 0 -> {
                    o.remove(name);
                    how = "removed " + name;
                }
                case 1 -> {
                    JsonNode value = randomJson(r, 2);
                    o.set(name, value);
                    how = "retyped " + name + " -> " + abbreviate(value.toString());
                }
                case 2 -> {
                    String other = names.get(r.nextInt(names.size()));
                    JsonNode a = o.get(name);
                    o.set(name, o.get(other));
                    o.set(other, a);
                    how = "swapped " + name + " and " + other;
                }
                case 3 -> {
                    o.set("x-" + r.nextInt(100), randomJson(r, 1));
                    how = "added a field";
                }
                case 4 -> {
                    o.putNull(name);
                    how = "nulled " + name;
                }
                default -> {
                    // duplicate key: only expressible in text
                    String text = bytesText(root);
                    String key = "\"" + name + "\" : ";
                    int at = text.indexOf(key);
                    String dup = key + randomJson(r, 1) + ",\n  ";
                    return new Mutant(
                            "duplicated key " + name, bytes(text.substring(0, at) + dup + text.substring(at)));
                }
            }
        } else if (target instanceof ArrayNode a) {
            if (a.size() > 0 && r.nextBoolean()) {
                int i = r.nextInt(a.size());
                if (r.nextBoolean()) {
                    a.remove(i);
                    how = "removed array element " + i;
                } else {
                    a.add(a.get(i).deepCopy());
                    how = "duplicated array element " + i;
                }
            } else {
                a.add(randomJson(r, 2));
                how = "added array element";
            }
        } else {
            how = "replaced root";
            return new Mutant(how, bytes(randomJson(r, 0)));
        }
        return new Mutant(how, bytes(root));
    }

    /** Text edits that keep the JSON valid but change meaning: case, ids, digests, names, versions. */
    private Mutant textReplace(Random r) {
        String text = text();
        String[][] edits = {
            {"\"format_version\" : 1", "\"format_version\" : 2"},
            {"\"format_version\" : 1", "\"format_version\" : 0"},
            {"\"format\" : \"backupkit-manifest\"", "\"format\" : \"other\""},
            {"\"kind\" : \"database\"", "\"kind\" : \"media\""},
            {"\"kind\" : \"media\"", "\"kind\" : \"database\""},
            {"\"compression\" : \"zstd\"", "\"compression\" : \"gzip\""},
            {"\"compression\" : \"zstd\"", "\"compression\" : \"none\""},
            {"\"encryption\" : null", "\"encryption\" : \"openpgp\""},
            {"\"dumper\" : \"h2\"", "\"dumper\" : \"postgres\""},
            {"\"version\" : \"1.0.0\"", "\"version\" : \"99.0.0\""},
            {".db.", "/../db."},
            {".media.tar", ".manifest.json"},
            {"Z\",", "+01:00\","},
        };
        String[] e = edits[r.nextInt(edits.length)];
        if (!text.contains(e[0])) {
            return bitFlips(r);
        }
        return new Mutant(
                "replaced " + e[0] + " -> " + e[1],
                bytes(text.replaceFirst(
                        java.util.regex.Pattern.quote(e[0]), java.util.regex.Matcher.quoteReplacement(e[1]))));
    }

    private JsonNode randomJson(Random r, int depth) {
        int kind = depth > 3 ? 2 + r.nextInt(4) : r.nextInt(6);
        return switch (kind) {
            case 0 -> {
                ObjectNode o = NODES.objectNode();
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    o.set(
                            pick(r, "id", "format", "format_version", "artifacts", "name", "size", "sha256", "k" + i),
                            randomJson(r, depth + 1));
                }
                yield o;
            }
            case 1 -> {
                ArrayNode a = NODES.arrayNode();
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    a.add(randomJson(r, depth + 1));
                }
                yield a;
            }
            case 2 -> NODES.textNode(
                    pick(r, "", "backupkit-manifest", "zstd", "database", "media", "\u0000", "é", "../x"));
            case 3 -> NODES.numberNode(r.nextLong());
            case 4 -> NODES.booleanNode(r.nextBoolean());
            default -> r.nextBoolean() ? NODES.nullNode() : NODES.numberNode(r.nextDouble());
        };
    }

    private static void collectContainers(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.elements().forEachRemaining(child -> collectContainers(child, out));
        }
    }

    /** The index just after the JSON value starting at {@code start} (a string, number, literal or container). */
    private static int valueEnd(String text, int start) {
        char c = text.charAt(start);
        if (c == '"') {
            int i = start + 1;
            while (text.charAt(i) != '"') {
                i += text.charAt(i) == '\\' ? 2 : 1;
            }
            return i + 1;
        }
        if (c == '{' || c == '[') {
            int level = 0;
            boolean inString = false;
            for (int i = start; i < text.length(); i++) {
                char x = text.charAt(i);
                if (inString) {
                    if (x == '\\') {
                        i++;
                    } else if (x == '"') {
                        inString = false;
                    }
                } else if (x == '"') {
                    inString = true;
                } else if (x == '{' || x == '[') {
                    level++;
                } else if (x == '}' || x == ']') {
                    if (--level == 0) {
                        return i + 1;
                    }
                }
            }
            return text.length();
        }
        int i = start;
        while (i < text.length() && ",}]\n".indexOf(text.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    private String text() {
        return new String(original, StandardCharsets.UTF_8);
    }

    private static String bytesText(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        return bytes(bytesText(node));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...(" + s.length() + ")";
    }
}
