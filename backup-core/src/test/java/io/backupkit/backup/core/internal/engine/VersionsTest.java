package io.backupkit.backup.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Host versions in semver-like order: a pre-release below its release. */
class VersionsTest {
    @Test
    void aPreReleaseIsBelowItsRelease() {
        assertThat(Versions.isNewer("3.0.0", "3.0.0-rc1")).isTrue();
        assertThat(Versions.isNewer("3.0.0-rc1", "3.0.0")).isFalse();
        assertThat(Versions.isNewer("3.0.0-rc2", "3.0.0-rc1")).isTrue();
        assertThat(Versions.isNewer("3.0.0-rc10", "3.0.0-rc9")).isTrue();
        assertThat(Versions.isNewer("3.0.0-beta", "3.0.0-alpha.2")).isTrue();
        assertThat(Versions.isNewer("3.0.0-rc.1.1", "3.0.0-rc.1")).isTrue();
        assertThat(Versions.isNewer("3.0.1-rc1", "3.0.0")).isTrue();
    }

    @Test
    void numericPartsBuildMetadataAndPrefixes() {
        assertThat(Versions.isNewer("2.10.0", "2.9.9")).isTrue();
        assertThat(Versions.isNewer("2.4", "2.4.0")).isFalse();
        assertThat(Versions.isNewer("2.4.0", "2.4")).isFalse();
        assertThat(Versions.compare("1.0.0+build7", "1.0.0")).hasValue(0);
        assertThat(Versions.compare("v1.2.0", "1.2.0")).hasValue(0);
    }

    @Test
    void unknownOrNonVersionsAreNotComparable() {
        assertThat(Versions.compare(null, "1.0")).isEmpty();
        assertThat(Versions.compare("1.0", " ")).isEmpty();
        assertThat(Versions.compare("trunk", "1.0")).isEmpty();
        assertThat(Versions.isNewer("trunk", "1.0")).isFalse();
    }
}
