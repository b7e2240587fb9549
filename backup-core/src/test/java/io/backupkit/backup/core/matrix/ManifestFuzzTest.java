package io.backupkit.backup.core.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.ArtifactInfo;
import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupNotFoundException;
import io.backupkit.backup.CorruptBackupException;
import io.backupkit.backup.IncompatibleBackupException;
import io.backupkit.backup.RestoreOptions;
import io.backupkit.backup.VerifyMode;
import io.backupkit.backup.VerifyResult;
import io.backupkit.backup.core.internal.manifest.ManifestCodec;
import io.backupkit.backup.core.internal.manifest.TestManifests;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T25 (and T7/T9 for manifests): thousands of seeded mutations of a real manifest (bit flips,
 * truncations, duplicated slices, huge numbers, deep nesting, long strings, structural edits,
 * random JSON) never produce anything but a result or a typed {@link BackupException}: {@link
 * CorruptBackupException}, {@link IncompatibleBackupException} or {@link BackupNotFoundException}.
 * Time and memory are bounded.
 *
 * <p>Through the public path, the mutated manifest is written into the filesystem storage next to
 * the real artifacts and read with {@code list()}, {@code get(id)}, {@code verify(id, true)} and
 * {@code restore(id)}. What must hold: a mutant that changes what binds the backup to its content
 * (the id, the artifacts' names, sizes, digests) never verifies OK; one that changes those or how
 * they decode (compression, encryption) is never restored; a restore that succeeds gives exactly
 * the backed-up state; a refused one changes nothing.
 *
 * <p>Half of the mutants are resealed, with a checksum that fits the edit (anyone who can write
 * the storage can compute it; see {@link TestManifests#resealed}), so they reach the checks behind
 * the seal. A mutant that is not resealed is never accepted with other content than the original
 * (the manifest's checksum, T7). A resealed one that changes only descriptive fields (labels,
 * created time, host, media counts) into other valid values is accepted as it reads: without a
 * secret nothing can tell it from a real manifest (with encryption the seal is keyed, see the
 * openpgp module's {@code ManifestAuthenticationTest}). The test counts and prints these.
 */
class ManifestFuzzTest {
    private static final long SEED = 0x5EED_2026_1127L;
    private static final int PUBLIC_MUTANTS = 1000;
    private static final int CODEC_MUTANTS = 10_000;
    private static final int MAX_RESTORES = 20;

    @TempDir
    Path tmp;

    MatrixFixture f;
    BackupInfo original;
    byte[] manifestBytes;
    Path manifest;

    @BeforeEach
    void setUp() throws Exception {
        f = new MatrixFixture(tmp);
        f.createDatabase(20);
        f.createMedia(3, 2000, 11);
        try (BackupManager backups = f.builder().build()) {
            original = backups.create().backup();
        }
        manifest = f.backups.resolve(original.id().value() + ".manifest.json");
        manifestBytes = Files.readAllBytes(manifest);
    }

    /** Whether a parsed manifest still binds exactly the backup's content (and says how to decode it). */
    private boolean bindingUnchanged(BackupInfo info) {
        return info.id().equals(original.id())
                && java.util.Set.copyOf(info.artifacts()).equals(java.util.Set.copyOf(original.artifacts()));
    }

    /**
     * Whether the stored bytes a parsed manifest names are the same: id, names, sizes, digests (as
     * a set: an artifact listed twice still names the same bytes).
     */
    private boolean digestsUnchanged(BackupInfo info) {
        return info.id().equals(original.id()) && digests(info).equals(digests(original));
    }

    private static java.util.Set<String> digests(BackupInfo info) {
        return info.artifacts().stream()
                .map(a -> a.kind() + " " + a.name() + " " + a.size() + " " + a.sha256())
                .collect(java.util.stream.Collectors.toSet());
    }

    private static boolean allowed(Throwable t) {
        return t instanceof CorruptBackupException
                || t instanceof IncompatibleBackupException
                || t instanceof BackupNotFoundException
                || t instanceof io.backupkit.backup.UnableToDecryptException; // the manifest says "encrypted"
    }

    /** Runs {@code call}; returns its result, or null after checking that what it threw is allowed. */
    private static <T> T attempt(String what, ManifestMutator.Mutant m, List<String> failures, Callable<T> call) {
        try {
            return call.call();
        } catch (Throwable t) {
            if (!allowed(t)) {
                failures.add(what + " of [" + m.how() + "] threw " + t);
            }
            return null;
        }
    }

    private static final String RESEALED = " +resealed";

    private ManifestMutator.Mutant resealedHalf(ManifestMutator.Mutant m, Random random) {
        if (!random.nextBoolean()) {
            return m;
        }
        return new ManifestMutator.Mutant(
                m.how() + RESEALED, TestManifests.resealed(original.id().value() + ".manifest.json", m.bytes()));
    }

    @Test
    void mutatedManifestsThroughThePublicPathFailTypedAndNeverRestoreWrongContent() throws Exception {
        // the state a refused restore must leave alone differs from the backup's
        MatrixFixture.State backedUp = f.state();
        f.changeState();
        MatrixFixture.State current = f.state();
        assertThat(current).isNotEqualTo(backedUp);

        ManifestMutator mutator = new ManifestMutator(manifestBytes);
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> acceptedWithOtherMetadata = new ArrayList<>();
        int restoresRun = 0;
        String id = original.id().value();
        long t0 = System.nanoTime();
        long slowest = 0;
        try (BackupManager backups = f.builder().build()) {
            for (int i = 0; i < PUBLIC_MUTANTS; i++) {
                long c0 = System.nanoTime();
                ManifestMutator.Mutant m = resealedHalf(mutator.mutate(random), random);
                Files.write(manifest, m.bytes());

                List<BackupInfo> listed = attempt("list", m, failures, backups::list);
                BackupInfo got = attempt("get", m, failures, () -> backups.get(id));
                VerifyResult verified = attempt("verify", m, failures, () -> backups.verify(id, VerifyMode.DEEP));
                if (listed != null && !listed.isEmpty()) {
                    assertThat(listed).as(m.how()).containsExactly(got);
                }
                if (got != null && !m.how().endsWith(RESEALED) && !got.equals(original)) {
                    failures.add("accepted [" + m.how() + "] with other content and no checksum that fits it");
                }
                if (verified != null && verified.ok() && !digestsUnchanged(verified.backup())) {
                    failures.add("verify OK for [" + m.how() + "] that changed the artifacts' names, sizes or digests");
                }
                boolean mayRestore = got != null && restoresRun < MAX_RESTORES;
                if (got == null || mayRestore) {
                    boolean restored = attempt(
                                    "restore",
                                    m,
                                    failures,
                                    () -> backups.restore(RestoreOptions.of(id).withSafetyBackup(false)))
                            != null;
                    if (restored) {
                        restoresRun++;
                        if (!bindingUnchanged(got)) {
                            failures.add("restore succeeded for [" + m.how() + "] that changed the content binding");
                        }
                        assertThat(f.state()).as("restored from [%s]", m.how()).isEqualTo(backedUp);
                        f.changeState();
                        current = f.state();
                    } else if (got != null || i % 50 == 0) {
                        assertThat(f.state())
                                .as("refused restore of [%s] changed nothing", m.how())
                                .isEqualTo(current);
                    }
                }
                String outcome =
                        got == null ? "refused" : got.equals(original) ? "unchanged" : "accepted, other metadata";
                if (got != null && !got.equals(original)) {
                    if (bindingUnchanged(got)) {
                        acceptedWithOtherMetadata.add(m.how());
                    } else {
                        outcome = "parsed, content binding changed, verify refused";
                    }
                }
                outcomes.merge(outcome, 1, Integer::sum);
                slowest = Math.max(slowest, System.nanoTime() - c0);
            }
        }
        Duration total = Duration.ofNanos(System.nanoTime() - t0);
        System.out.println("public path: " + PUBLIC_MUTANTS + " mutants in " + total + ", slowest "
                + Duration.ofNanos(slowest) + ", " + restoresRun + " restores, outcomes " + outcomes);
        System.out.println("accepted with other descriptive metadata (resealed, no secret without encryption): "
                + acceptedWithOtherMetadata.size() + " e.g. "
                + acceptedWithOtherMetadata.subList(0, Math.min(10, acceptedWithOtherMetadata.size())));
        assertThat(failures).isEmpty();
        assertThat(outcomes.get("refused")).as("most mutants are refused").isGreaterThan(PUBLIC_MUTANTS / 2);
        assertThat(total).isLessThan(Duration.ofSeconds(60));
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(5));

        // the real manifest still works afterwards
        Files.write(manifest, manifestBytes);
        try (BackupManager backups = f.builder().build()) {
            assertThat(backups.verify(id, VerifyMode.DEEP).ok()).isTrue();
        }
    }

    @Test
    void mutatedManifestsThroughTheCodecFailTypedInBoundedTimeAndMemory() {
        String name = original.id().value() + ".manifest.json";
        ManifestMutator mutator = new ManifestMutator(manifestBytes);
        Random random = new Random(SEED + 1);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        long slowest = 0;
        long mostAllocated = 0;
        String mostAllocatedHow = "";
        int accepted = 0;
        for (int i = 0; i < CODEC_MUTANTS; i++) {
            ManifestMutator.Mutant m = resealedHalf(mutator.mutate(random), random);
            long a0 = threads.getThreadAllocatedBytes(self);
            long c0 = System.nanoTime();
            BackupInfo info = attempt("read", m, failures, () -> ManifestCodec.read(name, m.bytes()));
            long took = System.nanoTime() - c0;
            long allocated = threads.getThreadAllocatedBytes(self) - a0;
            slowest = Math.max(slowest, took);
            if (allocated > mostAllocated) {
                mostAllocated = allocated;
                mostAllocatedHow = m.how() + " (" + m.bytes().length + " bytes)";
            }
            if (info != null) {
                accepted++;
                if (!m.how().endsWith(RESEALED) && !info.equals(original)) {
                    failures.add("accepted [" + m.how() + "] with other content and no checksum that fits it");
                }
                // whatever parses is bound to its name: the id and the artifacts' names
                assertThat(info.id()).as(m.how()).isEqualTo(original.id());
                assertThat(info.artifacts())
                        .extracting(ArtifactInfo::name)
                        .as(m.how())
                        .allMatch(n -> n.startsWith(original.id().value() + ".") && !n.contains("/"));
                for (ArtifactInfo a : info.artifacts()) {
                    if (!a.name().matches("[A-Za-z0-9._-]{1,200}")) {
                        failures.add("[" + m.how() + "] accepted artifact name " + a.name());
                    }
                }
            }
        }
        Duration total = Duration.ofNanos(System.nanoTime() - t0);
        System.out.println("codec: " + CODEC_MUTANTS + " mutants in " + total + ", slowest " + Duration.ofNanos(slowest)
                + ", most allocated " + mostAllocated / 1024 + " KiB by " + mostAllocatedHow + ", accepted "
                + accepted);
        assertThat(failures).isEmpty();
        assertThat(total).isLessThan(Duration.ofSeconds(60));
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(2));
        // inputs are up to ~1.3 MB: a bounded parser allocates a small multiple of that, never more
        assertThat(mostAllocated).as(mostAllocatedHow).isLessThan(64L << 20);
    }

    @Test
    void aManifestSwappedInFromAnotherBackupIsRefusedThroughThePublicPath() throws Exception {
        // T9: another real, intact manifest stored under this backup's name (or under a made-up id)
        MatrixFixture.State backedUp = f.state();
        f.changeState();
        MatrixFixture.State current = f.state();
        try (BackupManager backups = f.builder().build()) {
            BackupInfo other = backups.create().backup();
            byte[] otherManifest =
                    Files.readAllBytes(f.backups.resolve(other.id().value() + ".manifest.json"));
            String madeUp =
                    original.id().value().substring(0, original.id().value().length() - 4) + "ffff";
            for (String target : List.of(original.id().value(), madeUp)) {
                Files.write(f.backups.resolve(target + ".manifest.json"), otherManifest);
                assertThat(backups.list())
                        .as("every listed backup is stored under its own id")
                        .noneMatch(b -> b.id().value().equals(target));
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> backups.get(target))
                        .isInstanceOf(CorruptBackupException.class)
                        .hasMessageContaining(other.id().value());
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> backups.verify(target, VerifyMode.DEEP))
                        .isInstanceOf(CorruptBackupException.class);
                org.assertj.core.api.Assertions.assertThatThrownBy(
                                () -> backups.restore(RestoreOptions.of(target).withSafetyBackup(false)))
                        .isInstanceOf(CorruptBackupException.class);
                assertThat(f.state()).isEqualTo(current);
            }
            Files.delete(f.backups.resolve(madeUp + ".manifest.json"));
            Files.write(manifest, manifestBytes);
            backups.restore(RestoreOptions.of(original.id().value()).withSafetyBackup(false));
            assertThat(f.state()).isEqualTo(backedUp);
        }
    }

    @Test
    void hostileManifestsOfEachKindAreRefusedQuickly() {
        String name = original.id().value() + ".manifest.json";
        String text = new String(manifestBytes, java.nio.charset.StandardCharsets.UTF_8);
        Map<String, byte[]> hostile = new TreeMap<>();
        hostile.put("empty", new byte[0]);
        hostile.put("over 1 MiB", new byte[(1 << 20) + 1]);
        hostile.put("100k nested arrays", ("[".repeat(100_000) + "]".repeat(100_000)).getBytes());
        hostile.put("100k nested objects", ("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)).getBytes());
        hostile.put(
                "5000-digit size",
                text.replaceFirst("\"size\" : \\d+", "\"size\" : " + "9".repeat(5000))
                        .getBytes());
        hostile.put(
                "size 1e400",
                text.replaceFirst("\"size\" : \\d+", "\"size\" : 1e400").getBytes());
        hostile.put(
                "negative size",
                text.replaceFirst("\"size\" : \\d+", "\"size\" : -5").getBytes());
        hostile.put(
                "17 artifacts",
                text.replace("\"artifacts\" : [", "\"artifacts\" : [" + "{},".repeat(17))
                        .getBytes());
        hostile.put(
                "artifact of another backup",
                text.replace("\"name\" : \"" + original.id().value(), "\"name\" : \"backup-20000101T000000Z-0000")
                        .getBytes());
        hostile.put(
                "artifact path escape",
                text.replaceFirst(
                                "(\"name\" : \")" + original.id().value() + "\\.",
                                "$1" + original.id().value() + "./../../etc/")
                        .getBytes());
        hostile.put("NUL bytes", new byte[4096]);
        hostile.put("invalid UTF-8", new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'});
        for (Map.Entry<String, byte[]> e : hostile.entrySet()) {
            long c0 = System.nanoTime();
            try {
                ManifestCodec.read(name, e.getValue());
                throw new AssertionError(e.getKey() + " was accepted");
            } catch (CorruptBackupException | IncompatibleBackupException expected) {
                assertThat(expected.getMessage()).as(e.getKey()).contains(name);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - c0)).as(e.getKey()).isLessThan(Duration.ofSeconds(1));
        }
    }
}
