package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.spring.boot.autoconfigure.BackupAutoConfiguration;
import io.backupkit.backup.spring.boot.autoconfigure.BackupProperties;
import io.backupkit.backup.spring.boot.autoconfigure.BackupStatus;
import io.backupkit.backup.spring.boot.autoconfigure.ScheduledBackups;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Actuator side: the {@code backups} endpoint, the {@code backup} health indicator and the
 * Micrometer metrics, each when its part of Actuator/Micrometer is on the class path.
 */
@AutoConfiguration(after = BackupAutoConfiguration.class)
@ConditionalOnBean(BackupManager.class)
public class BackupActuatorAutoConfiguration {
    /** When the schedule is on and no maximum age is set, the health indicator allows a missed day and two hours. */
    static final Duration SCHEDULED_MAX_AGE = Duration.ofHours(26);

    /** The auto-configured status, or one of its own when the host built everything itself. */
    static BackupStatus status(ObjectProvider<BackupStatus> status, ObjectProvider<BackupManager> manager) {
        return status.getIfAvailable(() -> new BackupStatus(manager::getObject, Clock.systemUTC()));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = BackupsEndpoint.class)
    static class EndpointConfiguration {
        @Bean
        @ConditionalOnMissingBean
        BackupsEndpoint backupsEndpoint(BackupManager manager, ObjectProvider<BackupProperties> properties) {
            BackupProperties p = properties.getIfAvailable(BackupProperties::new);
            return new BackupsEndpoint(manager, p.getEndpoint().isRestoreEnabled());
        }

        @Bean
        @ConditionalOnMissingBean
        BackupsWebEndpointExtension backupsWebEndpointExtension(BackupsEndpoint endpoint) {
            return new BackupsWebEndpointExtension(endpoint);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("backup")
    static class HealthConfiguration {
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
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MetricsConfiguration {
        /** Measures every {@link BackupManager} bean, the host's own included. */
        @Bean
        static BeanPostProcessor backupManagerMetricsPostProcessor(ObjectProvider<MeterRegistry> registry) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
                    if (bean instanceof BackupManager manager && !(bean instanceof MeteredBackupManager)) {
                        MeterRegistry r = registry.getIfAvailable();
                        return r == null ? bean : new MeteredBackupManager(manager, r);
                    }
                    return bean;
                }
            };
        }

        @Bean
        MeterBinder backupLastSuccessGauge(ObjectProvider<BackupStatus> status, ObjectProvider<BackupManager> manager) {
            BackupStatus s = status(status, manager);
            return registry -> Gauge.builder("backupkit.backup.last.success", s, BackupStatus::newestEpochSeconds)
                    .description("Epoch seconds of the newest complete backup (alert on time() - value > 26h)")
                    .baseUnit("seconds")
                    .register(registry);
        }
    }
}
