/**
 * Internal: the {@code h2} database dumper ({@link io.backupkit.backup.core.h2.H2DumperProvider}),
 * which backs up an H2 2.x database with its built-in {@code SCRIPT} command over plain JDBC. H2 is an
 * optional dependency: nothing here refers to H2 classes. Not API; reached through {@link
 * java.util.ServiceLoader}.
 */
package io.backupkit.backup.core.h2;
