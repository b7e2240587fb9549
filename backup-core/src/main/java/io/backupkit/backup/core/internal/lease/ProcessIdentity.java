package io.backupkit.backup.core.internal.lease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds a lease, precisely enough to tell on the same machine that the holder is gone: host
 * name, machine id, boot id, pid namespace, pid and the process's start time. A lease whose holder
 * cannot be judged (another host, or a field unknown) is never called stale: it waits for its TTL.
 *
 * @param host the host name
 * @param machineId {@code /etc/machine-id}, or null
 * @param bootId {@code /proc/sys/kernel/random/boot_id}: differs after each boot, or null
 * @param pidNamespace the {@code /proc/self/ns/pid} link (containers on one kernel differ), or null
 * @param pid the process id
 * @param started the process's start time in epoch milliseconds (tells a reused pid), or -1
 */
record ProcessIdentity(String host, String machineId, String bootId, String pidNamespace, long pid, long started) {
    ProcessIdentity {
        Objects.requireNonNull(host, "host");
    }

    /**
     * A system property that sets the host name leases record (default: the local host name), e.g.
     * where containers on several machines share one; leases of another host name wait for their TTL.
     */
    static final String HOST_PROPERTY = "io.backupkit.lease.host";

    private static final ProcessIdentity CURRENT = probe();

    /** This process. */
    static ProcessIdentity current() {
        return CURRENT;
    }

    private static ProcessIdentity probe() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessIdentity(
                hostName(),
                read(Path.of("/etc/machine-id")),
                read(Path.of("/proc/sys/kernel/random/boot_id")),
                link(Path.of("/proc/self/ns/pid")),
                self.pid(),
                startedMillis(self));
    }

    /**
     * Why a lease held by {@code holder} is known to be stale, judged from this process; empty when
     * it is not known (the holder may be alive).
     */
    Optional<String> staleReason(ProcessIdentity holder) {
        if (!host.equals(holder.host)) {
            return Optional.empty();
        }
        if (bootId != null && holder.bootId != null && !bootId.equals(holder.bootId)) {
            // another kernel: the same machine rebooted only if the machine id says so
            boolean sameMachine = machineId != null && machineId.equals(holder.machineId);
            return sameMachine ? Optional.of("this host has restarted since") : Optional.empty();
        }
        if (bootId == null
                || holder.bootId == null
                || pidNamespace == null
                || !pidNamespace.equals(holder.pidNamespace)
                || holder.pid == pid) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(holder.pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return Optional.of("its process " + holder.pid + " has ended");
        }
        long started = startedMillis(process.get());
        if (holder.started > 0 && started > 0 && Math.abs(started - holder.started) > 2000) {
            return Optional.of("its process " + holder.pid + " has ended (the pid now belongs to another process)");
        }
        return Optional.empty();
    }

    void writeTo(ObjectNode node) {
        node.put("host", host);
        node.put("machineId", machineId);
        node.put("bootId", bootId);
        node.put("pidNamespace", pidNamespace);
        node.put("pid", pid);
        node.put("started", started);
    }

    /** The identity a lease records; empty for leases written without one. */
    static Optional<ProcessIdentity> readFrom(JsonNode node) {
        String host = node.path("host").asText(null);
        if (host == null || !node.path("pid").canConvertToLong()) {
            return Optional.empty();
        }
        return Optional.of(new ProcessIdentity(
                host,
                node.path("machineId").asText(null),
                node.path("bootId").asText(null),
                node.path("pidNamespace").asText(null),
                node.path("pid").asLong(),
                node.path("started").asLong(-1)));
    }

    private static long startedMillis(ProcessHandle process) {
        return process.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);
    }

    private static String hostName() {
        String configured = System.getProperty(HOST_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return "unknown-host";
        }
    }

    private static String read(Path file) {
        try {
            String s = Files.readString(file).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String link(Path file) {
        try {
            return Files.readSymbolicLink(file).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
