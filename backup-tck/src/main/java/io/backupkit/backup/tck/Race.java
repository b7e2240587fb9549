package io.backupkit.backup.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs a task on several threads released at the same moment, for single-winner (lease) tests. */
public final class Race {
    /** One thread's work; {@code i} is the thread's index. */
    @FunctionalInterface
    public interface Task<T> {
        T run(int i) throws Exception;
    }

    private Race() {}

    /** Runs {@code task} on {@code n} threads released at once; results by thread index. */
    public static <T> List<T> run(int n, Task<T> task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> call = () -> {
                    start.await(30, TimeUnit.SECONDS);
                    return task.run(index);
                };
                futures.add(pool.submit(call));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(90, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
