package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.spring.boot.autoconfigure.BackupAutoConfiguration;
import io.backupkit.backup.spring.boot.autoconfigure.BackupProperties;
import io.backupkit.backup.spring.boot.autoconfigure.BackupStatus;
import io.backupkit.backup.spring.boot.autoconfigure.ScheduledBackups;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code backup} health indicator. */
@AutoConfiguration(after = BackupAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(BackupManager.class)
@ConditionalOnEnabledHealthIndicator("backup")
public class BackupHealthAutoConfiguration {
    /** With the schedule on and no maximum age set, a missed day and two hours are allowed. */
    static final Duration SCHEDULED_MAX_AGE = Duration.ofHours(26);

    @Bean
    @ConditionalOnMissingBean(name = "backupHealthIndicator")
    BackupHealthIndicator backupHealthIndicator(
            ObjectProvider<BackupStatus> status,
            ObjectProvider<BackupManager> manager,
            ObjectProvider<ScheduledBackups> scheduled,
            ObjectProvider<BackupProperties> properties) {
        BackupProperties p = properties.getIfAvailable(BackupProperties::new);
        Duration maxAge = p.getHealth().getMaxAge();
        if (maxAge == null && p.getSchedule().isEnabled()) {
            maxAge = SCHEDULED_MAX_AGE;
        }
        return new BackupHealthIndicator(
                status(status, manager),
                () -> Optional.ofNullable(scheduled.getIfAvailable()),
                maxAge,
                Clock.systemUTC());
    }

    /** The auto-configured status, or one of its own when the host built everything itself. */
    static BackupStatus status(ObjectProvider<BackupStatus> status, ObjectProvider<BackupManager> manager) {
        return status.getIfAvailable(() -> new BackupStatus(manager::getObject, Clock.systemUTC()));
    }
}
