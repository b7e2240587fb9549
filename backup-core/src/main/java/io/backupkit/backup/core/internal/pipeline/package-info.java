/** Internal: the streams of the create and restore pipelines (compression, digests, progress). */
package io.backupkit.backup.core.internal.pipeline;
