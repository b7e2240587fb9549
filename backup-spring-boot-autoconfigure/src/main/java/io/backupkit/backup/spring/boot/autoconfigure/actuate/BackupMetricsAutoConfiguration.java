package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.spring.boot.autoconfigure.BackupAutoConfiguration;
import io.backupkit.backup.spring.boot.autoconfigure.BackupStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/** Micrometer metrics of every {@link BackupManager} bean, the host's own included. */
@AutoConfiguration(after = BackupAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(BackupManager.class)
public class BackupMetricsAutoConfiguration {
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
        BackupStatus s = BackupHealthAutoConfiguration.status(status, manager);
        return registry -> Gauge.builder("backupkit.backup.last.success", s, BackupStatus::newestEpochSeconds)
                .description("Epoch seconds of the newest complete backup (alert on time() - value > 26h)")
                .baseUnit("seconds")
                .register(registry);
    }
}
