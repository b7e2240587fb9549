package io.backupkit.backup.core.internal.archive;

import io.backupkit.backup.InvalidMediaPathException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One file or folder of a media archive, chosen by its path: the entries at and under it are
 * extracted under its own name ({@code attachments/x/a} becomes {@code x/a}), the rest is skipped.
 */
public final class MediaSelection {
    private final List<String> segments;

    private MediaSelection(List<String> segments) {
        this.segments = List.copyOf(segments);
    }

    /**
     * A path relative to the media folder, {@code /}-separated; {@code .} segments and a trailing
     * {@code /} are ignored.
     *
     * @throws InvalidMediaPathException when it is empty, absolute or has a {@code ..} segment
     */
    public static MediaSelection of(String path) {
        if (path == null || path.isBlank()) {
            throw invalid(path, "it is empty");
        }
        if (path.startsWith("/")) {
            throw invalid(path, "it is absolute");
        }
        if (path.indexOf('\0') >= 0) {
            throw invalid(path, "it contains a NUL character");
        }
        List<String> segments = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw invalid(path, "it leaves the media folder through '..'");
            }
            segments.add(part);
        }
        if (segments.isEmpty()) {
            throw invalid(path, "it names the media folder itself (restore the whole backup for that)");
        }
        return new MediaSelection(segments);
    }

    private static InvalidMediaPathException invalid(String path, String why) {
        return new InvalidMediaPathException(
                path,
                "the media path '" + path + "' is refused: " + why
                        + "; give a path relative to the media folder, e.g. attachments/2026");
    }

    /** The normalised path, e.g. {@code attachments/x}. */
    public String path() {
        return String.join("/", segments);
    }

    /** Whether an entry at {@code relPath} ({@code /}-separated, relative) is the selection or under it. */
    public boolean includes(String relPath) {
        String path = path();
        return relPath.equals(path) || relPath.startsWith(path + "/");
    }

    /**
     * The segments an entry gets in the target: the selection's name and what follows it; {@code
     * null} when the entry is not the selection or under it.
     *
     * @param entry the entry's checked segments
     * @param bytes whether the segments hold a name's bytes one char each (names that are not UTF-8)
     */
    List<String> within(List<String> entry, boolean bytes) {
        if (entry.size() < segments.size()) {
            return null;
        }
        for (int i = 0; i < segments.size(); i++) {
            String want = bytes
                    ? new String(segments.get(i).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)
                    : segments.get(i);
            if (!entry.get(i).equals(want)) {
                return null;
            }
        }
        return entry.subList(segments.size() - 1, entry.size());
    }
}
