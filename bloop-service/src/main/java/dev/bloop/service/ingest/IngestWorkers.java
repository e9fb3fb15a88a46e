package dev.bloop.service.ingest;

import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The few threads that do ingest's CPU work (signature, JSON, validation, grouping), one per core by
 * default. Jetty may run a hundred request threads at once; if each did this work, the single
 * writer thread would get a hundredth of the CPU under overload, the queue would fill, and most
 * requests would be refused. With the work on a small pool, the writer keeps its share, and requests
 * beyond what the pool can queue are refused at once (429) instead of waiting in line.
 */
final class IngestWorkers implements Managed {
    private final ThreadPoolExecutor pool;
    /** Reads and parses source maps: database and megabytes of JSON, kept off the request path. */
    private final ThreadPoolExecutor loader;

    IngestWorkers(int threads, int queued) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queued),
                r -> {
                    Thread t = new Thread(r, "bloop-ingest-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.prestartAllCoreThreads();
        loader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queued),
                r -> {
                    Thread t = new Thread(r, "bloop-sourcemap-loader");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** False when the loader's queue is full. */
    boolean load(Runnable work) {
        try {
            loader.execute(work);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** False when the pool's queue is full. */
    boolean submit(Runnable work) {
        try {
            pool.execute(work);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    int queued() {
        return pool.getQueue().size();
    }

    @Override
    public void stop() throws InterruptedException {
        loader.shutdown();
        loader.awaitTermination(10, TimeUnit.SECONDS);
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
