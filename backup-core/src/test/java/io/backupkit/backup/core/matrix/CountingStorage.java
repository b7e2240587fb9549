package io.backupkit.backup.core.matrix;

import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls into a real storage (to show that a permanent failure is not retried); passes
 * everything through unchanged.
 */
final class CountingStorage implements BackupStorage {
    private final BackupStorage delegate;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    CountingStorage(BackupStorage delegate) {
        this.delegate = delegate;
    }

    private void count(String method) {
        calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Calls per method name. */
    Map<String, Integer> calls() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    int total() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public ObjectWrite openWrite(String name) throws IOException {
        count("openWrite");
        return delegate.openWrite(name);
    }

    @Override
    public InputStream openRead(String name, long offset) throws IOException {
        count("openRead");
        return delegate.openRead(name, offset);
    }

    @Override
    public Optional<StoredObject> stat(String name) throws IOException {
        count("stat");
        return delegate.stat(name);
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        count("list");
        return delegate.list(prefix);
    }

    @Override
    public void delete(String name) throws IOException {
        count("delete");
        delegate.delete(name);
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
        count("createIfAbsent");
        return delegate.createIfAbsent(name, content);
    }

    @Override
    public boolean deleteIfUnchanged(StoredObject object) throws IOException {
        count("deleteIfUnchanged");
        return delegate.deleteIfUnchanged(object);
    }

    @Override
    public List<String> sweep(Duration olderThan, Instant now, boolean dryRun) throws IOException {
        count("sweep");
        return delegate.sweep(olderThan, now, dryRun);
    }

    @Override
    public Optional<java.nio.file.Path> localFolder() {
        return delegate.localFolder();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
