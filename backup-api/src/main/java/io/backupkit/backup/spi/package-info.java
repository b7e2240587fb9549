/**
 * SPI: what storage, database and encryption providers implement, and the registry that finds them
 * with {@link java.util.ServiceLoader}.
 *
 * <p>A provider is a small class with a public no-arg constructor, registered in {@code
 * META-INF/services/<interface name>}, with a short lowercase {@code id()}. It creates the
 * configured service from options. Every provider reports the {@link SpiVersion} it was built
 * against; the registry refuses providers of another major version.
 *
 * <p>Contract tests every provider must pass live in the {@code backup-tck} module.
 */
package io.backupkit.backup.spi;
