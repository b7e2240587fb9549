package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import io.backupkit.backup.BackupException;
import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.spring.boot.autoconfigure.BackupStatus;
import io.backupkit.backup.spring.boot.autoconfigure.ScheduledBackups;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * {@code backup}: UP while the newest complete backup is younger than the maximum age, DOWN with
 * its age when older, when there is none, when the last scheduled backup failed or when the
 * storage cannot be read; UNKNOWN (with the age) when no maximum age applies. Reads {@link
 * BackupStatus}, so a probe lists the storage at most once a minute; it never throws.
 */
public final class BackupHealthIndicator implements HealthIndicator {
    private final BackupStatus status;
    private final Supplier<Optional<ScheduledBackups>> scheduled;
    private final Duration maxAge;
    private final Clock clock;

    /** {@code maxAge} {@code null}: report UNKNOWN with the newest backup's age. */
    public BackupHealthIndicator(
            BackupStatus status, Supplier<Optional<ScheduledBackups>> scheduled, Duration maxAge, Clock clock) {
        this.status = status;
        this.scheduled = scheduled;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public Health health() {
        try {
            return check();
        } catch (RuntimeException e) {
            return Health.down()
                    .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .build();
        }
    }

    private Health check() {
        BackupStatus.Snapshot snapshot = status.snapshot();
        if (snapshot.error() != null) {
            return Health.down()
                    .withDetail("error", "the backup storage cannot be read: " + snapshot.error())
                    .build();
        }
        Health.Builder health = Health.up();
        Optional<BackupInfo> newest = snapshot.newest();
        newest.ifPresent(b -> {
            health.withDetail("newest", b.id().value());
            health.withDetail("created", b.created().toString());
            health.withDetail("age", age(Duration.between(b.created(), clock.instant())));
        });
        if (maxAge != null) {
            health.withDetail("maxAge", age(maxAge));
        }
        Optional<BackupException> failed = scheduled.get().flatMap(ScheduledBackups::lastFailure);
        if (failed.isPresent()) {
            return health.down()
                    .withDetail("lastError", failed.get().getMessage())
                    .build();
        }
        if (maxAge == null) {
            return health.unknown().build();
        }
        if (newest.isEmpty()) {
            return health.down().withDetail("error", "no complete backup yet").build();
        }
        if (Duration.between(newest.get().created(), clock.instant()).compareTo(maxAge) > 0) {
            return health.down()
                    .withDetail("error", "the newest backup is older than backupkit.health.max-age")
                    .build();
        }
        return health.build();
    }

    /** A duration as people read it, e.g. {@code 26h 5m}. */
    private static String age(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        return minutes >= 60 ? (minutes / 60) + "h " + (minutes % 60) + "m" : minutes + "m";
    }
}
