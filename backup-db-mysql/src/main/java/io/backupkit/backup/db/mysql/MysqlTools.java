package io.backupkit.backup.db.mysql;

import io.backupkit.backup.BackupCancelledException;
import io.backupkit.backup.DatabaseToolException;
import io.backupkit.backup.spi.support.NativeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the dump tool and the client of the server's product (MariaDB or MySQL) at the server's
 * version or newer: in {@code bin_dir} when set (nothing else is tried), else on the PATH. MariaDB's
 * own names come first ({@code mariadb-dump}, {@code mariadb}), then the {@code mysql} ones.
 */
final class MysqlTools {
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    /** The server and the tools resolved for one operation ({@code client} only for a restore). */
    record Toolset(ProductVersion server, String serverVersionText, Tool dumpTool, Tool client, long sizeBytes) {}

    /** A located and checked tool. */
    record Tool(String name, Path path, ProductVersion version) {}

    private final Path binDir;

    MysqlTools(Path binDir) {
        this.binDir = binDir;
    }

    Tool dumpTool(ProductVersion server) {
        return find(server, server.mariadb() ? List.of("mariadb-dump", "mysqldump") : List.of("mysqldump"));
    }

    Tool client(ProductVersion server) {
        return find(server, server.mariadb() ? List.of("mariadb", "mysql") : List.of("mysql"));
    }

    private Tool find(ProductVersion server, List<String> names) {
        List<String> tried = new ArrayList<>();
        String mismatch = null;
        for (String name : names) {
            Optional<Path> path = locate(name);
            if (path.isEmpty()) {
                tried.add(name);
                continue;
            }
            String out = toolVersion(name, path.get());
            Optional<ProductVersion> v = ProductVersion.ofTool(out);
            if (v.isEmpty()) {
                mismatch = path.get() + " printed no version I can read ('" + out.strip() + "')";
                continue;
            }
            if (v.get().mariadb() != server.mariadb()) {
                mismatch = path.get() + " is the " + v.get().product() + " " + v.get() + " tool, but the server is "
                        + server.product() + " " + server + "; " + v.get().product() + "'s tools do not dump or"
                        + " restore the other product reliably";
                continue;
            }
            if (!v.get().atLeast(server.major(), server.minor())) {
                throw new DatabaseToolException(
                        name,
                        path.get() + " is version " + v.get() + ", older than the " + server.product() + " server ("
                                + server + "); install the " + server.product() + " " + server.major() + "."
                                + server.minor() + " client tools or newer and point database.options.bin_dir at"
                                + " them");
            }
            return new Tool(name, path.get(), v.get());
        }
        String where = binDir != null ? "in " + binDir + " (database.options.bin_dir)" : "on the PATH";
        throw new DatabaseToolException(
                names.get(0),
                (mismatch != null ? mismatch : "no " + String.join(" or ", tried) + " found " + where)
                        + "; install the " + server.product() + " client tools (" + server.major() + "."
                        + server.minor() + " or newer) or set database.options.bin_dir to their folder");
    }

    private Optional<Path> locate(String name) {
        if (binDir != null) {
            Path p = binDir.resolve(name);
            return Files.isExecutable(p) && !Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String toolVersion(String name, Path path) {
        try (NativeProcess p = NativeProcess.command(List.of(path.toString(), "--version"))
                .clearEnv("MYSQL")
                .clearEnv("MARIADB")
                .timeout(VERSION_TIMEOUT)
                .start()) {
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.await();
            if (rc != 0) {
                throw new DatabaseToolException(
                        name,
                        path + " --version failed with exit code " + rc + ": "
                                + MysqlFailure.tailOrNothing(p.stderrTail()));
            }
            return out;
        } catch (IOException | NativeProcess.ToolTimeoutException e) {
            throw new DatabaseToolException(name, "cannot run " + path + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupCancelledException("cancelled while checking " + path, e);
        }
    }
}
