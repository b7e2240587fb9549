/** API: the {@code backups} Actuator endpoint, the {@code backup} health indicator and Micrometer metrics. */
package io.backupkit.backup.spring.boot.autoconfigure.actuate;
