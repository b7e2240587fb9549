package io.backupkit.backup.core.internal.lease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.backup.BackupInProgressException;
import io.backupkit.backup.StoredObjectNotFoundException;
import io.backupkit.backup.UnableToStoreException;
import io.backupkit.backup.spi.BackupStorage;
import io.backupkit.backup.spi.ObjectWrite;
import io.backupkit.backup.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-flight lock across processes and hosts, kept as one small object in any {@link
 * BackupStorage} whose {@link BackupStorage#createIfAbsent} and {@link BackupStorage#deleteIfUnchanged}
 * are atomic: whoever holds it may change the storage. The one thing to know: a dead holder's lease
 * (expired, or its local process gone) is taken over with {@code deleteIfUnchanged}, so of several
 * takers exactly one wins, and a holder whose lease was taken over learns it on {@link #renew()}.
 * Choose a TTL much larger than clock skew between hosts. Thread-safe. The object's fields and each
 * step: {@code docs/NOTES-PROVIDERS.md}.
 */
public final class StorageLease implements AutoCloseable {
    /** The lease object's default name. */
    public static final String DEFAULT_NAME = "backup.lease";

    private static final int MAX_LEASE_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(StorageLease.class);

    private final BackupStorage storage;
    private final String name;
    private final String owner;
    private final String token;
    private final Duration ttl;
    private final Clock clock;
    private final Instant acquired;
    private StoredObject current;
    private Instant expires;
    private boolean released;

    /** Who asks for which lease on which storage, for how long, by which clock. */
    private record Terms(BackupStorage storage, String name, String owner, Duration ttl, Clock clock) {}

    private StorageLease(Terms terms, String token, Instant acquired, Instant expires, StoredObject current) {
        this.storage = terms.storage();
        this.name = terms.name();
        this.owner = terms.owner();
        this.token = token;
        this.ttl = terms.ttl();
        this.clock = terms.clock();
        this.acquired = acquired;
        this.expires = expires;
        this.current = current;
    }

    /**
     * Takes the lease if it is free or stale.
     *
     * @param owner who asks, shown to others in {@link BackupInProgressException#holder()}; see
     *     {@link #defaultOwner()}
     * @param ttl how long the lease holds without {@link #renew()}
     * @param clock the time source for {@code acquired}, {@code expires} and staleness
     * @return the lease, or empty when another holder's lease has not expired
     * @throws UnableToStoreException when the storage fails
     */
    public static Optional<StorageLease> tryAcquire(
            BackupStorage storage, String name, String owner, Duration ttl, Clock clock) {
        return Optional.ofNullable(attempt(storage, name, owner, ttl, clock).lease());
    }

    /**
     * Takes the lease or throws.
     *
     * @throws BackupInProgressException naming the holder and when its lease expires
     * @throws UnableToStoreException when the storage fails
     */
    public static StorageLease acquire(BackupStorage storage, String name, String owner, Duration ttl, Clock clock) {
        Attempt attempt = attempt(storage, name, owner, ttl, clock);
        if (attempt.lease() != null) {
            return attempt.lease();
        }
        Holder holder = attempt.holder();
        throw new BackupInProgressException(
                holder.owner(),
                holder.expires(),
                "a backup, restore or prune is already running on " + storage.describe() + ": the lease " + name
                        + " is held by " + holder.owner() + " until " + holder.expires()
                        + ". Wait for it to finish and try again. A lease of a process gone from this host is taken"
                        + " over at once; one from another host once it has expired, or remove it with unlock");
    }

    /** An owner description: host name, process id and a random part, e.g. {@code web-1:4711:3f9a2c1e}. */
    public static String defaultOwner() {
        return ProcessIdentity.current().host() + ":" + ProcessHandle.current().pid() + ":" + randomHex(4);
    }

    private static Attempt attempt(BackupStorage storage, String name, String owner, Duration ttl, Clock clock) {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the lease TTL must be positive: " + ttl);
        }
        String token = randomHex(16);
        Holder last = null;
        try {
            // round 0: create; round 1: create again after a stale lease was removed (or vanished)
            for (int round = 0; round < 2; round++) {
                Instant now = clock.instant();
                Instant expires = now.plus(ttl);
                byte[] content = encode(owner, token, now, expires);
                if (storage.createIfAbsent(name, content)) {
                    Optional<StoredObject> mine = storage.stat(name);
                    if (mine.isPresent()) {
                        LOG.debug("took the lease {} on {} until {}", name, storage.describe(), expires);
                        return new Attempt(
                                new StorageLease(
                                        new Terms(storage, name, owner, ttl, clock), token, now, expires, mine.get()),
                                null);
                    }
                    continue; // removed at once by someone else: try again
                }
                Optional<StoredObject> existing = storage.stat(name);
                if (existing.isEmpty()) {
                    continue; // released meanwhile
                }
                Optional<Holder> holder = readHolder(storage, existing.get(), ttl);
                if (holder.isEmpty()) {
                    continue; // deleted between stat and read
                }
                last = holder.get();
                if (!clock.instant().isAfter(last.expires())) {
                    Optional<String> gone = last.staleReason();
                    if (gone.isEmpty()) {
                        return new Attempt(null, last);
                    }
                    LOG.info(
                            "taking over the lease {} on {} at once: it is held by {} on this host, but {}",
                            name,
                            storage.describe(),
                            last.owner(),
                            gone.get());
                } else {
                    LOG.warn(
                            "taking over the stale lease {} on {}: held by {}, expired at {}",
                            name,
                            storage.describe(),
                            last.owner(),
                            last.expires());
                }
                storage.deleteIfUnchanged(existing.get());
            }
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    "cannot take the lease " + name + " on " + storage.describe() + ": " + e.getMessage(),
                    e);
        }
        if (last == null) {
            last = new Holder("unknown", clock.instant().plus(ttl), null, null);
        }
        return new Attempt(null, last);
    }

    /** The lease object's name. */
    public String name() {
        return name;
    }

    /** Who holds this lease. */
    public String owner() {
        return owner;
    }

    /** When this lease was taken. */
    public Instant acquired() {
        return acquired;
    }

    /** When this lease expires unless renewed. */
    public synchronized Instant expires() {
        return expires;
    }

    /**
     * Pushes the expiry to now + TTL, if the lease is still ours: the stored version must be the
     * one we wrote last. Before expiry the new content replaces the old in one commit (nobody else
     * may touch an unexpired lease); after expiry, when other processes may be taking it over, it is
     * renewed with {@code deleteIfUnchanged} of our version and {@code createIfAbsent}, so it never
     * overwrites a lease someone else took.
     *
     * @return the new expiry
     * @throws BackupInProgressException when the lease was taken over (it had expired) or removed:
     *     stop changing the storage
     * @throws IllegalStateException when already released
     * @throws UnableToStoreException when the storage fails
     */
    public synchronized Instant renew() {
        if (released) {
            throw new IllegalStateException("the lease " + name + " was already released");
        }
        try {
            Optional<StoredObject> stored = storage.stat(name);
            if (stored.isEmpty() || !isOurs(stored.get())) {
                throw lost(stored);
            }
            Instant now = clock.instant();
            Instant newExpires = now.plus(ttl);
            byte[] content = encode(owner, token, acquired, newExpires);
            if (now.isBefore(expires) || current.version() == null) {
                // still valid, so nobody takes it over (or no versions to do better): replace it
                try (ObjectWrite write = storage.openWrite(name)) {
                    write.stream().write(content);
                    current = write.commit();
                }
            } else {
                // expired: another process may be taking it over right now; only the atomic
                // operations are safe: delete our version, then create it again
                if (!storage.deleteIfUnchanged(current) || !storage.createIfAbsent(name, content)) {
                    throw lost(storage.stat(name));
                }
                Optional<StoredObject> renewed = storage.stat(name);
                if (renewed.isEmpty()) {
                    throw lost(renewed);
                }
                current = renewed.get();
            }
            expires = newExpires;
            LOG.debug("renewed the lease {} on {} until {}", name, storage.describe(), newExpires);
            return newExpires;
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    "cannot renew the lease " + name + " on " + storage.describe() + ": " + e.getMessage(),
                    e);
        }
    }

    /** Marks the lease released and describes who has it now. */
    private BackupInProgressException lost(Optional<StoredObject> stored) throws IOException {
        released = true;
        Holder other =
                stored.isEmpty() ? null : readHolder(storage, stored.get(), ttl).orElse(null);
        String by = other == null ? "removed" : "taken over by " + other.owner();
        return new BackupInProgressException(
                other == null ? null : other.owner(),
                other == null ? null : other.expires(),
                "lost the lease " + name + " on " + storage.describe() + ": it was " + by
                        + " after it expired at " + expires
                        + ". Another process may now change the storage: stop and run again later;"
                        + " renew the lease more often than its TTL (" + ttl + ")");
    }

    /**
     * Gives the lease up: deletes the lease object if it is still our version. Idempotent.
     *
     * @return true when this call deleted our lease; false when already released, or when the lease
     *     was no longer ours (taken over after it expired)
     * @throws UnableToStoreException when the storage fails
     */
    public synchronized boolean release() {
        if (released) {
            return false;
        }
        released = true;
        try {
            boolean deleted = current.version() != null ? storage.deleteIfUnchanged(current) : deleteIfOurToken();
            if (!deleted) {
                LOG.warn("the lease {} on {} was no longer ours when released", name, storage.describe());
            }
            return deleted;
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    "cannot release the lease " + name + " on " + storage.describe() + ": " + e.getMessage()
                            + "; it expires by itself at " + expires,
                    e);
        }
    }

    /** {@link #release()}. */
    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "StorageLease[" + name + " on " + storage.describe() + ", owner " + owner + ", expires " + expires()
                + "]";
    }

    private boolean isOurs(StoredObject stored) throws IOException {
        if (current.version() != null) {
            return current.version().equals(stored.version());
        }
        return ourToken();
    }

    /** For storages without versions: compare the token in the stored content. */
    private boolean ourToken() throws IOException {
        try (InputStream in = storage.openRead(name)) {
            JsonNode node = JSON.readTree(in.readNBytes(MAX_LEASE_BYTES));
            return node != null && token.equals(node.path("token").asText(null));
        } catch (StoredObjectNotFoundException e) {
            return false;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return false;
        }
    }

    private boolean deleteIfOurToken() throws IOException {
        if (ourToken()) {
            storage.delete(name);
            return true;
        }
        return false;
    }

    private static byte[] encode(String owner, String token, Instant acquired, Instant expires) {
        ObjectNode node = JSON.createObjectNode();
        node.put("owner", owner);
        node.put("token", token);
        node.put("acquired", acquired.toString());
        node.put("expires", expires.toString());
        ProcessIdentity.current().writeTo(node);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the lease", e);
        }
    }

    /**
     * The holder of an existing lease object; empty when it vanished. Content that cannot be read as
     * a lease counts as held by "unknown" until its modification time plus {@code ttl}.
     */
    private static Optional<Holder> readHolder(BackupStorage storage, StoredObject object, Duration ttl)
            throws IOException {
        byte[] bytes;
        try (InputStream in = storage.openRead(object.name())) {
            bytes = in.readNBytes(MAX_LEASE_BYTES);
        } catch (StoredObjectNotFoundException e) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            String holder = node.path("owner").asText(null);
            String expires = node.path("expires").asText(null);
            if (holder != null && expires != null) {
                return Optional.of(new Holder(
                        holder,
                        Instant.parse(expires),
                        ProcessIdentity.readFrom(node).orElse(null),
                        object));
            }
        } catch (IOException | DateTimeException e) {
            // fall through
        }
        LOG.warn(
                "the lease object {} on {} is not a valid lease; it counts as held until {}",
                object.name(),
                storage.describe(),
                object.modified().plus(ttl));
        return Optional.of(new Holder(
                "unknown (unreadable lease " + object.name() + ")",
                object.modified().plus(ttl),
                null,
                object));
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /**
     * Removes the lease {@code name} if its holder is known to be gone (expired by {@code clock}, or
     * its process ended on this machine), or with {@code force} whoever holds it. Only the version
     * inspected is removed: a lease taken meanwhile stays.
     *
     * @param ttl how long an unreadable lease counts as held after its modification time
     * @return who held it and whether it was removed; {@link Inspection#owner()} null when there was none
     * @throws UnableToStoreException when the storage fails
     */
    public static Inspection unlock(BackupStorage storage, String name, boolean force, Duration ttl, Clock clock) {
        try {
            Optional<StoredObject> existing = storage.stat(name);
            Optional<Holder> holder = existing.isEmpty() ? Optional.empty() : readHolder(storage, existing.get(), ttl);
            if (holder.isEmpty()) {
                return new Inspection(null, null, null, false);
            }
            Holder h = holder.get();
            String stale = clock.instant().isAfter(h.expires())
                    ? "it expired at " + h.expires()
                    : h.staleReason().orElse(null);
            boolean removed = false;
            if (stale != null || force) {
                removed = storage.deleteIfUnchanged(h.object());
                if (removed) {
                    LOG.info("removed the lease {} on {} held by {}", name, storage.describe(), h.owner());
                }
            }
            return new Inspection(h.owner(), h.expires(), stale, removed);
        } catch (IOException e) {
            throw new UnableToStoreException(
                    storage.describe(),
                    name,
                    "cannot remove the lease " + name + " on " + storage.describe() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * What {@link #unlock} found.
     *
     * @param owner the holder, or null when there was no lease
     * @param expires when its lease expires unless renewed
     * @param staleReason why the holder is known to be gone, or null when it may be alive
     * @param removed whether the lease was removed
     */
    public record Inspection(String owner, Instant expires, String staleReason, boolean removed) {}

    private record Holder(String owner, Instant expires, ProcessIdentity identity, StoredObject object) {
        Optional<String> staleReason() {
            return identity == null
                    ? Optional.empty()
                    : ProcessIdentity.current().staleReason(identity);
        }
    }

    private record Attempt(StorageLease lease, Holder holder) {}
}
