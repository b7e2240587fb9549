package io.backupkit.backup.spring.boot.autoconfigure.actuate;

import io.backupkit.backup.BackupManager;
import io.backupkit.backup.spring.boot.autoconfigure.BackupAutoConfiguration;
import io.backupkit.backup.spring.boot.autoconfigure.BackupProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code backups} endpoint, where the host exposes it. */
@AutoConfiguration(after = BackupAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(BackupManager.class)
@ConditionalOnAvailableEndpoint(endpoint = BackupsEndpoint.class)
public class BackupEndpointAutoConfiguration {
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
