package io.backupkit.backup.cli;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.Phase;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Turns {@link BackupListener} events into one progress bar (bytes, rate, active phases) on a
 * terminal, and warnings into {@code backup: warning:} lines unless quiet. Phases may run
 * concurrently (dump and media archive); the bar shows their bytes summed.
 */
final class ProgressListener implements BackupListener, AutoCloseable {
    private final PrintWriter err;
    private final PrintStream barStream;
    private final boolean quiet;
    private final Map<Phase, Long> done = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> expected = new EnumMap<>(Phase.class);
    private final Set<Phase> active = new LinkedHashSet<>();
    private long completed;
    private ProgressBar bar;

    /**
     * @param err where warnings go
     * @param barStream where the bar is drawn, or {@code null} for no bar
     * @param quiet whether warnings are dropped
     */
    ProgressListener(PrintWriter err, PrintStream barStream, boolean quiet) {
        this.err = err;
        this.barStream = barStream;
        this.quiet = quiet;
    }

    ProgressListener(PrintWriter err, boolean showBar, boolean quiet) {
        this(err, showBar ? System.err : null, quiet);
    }

    @Override
    public synchronized void phaseStarted(Phase phase, long expectedBytes) {
        if (active.contains(phase)) {
            completed += done.getOrDefault(phase, 0L);
        }
        active.add(phase);
        done.put(phase, 0L);
        expected.put(phase, expectedBytes);
        render();
    }

    @Override
    public synchronized void phaseSized(Phase phase, long expectedBytes) {
        if (active.contains(phase)) {
            expected.put(phase, expectedBytes);
            render();
        }
    }

    @Override
    public synchronized void progress(Phase phase, long bytesDone) {
        done.put(phase, bytesDone);
        render();
    }

    @Override
    public synchronized void phaseFinished(Phase phase) {
        if (active.remove(phase)) {
            completed += done.getOrDefault(phase, 0L);
            done.put(phase, 0L);
        }
        render();
    }

    @Override
    public void warning(String message) {
        if (!quiet) {
            synchronized (this) {
                err.println("backup: warning: " + BackupCli.oneLine(message));
                err.flush();
            }
        }
    }

    /**
     * What the engine reports to: this listener when it draws a bar, else one that takes only the
     * warnings, so that the engine does not size phases nobody sees.
     */
    BackupListener forEngine() {
        if (barStream != null) {
            return this;
        }
        return new BackupListener() {
            @Override
            public void warning(String message) {
                ProgressListener.this.warning(message);
            }
        };
    }

    /** Bytes processed so far over all phases. */
    synchronized long totalBytes() {
        long sum = completed;
        for (Phase p : active) {
            sum += done.getOrDefault(p, 0L);
        }
        return sum;
    }

    /** The phases running now, as the bar names them. */
    synchronized String activePhases() {
        return active.stream()
                .map(p -> p.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .collect(Collectors.joining(" + "));
    }

    private void render() {
        if (barStream == null) {
            return;
        }
        if (bar == null) {
            ConsoleProgressBarConsumer consumer = new ConsoleProgressBarConsumer(barStream);
            // opens the JLine terminal now (it sets its own SIGINT handler), so that ours can be put back
            consumer.getMaxRenderedLength();
            Signals.reinstall();
            bar = new ProgressBarBuilder()
                    .setTaskName("backup")
                    .setInitialMax(-1)
                    .setUnit("MiB", 1 << 20)
                    .showSpeed()
                    .setUpdateIntervalMillis(250)
                    .setConsumer(consumer)
                    .build();
        }
        long max = completed;
        for (Phase p : active) {
            long e = expected.getOrDefault(p, -1L);
            if (e < 0) {
                max = -1;
                break;
            }
            max += e;
        }
        long total = totalBytes();
        bar.maxHint(max < 0 || max < total ? -1 : max);
        bar.stepTo(total);
        bar.setExtraMessage(" " + activePhases());
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
