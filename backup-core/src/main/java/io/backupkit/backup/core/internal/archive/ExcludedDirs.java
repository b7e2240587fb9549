package io.backupkit.backup.core.internal.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The folders a media walk leaves out (the backup or spool folder inside the media folder), as paths
 * relative to the media folder with '/' separators; {@code everything} when one of them is the media
 * folder itself. Both the configured and the real path of each are matched.
 */
public record ExcludedDirs(Set<String> relative, boolean everything) {
    public ExcludedDirs {
        relative = Set.copyOf(relative);
    }

    /** The {@code dirs} that lie in {@code mediaDir}, whose real path is {@code realRoot}. */
    public static ExcludedDirs of(Path mediaDir, Path realRoot, List<Path> dirs) {
        Set<String> relative = new HashSet<>();
        boolean everything = false;
        Path configured = mediaDir.toAbsolutePath().normalize();
        for (Path dir : dirs) {
            List<Path> forms = new ArrayList<>();
            forms.add(dir.toAbsolutePath().normalize());
            try {
                forms.add(dir.toRealPath());
            } catch (IOException e) {
                // not there (yet): the lexical form is enough
            }
            for (Path form : forms) {
                for (Path base : List.of(realRoot, configured)) {
                    if (form.equals(base)) {
                        everything = true;
                    } else if (form.startsWith(base)) {
                        relative.add(slashes(base.relativize(form)));
                    }
                }
            }
        }
        return new ExcludedDirs(relative, everything);
    }

    private static String slashes(Path relative) {
        StringBuilder sb = new StringBuilder();
        for (Path part : relative) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
