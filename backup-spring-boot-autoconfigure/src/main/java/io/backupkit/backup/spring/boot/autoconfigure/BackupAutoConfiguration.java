package io.backupkit.backup.spring.boot.autoconfigure;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.flyway.BackupBeforeMigrate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * backupkit in a Spring Boot application: a {@link BackupManager} from {@code backupkit.*} and the
 * application's {@link DataSource}, the pre-upgrade backup before Flyway migrates, and the daily
 * scheduler when {@code backupkit.schedule.enabled=true}.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class, before = FlywayAutoConfiguration.class)
@ConditionalOnClass(BackupManager.class)
@ConditionalOnProperty(prefix = "backupkit", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BackupProperties.class)
public class BackupAutoConfiguration {

    /** Built from the properties; the host's own {@link BackupManager} bean replaces it. */
    @Bean
    @ConditionalOnMissingBean
    public BackupManager backupManager(
            BackupProperties properties,
            ObjectProvider<DataSource> dataSource,
            ObjectProvider<BackupListener> listeners,
            ObjectProvider<BuildProperties> buildProperties,
            Environment environment) {
        BackupProperties.HostApplication host = properties.getHostApplication();
        String name = host.getName() != null ? host.getName() : environment.getProperty("spring.application.name");
        String version = host.getVersion();
        if (version == null) {
            BuildProperties build = buildProperties.getIfAvailable();
            version = build == null ? null : build.getVersion();
        }
        return BackupManagerFactory.create(
                properties,
                dataSource.getIfUnique(),
                name,
                version,
                listeners.orderedStream().toList(),
                BackupAutoConfiguration.class.getClassLoader());
    }

    /** The newest backup, cached, for the health indicator and the metrics. */
    @Bean
    @ConditionalOnMissingBean
    public BackupStatus backupStatus(ObjectProvider<BackupManager> manager) {
        return new BackupStatus(manager::getObject, Clock.systemUTC());
    }

    /** The daily backup, started and stopped with the context. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "backupkit.schedule", name = "enabled", havingValue = "true")
    public ScheduledBackups scheduledBackups(BackupManager manager, BackupProperties properties) {
        return new ScheduledBackups(
                manager,
                ScheduleFactory.create(properties),
                properties.getSchedule().getShutdownTimeout());
    }

    /** A {@code pre-upgrade} backup before Flyway runs pending migrations; none on a fresh install. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Flyway.class, BackupBeforeMigrate.class, FlywayConfigurationCustomizer.class})
    @ConditionalOnProperty(prefix = "backupkit", name = "pre-upgrade-backup", matchIfMissing = true)
    static class FlywayPreUpgradeBackup {
        @Bean
        FlywayConfigurationCustomizer backupBeforeMigrateCustomizer(ObjectProvider<BackupManager> manager) {
            return configuration -> {
                List<Callback> callbacks = new ArrayList<>(Arrays.asList(configuration.getCallbacks()));
                callbacks.add(new BackupBeforeMigrate(manager.getObject()));
                configuration.callbacks(callbacks.toArray(Callback[]::new));
            };
        }
    }
}
