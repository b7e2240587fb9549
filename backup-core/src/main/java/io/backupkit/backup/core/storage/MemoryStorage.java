package io.backupkit.backup.core.storage;

import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import io.backupkit.backup.spi.support.ReadOffset;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A storage in the JVM's heap, for tests and for embedding where backups are shipped elsewhere.
 * The location is a namespace: all instances with the same namespace in one JVM (one class
 * loader) share their objects, so a second {@code BackupManager} sees what the first stored; the
 * objects live until {@link #dropNamespace(String)} or the end of the JVM. Thread-safe.
 *
 * <p>Semantics are those of the other storages: a write is buffered and published by {@link
 * ObjectWrite#commit()} in one map update, so readers see the old object or the new one whole;
 * {@link #createIfAbsent} is a {@link ConcurrentMap#putIfAbsent} and {@link #deleteIfUnchanged} a
 * {@link ConcurrentMap#remove(Object, Object)} of the exact entry, both atomic. Versions are a
 * JVM-wide counter, so a re-created object never gets an old version. Nothing is left behind by an
 * aborted write, so {@link #sweep} has nothing to do.
 *
 * <p>Objects are held in memory whole: not for large backups.
 */
public final class MemoryStorage implements BackupStorage {
    private static final ConcurrentMap<String, ConcurrentMap<String, Entry>> NAMESPACES = new ConcurrentHashMap<>();
    private static final AtomicLong VERSIONS = new AtomicLong();

    private final String namespace;
    private final ConcurrentMap<String, Entry> objects;
    private final Clock clock;

    /** A storage over {@code namespace}, shared with every other instance of that namespace. */
    public MemoryStorage(String namespace) {
        this(namespace, Clock.systemUTC());
    }

    /** As {@link #MemoryStorage(String)}, with the clock that stamps modification times. */
    public MemoryStorage(String namespace, Clock clock) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.objects = NAMESPACES.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>());
    }

    /** Forgets every object of {@code namespace} (instances still open on it see an empty storage). */
    public static void dropNamespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        ConcurrentMap<String, Entry> objects = NAMESPACES.get(namespace);
        if (objects != null) {
            objects.clear();
        }
    }

    /** The namespace given as location. */
    public String namespace() {
        return namespace;
    }

    @Override
    public String describe() {
        return "memory:" + namespace;
    }

    @Override
    public ObjectWrite openWrite(String name) {
        return new MemoryWrite(StorageNames.check(name));
    }

    @Override
    public InputStream openRead(String name, long offset) throws IOException {
        StorageNames.check(name);
        ReadOffset.check(offset);
        Entry entry = objects.get(name);
        if (entry == null) {
            throw new StoredObjectNotFoundException(describe(), name);
        }
        int from = (int) Math.min(offset, entry.data.length);
        return new ByteArrayInputStream(entry.data, from, entry.data.length - from);
    }

    @Override
    public Optional<StoredObject> stat(String name) {
        StorageNames.check(name);
        Entry entry = objects.get(name);
        return entry == null ? Optional.empty() : Optional.of(entry.toStored(name));
    }

    @Override
    public List<StoredObject> list(String prefix) {
        StorageNames.checkPrefix(prefix);
        List<StoredObject> result = new ArrayList<>();
        for (Map.Entry<String, Entry> e : objects.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                result.add(e.getValue().toStored(e.getKey()));
            }
        }
        return result;
    }

    @Override
    public void delete(String name) {
        objects.remove(StorageNames.check(name));
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) {
        StorageNames.check(name);
        Objects.requireNonNull(content, "content");
        return objects.putIfAbsent(name, newEntry(content.clone())) == null;
    }

    @Override
    public boolean deleteIfUnchanged(StoredObject object) {
        Objects.requireNonNull(object, "object");
        StorageNames.check(object.name());
        Entry entry = objects.get(object.name());
        return entry != null && entry.version.equals(object.version()) && objects.remove(object.name(), entry);
    }

    @Override
    public String toString() {
        return "MemoryStorage[" + namespace + "]";
    }

    private Entry newEntry(byte[] data) {
        return new Entry(data, clock.instant(), Long.toString(VERSIONS.incrementAndGet()));
    }

    /** One stored object; compared by identity, so a remove of the exact entry is a version check. */
    private static final class Entry {
        final byte[] data;
        final Instant modified;
        final String version;

        Entry(byte[] data, Instant modified, String version) {
            this.data = data;
            this.modified = modified;
            this.version = version;
        }

        StoredObject toStored(String name) {
            return new StoredObject(name, data.length, modified, version);
        }
    }

    private final class MemoryWrite implements ObjectWrite {
        private final String name;
        private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final OutputStream stream = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                open().write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                open().write(b, off, len);
            }
        };

        MemoryWrite(String name) {
            this.name = name;
        }

        private ByteArrayOutputStream open() throws IOException {
            ByteArrayOutputStream b = buffer;
            if (b == null) {
                throw new IOException("the write of " + name + " to " + describe() + " is already committed or closed");
            }
            return b;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public StoredObject commit() throws IOException {
            Entry entry = newEntry(open().toByteArray());
            buffer = null;
            objects.put(name, entry);
            return entry.toStored(name);
        }

        @Override
        public void close() {
            buffer = null;
        }
    }
}
