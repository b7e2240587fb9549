package io.backupkit.backup.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.backup.BackupInfo;
import io.backupkit.backup.BackupManager;
import io.backupkit.backup.BackupScheduler;
import io.backupkit.backup.CreateOptions;
import io.backupkit.backup.CreateResult;
import io.backupkit.backup.spring.boot.autoconfigure.actuate.BackupEndpointAutoConfiguration;
import io.backupkit.backup.spring.boot.autoconfigure.actuate.BackupHealthAutoConfiguration;
import io.backupkit.backup.spring.boot.autoconfigure.actuate.BackupMetricsAutoConfiguration;
import io.backupkit.backup.spring.boot.autoconfigure.actuate.MeteredBackupManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The auto-configuration's beans per condition, its binding and its start-up failures, on H2 and real folders. */
class BackupAutoConfigurationTest {
    @TempDir
    Path tmp;

    private ApplicationContextRunner runner() throws IOException {
        Files.createDirectories(tmp.resolve("media"));
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        FlywayAutoConfiguration.class,
                        BackupAutoConfiguration.class))
                .withPropertyValues(
                        "spring.datasource.url=jdbc:h2:" + tmp.resolve("db/app") + ";DB_CLOSE_DELAY=-1",
                        "spring.flyway.locations=classpath:db/v1",
                        "backupkit.dir=" + tmp.resolve("backups"),
                        "backupkit.media-dir=" + tmp.resolve("media"));
    }

    @Test
    void managerFromTheApplicationsDataSourceBacksUpTheDatabaseAndMedia() throws Exception {
        ApplicationContextRunner runner = runner();
        Files.writeString(tmp.resolve("media/a.txt"), "hello");
        runner.withPropertyValues("spring.application.name=shop", "backupkit.host-application.version=2.4.0")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(BackupManager.class);
                    assertThat(context).doesNotHaveBean(ScheduledBackups.class);
                    CreateResult made = context.getBean(BackupManager.class).create();
                    BackupInfo b = made.backup();
                    assertThat(b.database()).isNotNull();
                    assertThat(b.database().dumper()).isEqualTo("h2");
                    assertThat(b.media().fileCount()).isEqualTo(1);
                    assertThat(b.host().application()).isEqualTo("shop");
                    assertThat(b.host().version()).isEqualTo("2.4.0");
                    assertThat(b.labels()).containsExactly(CreateOptions.MANUAL);
                });
    }

    @Test
    void keepAsideDaysSetHowLongPruneLeavesWhatARestoreKeptAside() throws IOException {
        runner().run(context -> assertThat(
                        context.getBean(BackupManager.class).settings().keepAsideFor())
                .isEqualTo(java.time.Duration.ofDays(7)));
        runner().withPropertyValues("backupkit.keep-aside-days=2").run(context -> assertThat(
                        context.getBean(BackupManager.class).settings().keepAsideFor())
                .isEqualTo(java.time.Duration.ofDays(2)));
        runner().withPropertyValues("backupkit.keep-aside-days=-1").run(context -> assertThat(context)
                .hasFailed()
                .getFailure()
                .hasStackTraceContaining("BACKUP_KEEP_ASIDE_DAYS must be a whole number of days"));
        assertThat(BackupFailureAnalyzer.property("BACKUP_KEEP_ASIDE_DAYS")).isEqualTo("backupkit.keep-aside-days");
        assertThat(BackupFailureAnalyzer.property("backup_format")).isEqualTo("backupkit.format");
    }

    @Test
    void withoutADataSourceBackupsAreMediaOnly() throws IOException {
        Files.createDirectories(tmp.resolve("media"));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BackupAutoConfiguration.class))
                .withPropertyValues(
                        "backupkit.dir=" + tmp.resolve("backups"), "backupkit.media-dir=" + tmp.resolve("media"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(BackupManager.class);
                    assertThat(context.getBean(BackupManager.class).settings().databaseUrl())
                            .isNull();
                    assertThat(context.getBean(BackupManager.class).settings().dataSource())
                            .isNull();
                    assertThat(context.getBean(BackupManager.class)
                                    .create()
                                    .backup()
                                    .database())
                            .isNull();
                });
    }

    @Test
    void withoutMicrometerTheManagerIsNotMetered() throws IOException {
        runner().withConfiguration(AutoConfigurations.of(BackupMetricsAutoConfiguration.class))
                .withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
                .run(context ->
                        assertThat(context.getBean(BackupManager.class)).isInstanceOf(MeteredBackupManager.class));
        runner().withConfiguration(AutoConfigurations.of(BackupMetricsAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(BackupManager.class);
                    assertThat(context.getBean(BackupManager.class)).isNotInstanceOf(MeteredBackupManager.class);
                });
    }

    @Test
    void theActuatorAutoConfigurationsAreSkippedBeforeTheirClassesAreReadWhenActuatorIsMissing() throws IOException {
        // Spring Boot filters auto-configurations on this metadata before it reads them, so a host
        // without Actuator or Micrometer never meets their conditions' classes
        java.util.Properties metadata = new java.util.Properties();
        try (var in = getClass().getResourceAsStream("/META-INF/spring-autoconfigure-metadata.properties")) {
            assertThat(in).isNotNull();
            metadata.load(in);
        }
        assertThat(metadata.getProperty(BackupEndpointAutoConfiguration.class.getName() + ".ConditionalOnClass"))
                .isEqualTo("org.springframework.boot.actuate.endpoint.annotation.Endpoint");
        assertThat(metadata.getProperty(BackupHealthAutoConfiguration.class.getName() + ".ConditionalOnClass"))
                .isEqualTo("org.springframework.boot.actuate.health.HealthIndicator");
        assertThat(metadata.getProperty(BackupMetricsAutoConfiguration.class.getName() + ".ConditionalOnClass"))
                .isEqualTo("io.micrometer.core.instrument.MeterRegistry");
    }

    @Test
    void switchedOffThereIsNoManager() throws IOException {
        runner().withPropertyValues("backupkit.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BackupManager.class));
    }

    @Test
    void theHostsOwnManagerWins() throws IOException {
        runner().withUserConfiguration(HostManager.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(BackupManager.class);
            assertThat(context.getBean(BackupManager.class).settings().name()).isEqualTo("host-made");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class HostManager {
        @Bean
        BackupManager hostManager() {
            return BackupManager.builder()
                    .name("host-made")
                    .storage("memory", "host-made", Map.of())
                    .build();
        }
    }

    @Test
    void scheduleOnStartsTheSchedulerWithTheContextAndBacksUp() throws IOException {
        runner().withPropertyValues(
                        "backupkit.schedule.enabled=true", // any time: no window, so the first check backs up
                        "backupkit.retention.keep-last=3")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ScheduledBackups.class);
                    ScheduledBackups scheduled = context.getBean(ScheduledBackups.class);
                    assertThat(scheduled.isRunning()).isTrue();
                    assertThat(scheduled.schedule().retention().keepLast()).isEqualTo(3);
                    BackupManager manager = context.getBean(BackupManager.class);
                    // the first check runs at start; a backup made by it (or this one, if it was busy) is then due no
                    // more
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    while (manager.list().isEmpty() && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    assertThat(manager.list()).hasSize(1);
                    assertThat(manager.list().get(0).labels()).containsExactly(CreateOptions.DAILY);
                    assertThat(scheduled.runOnce()).isEqualTo(BackupScheduler.Outcome.NOT_DUE);
                });
    }

    @Test
    void flywayGetsThePreUpgradeBackupNoneOnAFreshInstall() throws IOException {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasBean("backupBeforeMigrateCustomizer");
            assertThat(context.getBean(BackupManager.class).list()).isEmpty(); // fresh install: migrated, no backup
        });
        runner().withPropertyValues("spring.flyway.locations=classpath:db/v1,classpath:db/v2")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    List<BackupInfo> backups =
                            context.getBean(BackupManager.class).list();
                    assertThat(backups).hasSize(1);
                    assertThat(backups.get(0).labels()).containsExactly(CreateOptions.PRE_UPGRADE);
                });
    }

    @Test
    void noPreUpgradeBackupWhenSwitchedOffOrWithoutFlyway() throws IOException {
        runner().withPropertyValues("backupkit.pre-upgrade-backup=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("backupBeforeMigrateCustomizer"));
        runner().withClassLoader(new FilteredClassLoader(Flyway.class)).run(context -> assertThat(context)
                .hasNotFailed()
                .hasSingleBean(BackupManager.class)
                .doesNotHaveBean("backupBeforeMigrateCustomizer"));
    }

    @Test
    void optionsBindRelaxedAndReachTheProvider() throws IOException {
        assertThat(BackupManagerFactory.options(Map.of("path-style", "true", "max.attempts", "3", "BUCKET", "b")))
                .containsEntry("path_style", "true")
                .containsEntry("max_attempts", "3")
                .containsEntry("bucket", "b");
        // BACKUPKIT_OPTIONS_PERMISSIONS as the environment gives it
        runner().withPropertyValues("backupkit.options.permissions=rw-r-----")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(BackupManager.class));
    }

    @Test
    void theEnvironmentVariablesBindRelaxed() throws IOException {
        Files.createDirectories(tmp.resolve("media"));
        Map<String, Object> env = Map.of(
                "BACKUPKIT_DIR", tmp.resolve("env-backups").toString(),
                "BACKUPKIT_STORAGE", "filesystem",
                "BACKUPKIT_OPTIONS_PERMISSIONS", "rw-r-----",
                "BACKUPKIT_SCHEDULE_ENABLED", "true",
                "BACKUPKIT_SCHEDULE_WINDOW", "02:00-03:00",
                "BACKUPKIT_HOSTAPPLICATION_NAME", "env-shop");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BackupAutoConfiguration.class))
                .withInitializer(c -> c.getEnvironment()
                        .getPropertySources()
                        .addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", env)))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackupProperties p = context.getBean(BackupProperties.class);
                    assertThat(p.getDir()).isEqualTo(tmp.resolve("env-backups").toString());
                    assertThat(BackupManagerFactory.options(p.getOptions()))
                            .as("%s", p.getOptions())
                            .containsEntry("permissions", "rw-r-----");
                    assertThat(p.getHostApplication().getName()).isEqualTo("env-shop");
                    assertThat(context.getBean(ScheduledBackups.class)
                                    .schedule()
                                    .windowStart())
                            .isEqualTo(java.time.LocalTime.of(2, 0));
                    assertThat(context.getBean(BackupManager.class).settings().storageLocation())
                            .contains("env-backups");
                });
    }

    @Test
    void theConfigurationProcessorDescribesTheProperties() throws IOException {
        try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(metadata)
                    .contains("\"backupkit.dir\"", "\"backupkit.storage\"", "\"backupkit.schedule.window\"")
                    .contains("\"backupkit.retention.keep-daily\"", "\"backupkit.pre-upgrade-backup\"")
                    .contains("\"backupkit.endpoint.restore-enabled\"", "\"backupkit.health.max-age\"");
        }
    }

    @Test
    void aPassphraseFileEncryptsTheBackups() throws IOException {
        Path passphrase = Files.writeString(tmp.resolve("passphrase"), "correct horse battery staple\n");
        runner().withPropertyValues("backupkit.encryption.passphrase-file=" + passphrase)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BackupInfo b = context.getBean(BackupManager.class).create().backup();
                    assertThat(b.encrypted()).isTrue();
                    assertThat(context.getBean(BackupManager.class)
                                    .verify(b.id(), io.backupkit.backup.VerifyMode.DEEP)
                                    .ok())
                            .isTrue();
                });
        runner().withPropertyValues("backupkit.encryption.passphrase-file=" + tmp.resolve("missing"))
                .run(context -> assertThat(analysis(context.getStartupFailure()).getDescription())
                        .contains("backupkit.encryption.passphrase-file"));
    }

    @Test
    void aMissingDirFailsTheStartNamingTheProperty() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BackupAutoConfiguration.class))
                .run(context -> assertThat(analysis(context.getStartupFailure()).getDescription())
                        .contains("backupkit.dir is not set"));
    }

    @Test
    void anUnknownStorageFailsTheStartNamingTheProperty() throws IOException {
        runner().withPropertyValues("backupkit.storage=nope").run(context -> {
            FailureAnalysis a = analysis(context.getStartupFailure());
            assertThat(a.getDescription())
                    .contains("unknown storage 'nope'")
                    .contains("(backupkit.storage)")
                    .contains("[property: backupkit.storage]");
            assertThat(a.getAction()).contains("backupkit.storage").contains("BACKUPKIT_STORAGE");
        });
    }

    @Test
    void aMalformedOptionFailsTheStartNamingTheProperty() throws IOException {
        runner().withPropertyValues("backupkit.options.permissions=rwx").run(context -> {
            FailureAnalysis a = analysis(context.getStartupFailure());
            assertThat(a.getDescription()).contains("[property: backupkit.options.permissions]");
        });
    }

    @Test
    void aBadScheduleWindowFailsTheStartNamingTheProperty() throws IOException {
        runner().withPropertyValues("backupkit.schedule.enabled=true", "backupkit.schedule.window=1am-5am")
                .run(context -> assertThat(analysis(context.getStartupFailure()).getDescription())
                        .contains("[property: backupkit.schedule.window]"));
    }

    @Test
    void aRelativeFolderFailsTheStart() throws IOException {
        runner().withPropertyValues("backupkit.dir=backups")
                .run(context -> assertThat(analysis(context.getStartupFailure()).getDescription())
                        .contains("backupkit.dir must be an absolute folder"));
    }

    private static FailureAnalysis analysis(Throwable failure) {
        assertThat(failure).isNotNull();
        FailureAnalysis a = new BackupFailureAnalyzer().analyze(failure);
        assertThat(a).as("analysis of %s", failure).isNotNull();
        return a;
    }
}
