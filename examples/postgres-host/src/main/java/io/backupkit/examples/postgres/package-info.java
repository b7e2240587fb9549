/** The reference host application: how a PostgreSQL application embeds backupkit. */
package io.backupkit.examples.postgres;
