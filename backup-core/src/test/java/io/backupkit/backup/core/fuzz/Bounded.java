package io.backupkit.backup.core.fuzz;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz input on a worker thread, so that a hang is reported instead of blocking the build,
 * and measures how long it took and how many bytes that thread allocated (with {@code
 * com.sun.management.ThreadMXBean}, like {@code ManifestFuzzTest} measures the codec).
 *
 * <p>{@link #check} runs an input a second time when the first run is over a limit and keeps the
 * second measurement: the first run of a code path also pays for loading, verifying and (while
 * fuzzing) instrumenting the classes it needs, which is not what the input costs. Time is the worker
 * thread's CPU time, so a loaded machine does not fail an input that does little work; a hang is
 * still caught by wall-clock time, after ten times the limit.
 */
public final class Bounded {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** What the call returned or threw, how long it took and how many bytes it allocated. */
    public record Outcome<T>(T value, Throwable thrown, Duration took, long allocated) {}

    private final Duration timeLimit;
    private final long allocationLimit;
    private ExecutorService worker = newWorker();

    /**
     * @param timeLimit what one input may take
     * @param allocationLimit bytes one input may allocate
     */
    public Bounded(Duration timeLimit, long allocationLimit) {
        this.timeLimit = timeLimit;
        this.allocationLimit = allocationLimit;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-input");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code call} within the limits; what it throws is returned in the outcome, not thrown.
     * {@code cleanUp} runs between a first run over a limit and the second one.
     *
     * @throws AssertionError when it has not ended within the time limit (the worker is then left
     *     behind, interrupted) or is over a limit twice
     */
    public <T> Outcome<T> check(Callable<T> call, Runnable cleanUp) throws InterruptedException {
        Outcome<T> first = run(call);
        if (first.took().compareTo(timeLimit) < 0 && first.allocated() < allocationLimit) {
            return first;
        }
        cleanUp.run();
        Outcome<T> second = run(call);
        if (second.took().compareTo(timeLimit) >= 0) {
            throw new AssertionError("the input took " + second.took() + " (first run " + first.took()
                    + "), over the limit of " + timeLimit);
        }
        if (second.allocated() >= allocationLimit) {
            throw new AssertionError("the input allocated " + (second.allocated() >> 10) + " KiB (first run "
                    + (first.allocated() >> 10) + " KiB), over the limit of " + (allocationLimit >> 10) + " KiB");
        }
        return second;
    }

    private <T> Outcome<T> run(Callable<T> call) throws InterruptedException {
        Future<Outcome<T>> future = worker.submit(() -> {
            long a0 = THREADS.getCurrentThreadAllocatedBytes();
            long t0 = THREADS.getCurrentThreadCpuTime();
            T value = null;
            Throwable thrown = null;
            try {
                value = call.call();
            } catch (Throwable t) {
                thrown = t;
            }
            Duration took = Duration.ofNanos(THREADS.getCurrentThreadCpuTime() - t0);
            return new Outcome<>(value, thrown, took, THREADS.getCurrentThreadAllocatedBytes() - a0);
        });
        try {
            // a hang is reported after ten times the limit in wall-clock time; a slow end within that
            // is reported by check(), in CPU time
            return future.get(timeLimit.toMillis() * 10, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            throw new AssertionError("the input was not handled within " + timeLimit.multipliedBy(10));
        } catch (ExecutionException e) {
            throw new AssertionError("the measuring wrapper failed", e.getCause());
        }
    }
}
