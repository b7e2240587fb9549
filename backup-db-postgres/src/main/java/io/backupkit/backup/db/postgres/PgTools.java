package io.backupkit.backup.db.postgres;

import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: finds the PostgreSQL client tools ({@code pg_dump}, {@code pg_restore}, {@code psql}) of
 * a major version at least the one needed.
 *
 * <p>Search order: the configured {@code bin_dir} (when set, nothing else is tried); {@code
 * /usr/lib/postgresql/<major>/bin} from the needed major upwards (Debian, Ubuntu); {@code
 * /usr/pgsql-<major>/bin} likewise (RHEL, PGDG); {@code /usr/local/pgsql/bin}; {@code pg_config
 * --bindir}; the directories of {@code PATH}. The first folder holding all tools, whose {@code
 * pg_dump --version} (or first tool's) is new enough, wins.
 */
final class PgTools {
    private static final Logger LOG = LoggerFactory.getLogger(PgTools.class);
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    /** A folder of client tools and their version. */
    record Toolset(Path binDir, PgVersion version) {
        Toolset {
            Objects.requireNonNull(binDir, "binDir");
            Objects.requireNonNull(version, "version");
        }

        Path tool(String name) {
            return binDir.resolve(name);
        }
    }

    /** How many folders {@link #prefetch} probes at most. */
    private static final int PREFETCH_DIRS = 4;

    private final Path configuredBinDir;
    private final String binDirKey;
    private final Path debianRoot;
    private final Path rhelRoot;
    /** {@code --version} probes started by {@link #prefetch}, by tool path; each is used once. */
    private final Map<Path, CompletableFuture<Optional<PgVersion>>> probes = new ConcurrentHashMap<>();

    PgTools(Path configuredBinDir, String binDirKey) {
        this(configuredBinDir, binDirKey, Path.of("/usr/lib/postgresql"), Path.of("/usr"));
    }

    PgTools(Path configuredBinDir, String binDirKey, Path debianRoot, Path rhelRoot) {
        this.configuredBinDir = configuredBinDir;
        this.binDirKey = binDirKey;
        this.debianRoot = debianRoot;
        this.rhelRoot = rhelRoot;
    }

    /**
     * The first toolset holding {@code tools} whose version is at least {@code minimum}.
     *
     * @param minimum the lowest acceptable major version; {@code null} picks the newest found
     * @param why what the minimum is, for the error message (e.g. "the server is PostgreSQL 15.4")
     */
    Toolset find(List<String> tools, PgVersion minimum, String why) {
        String primary = tools.get(0);
        List<String> rejected = new ArrayList<>();
        Toolset newest = null;
        for (Path dir : candidatesLazily(minimum)) {
            if (!tools.stream().allMatch(t -> isExecutable(dir.resolve(t)))) {
                if (configuredBinDir != null) {
                    List<String> missing = tools.stream()
                            .filter(t -> !isExecutable(dir.resolve(t)))
                            .toList();
                    rejected.add(dir + " has no executable " + String.join(", ", missing));
                }
                continue;
            }
            Optional<PgVersion> version = probe(dir.resolve(primary));
            if (version.isEmpty()) {
                rejected.add(dir.resolve(primary) + " did not report a PostgreSQL version");
                continue;
            }
            Toolset set = new Toolset(dir, version.get());
            if (minimum == null) {
                if (newest == null || set.version().compareTo(newest.version()) > 0) {
                    newest = set;
                }
                continue;
            }
            if (set.version().compareTo(minimum) >= 0) {
                LOG.debug("using {} {} from {}", primary, set.version(), dir);
                return set;
            }
            rejected.add(dir.resolve(primary) + " is version " + set.version() + ", older than " + minimum.majorName());
        }
        if (newest != null) {
            return newest;
        }
        StringBuilder msg = new StringBuilder();
        if (minimum == null) {
            msg.append("no PostgreSQL client tools (")
                    .append(String.join(", ", tools))
                    .append(") found");
        } else {
            msg.append("no ")
                    .append(primary)
                    .append(" of PostgreSQL ")
                    .append(minimum.majorName())
                    .append(" or newer found (")
                    .append(why)
                    .append(")");
        }
        if (!rejected.isEmpty()) {
            msg.append("; rejected: ").append(String.join("; ", rejected));
        }
        if (configuredBinDir != null) {
            msg.append(". Fix the option ")
                    .append(binDirKey)
                    .append(" (now ")
                    .append(configuredBinDir)
                    .append(") to point at the bin folder of PostgreSQL ")
                    .append(minimum == null ? "" : minimum.majorName() + " or newer ")
                    .append("client tools");
        } else {
            msg.append(". Install the PostgreSQL ")
                    .append(minimum == null ? "" : minimum.majorName() + " ")
                    .append("client tools (e.g. the postgresql-client-")
                    .append(minimum == null ? "<major>" : minimum.majorName())
                    .append(" package) or set the option ")
                    .append(binDirKey)
                    .append(" to their bin folder");
        }
        throw new DatabaseToolException(primary, msg.toString());
    }

    /**
     * Starts the {@code --version} probes of {@code tool} in the folders {@link #find} looks in first
     * (the configured one, else the versioned ones) on threads of their own, so that they run while the
     * caller asks the server for its version; {@link #find} then waits for them instead of probing
     * (it shortens the start-up of a create).
     */
    void prefetch(String tool) {
        List<Path> dirs = configuredBinDir != null
                ? List.of(configuredBinDir)
                : Stream.concat(
                                versionedDirs(debianRoot, "", null).stream(),
                                versionedDirs(rhelRoot, "pgsql-", null).stream())
                        .map(d -> d.resolve("bin"))
                        .limit(PREFETCH_DIRS)
                        .toList();
        for (Path dir : dirs) {
            Path t = dir.toAbsolutePath().normalize().resolve(tool);
            if (isExecutable(t)) {
                probes.computeIfAbsent(t, PgTools::probeAhead);
            }
        }
    }

    private static CompletableFuture<Optional<PgVersion>> probeAhead(Path tool) {
        return CompletableFuture.supplyAsync(() -> version(tool), r -> {
            Thread t = new Thread(r, "pg-version-probe");
            t.setDaemon(true);
            t.start();
        });
    }

    /** The version of {@code tool}: from a probe {@link #prefetch} started, or probed now. */
    private Optional<PgVersion> probe(Path tool) {
        CompletableFuture<Optional<PgVersion>> ahead = probes.remove(tool);
        return ahead != null ? ahead.join() : version(tool);
    }

    /**
     * The folders to look in, in order, without duplicates, made while iterated: {@code pg_config
     * --bindir} (a process) is
     * asked only when the folders before it hold no suitable tools (it shortens the start-up of a create).
     */
    private Iterable<Path> candidatesLazily(PgVersion minimum) {
        if (configuredBinDir != null) {
            return List.of(configuredBinDir);
        }
        List<Supplier<List<Path>>> groups = List.of(
                () -> versionedDirs(debianRoot, "", minimum).stream()
                        .map(d -> d.resolve("bin"))
                        .toList(),
                () -> versionedDirs(rhelRoot, "pgsql-", minimum).stream()
                        .map(d -> d.resolve("bin"))
                        .toList(),
                () -> List.of(Path.of("/usr/local/pgsql/bin")),
                () -> pgConfigBinDir().stream().toList(),
                PgTools::pathDirs);
        return () -> new Iterator<>() {
            private final Iterator<Supplier<List<Path>>> group = groups.iterator();
            private final Set<Path> seen = new HashSet<>();
            private Iterator<Path> current = Collections.emptyIterator();
            private Path next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    if (current.hasNext()) {
                        Path p = current.next();
                        if (Files.isDirectory(p)) {
                            Path dir = p.toAbsolutePath().normalize();
                            if (seen.add(dir)) {
                                next = dir;
                            }
                        }
                    } else if (group.hasNext()) {
                        current = group.next().get().iterator(); // the next group is made only now
                    } else {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public Path next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Path p = next;
                next = null;
                return p;
            }
        };
    }

    private static List<Path> pathDirs() {
        String path = System.getenv("PATH");
        List<Path> out = new ArrayList<>();
        if (path != null) {
            for (String p : path.split(java.io.File.pathSeparator)) {
                if (!p.isBlank()) {
                    out.add(Path.of(p));
                }
            }
        }
        return out;
    }

    /** {@code root/<prefix><major>} folders with a major of at least {@code minimum}, oldest first. */
    private static List<Path> versionedDirs(Path root, String prefix, PgVersion minimum) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        record Versioned(Path dir, PgVersion version) {}
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory)
                    .flatMap(
                            d -> nameVersion(d.getFileName().toString(), prefix).map(v -> new Versioned(d, v)).stream())
                    .filter(v -> minimum == null || v.version().compareTo(minimum) >= 0)
                    .sorted(Comparator.comparing(Versioned::version))
                    .map(Versioned::dir)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Optional<PgVersion> nameVersion(String name, String prefix) {
        if (!name.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = name.substring(prefix.length());
        if (!rest.matches("\\d+(\\.\\d+)?")) {
            return Optional.empty();
        }
        return PgVersion.parse(rest);
    }

    private static Optional<Path> pgConfigBinDir() {
        try {
            String out = run(List.of("pg_config", "--bindir")).trim();
            return out.isEmpty() ? Optional.empty() : Optional.of(Path.of(out));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static Optional<PgVersion> version(Path tool) {
        try {
            return PgVersion.fromToolOutput(run(List.of(tool.toString(), "--version")));
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} --version failed: {}", tool, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String run(List<String> argv) throws IOException, InterruptedException {
        try (NativeProcess p = NativeProcess.command(argv)
                .clearEnv("PG")
                .timeout(VERSION_TIMEOUT)
                .start()) {
            byte[] out;
            try (InputStream in = p.stdout()) {
                out = in.readNBytes(64 * 1024);
            }
            int exit = p.await();
            if (exit != 0) {
                throw new IOException(argv.get(0) + " exited with " + exit + ": " + p.stderrTail());
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private static boolean isExecutable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
