package io.backupkit.backup.cli;

import io.backupkit.backup.core.storage.FilesystemStorage;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.BackupStorageProvider;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.SpiVersion;
import io.backupkit.backup.spi.StorageConfig;
import io.backupkit.backup.spi.StoredObject;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A filesystem storage that holds a create in one phase, so that a test can signal the CLI there
 * (chosen by class name: {@code BACKUP_STORAGE=io.backupkit.backup.cli.PacedStorageProvider}).
 * Options: {@code pause_at} ({@code dump}, {@code media}, {@code manifest}, or {@code restore}: the
 * media archive's read, 50 ms per 64 KiB) and {@code marker}, a
 * file created when the create reaches that object. The dump's or media's write then takes 50 ms
 * per write call; the manifest's waits (interruptibly) before it starts. With {@code slow_delete}
 * true, each delete first takes 30 s, whatever interrupts it (a clean-up that hangs). With {@code
 * delegate} {@code s3} the paced storage is an S3 one, configured by the remaining options; with
 * {@code dropbox} one on the Dropbox fake listening on {@code dropbox_port}.
 */
public final class PacedStorageProvider implements BackupStorageProvider {
    @Override
    public String id() {
        return "paced-filesystem";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.MAJOR; // compiled into this class: the SPI it was built against
    }

    @Override
    public BackupStorage create(StorageConfig config) {
        String pauseAt = config.options().requireString("pause_at");
        Path marker = Path.of(config.options().requireString("marker"));
        boolean slowDelete = config.options().bool("slow_delete", false);
        return new Paced(delegate(config), pauseAt, marker, slowDelete);
    }

    /** The paced storage: a local folder, or with {@code delegate: s3} an S3 one (the other options are its). */
    private static BackupStorage delegate(StorageConfig config) {
        String delegate = config.options().string("delegate").orElse("filesystem");
        if (delegate.equals("dropbox")) { // the Dropbox fake on port dropbox_port
            return io.backupkit.backup.storage.dropbox.DropboxFakeAccess.storage(
                    config.options().integer("dropbox_port", 0), config.location());
        }
        if (!delegate.equals("s3")) {
            return new FilesystemStorage(Path.of(config.location()));
        }
        java.util.Map<String, Object> s3 =
                new java.util.HashMap<>(config.options().asMap());
        s3.keySet().removeAll(java.util.Set.of("delegate", "pause_at", "marker", "slow_delete"));
        return new io.backupkit.backup.storage.s3.S3StorageProvider()
                .create(new StorageConfig(
                        config.location(), new io.backupkit.backup.spi.ProviderOptions("backup_options", s3)));
    }

    private record Paced(BackupStorage delegate, String pauseAt, Path marker, boolean slowDelete)
            implements BackupStorage {
        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public ObjectWrite openWrite(String name) throws IOException {
            boolean target =
                    switch (pauseAt) {
                        case "dump" -> name.contains(".db.");
                        case "media" -> name.contains(".media.");
                        case "none", "restore" -> false;
                        default -> name.endsWith(".manifest.json");
                    };
            if (!target) {
                return delegate.openWrite(name);
            }
            Files.writeString(marker, name);
            if (pauseAt.equals("manifest")) {
                pause(60_000);
                return delegate.openWrite(name);
            }
            ObjectWrite write = delegate.openWrite(name);
            OutputStream slow = new FilterOutputStream(write.stream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    pause(50);
                    out.write(b, off, len);
                }
            };
            return new ObjectWrite() {
                @Override
                public OutputStream stream() {
                    return slow;
                }

                @Override
                public StoredObject commit() throws IOException {
                    return write.commit();
                }

                @Override
                public void close() {
                    write.close();
                }
            };
        }

        private static void pause(long millis) throws InterruptedIOException {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while paced");
            }
        }

        @Override
        public InputStream openRead(String name, long offset) throws IOException {
            InputStream in = delegate.openRead(name, offset);
            if (!pauseAt.equals("restore") || !name.contains(".media.")) {
                return in;
            }
            Files.writeString(marker, name); // a restore verifying and extracting the media archive
            return new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    pause(50);
                    return super.read(b, off, Math.min(len, 64 << 10));
                }
            };
        }

        @Override
        public Optional<StoredObject> stat(String name) throws IOException {
            return delegate.stat(name);
        }

        @Override
        public List<StoredObject> list(String prefix) throws IOException {
            return delegate.list(prefix);
        }

        @Override
        public void delete(String name) throws IOException {
            if (slowDelete) {
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < end) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        // a hanging clean-up: keeps hanging
                    }
                }
            }
            delegate.delete(name);
        }

        @Override
        public boolean createIfAbsent(String name, byte[] content) throws IOException {
            return delegate.createIfAbsent(name, content);
        }

        @Override
        public boolean deleteIfUnchanged(StoredObject object) throws IOException {
            return delegate.deleteIfUnchanged(object);
        }

        @Override
        public List<String> sweep(Duration olderThan, Instant now, boolean dryRun) throws IOException {
            return delegate.sweep(olderThan, now, dryRun);
        }

        @Override
        public Optional<Path> localFolder() {
            // a paced restore reads through openRead, which paces; the folder still counts for the guards
            return pauseAt.equals("restore") ? Optional.empty() : delegate.localFolder();
        }
    }
}
