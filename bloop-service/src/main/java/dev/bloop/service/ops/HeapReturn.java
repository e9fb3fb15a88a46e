package dev.bloop.service.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.bloop.service.pipeline.BoundedQueue;
import io.dropwizard.lifecycle.Managed;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap a flood grew back to the system once the flood is over.
 *
 * <p>The serial collector sizes the old generation at a full collection to what is live at that moment
 * plus {@code MinHeapFreeRatio}, and shrinks it only at a full collection that finds more than
 * {@code MaxHeapFreeRatio} (70 %) of it free. A flood (a deploy gone wrong, a cold start in front of a
 * queue of retries) grows the heap while the ingest queues are full, and nothing later shrinks it: tens
 * of MB of RSS kept for the life of the process, on a box sized for bloop's quiet days. So once a
 * watched queue has been at least a quarter full and every watched queue has then stayed drained (at
 * most 10 % full) for {@link #QUIET_CHECKS} checks a second apart, one full collection runs with the
 * free ratios lowered for its duration: the heap shrinks to what is live plus a fifth. At most once a minute, on its own thread,
 * never while a backlog remains; the cost is one full collection of a heap of some tens of MB.
 * {@code bin/bloop} runs the JVM with {@code -XX:-ShrinkHeapInSteps}, without which that collection would
 * shrink nothing (the collector damps the first shrink to 0 %).
 */
public final class HeapReturn implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(HeapReturn.class);
    static final double BACKLOG = 0.25;
    /**
     * Under steady load a queue is rarely empty at the instant it is looked at: the LLM queue holds up
     * to a flush's worth (200 of 4,096) plus what arrives during the commit.
     */
    static final double DRAINED = 0.10;
    /**
     * Two seconds: a full heap left committed after the flood is touched again by the load that follows
     * (bench/llm.sh: RSS rose 38 MB in the five seconds the earlier five checks took, then fell).
     */
    static final int QUIET_CHECKS = 2;
    static final long MIN_INTERVAL_MS = 60_000;
    private static final String MIN_FREE = "MinHeapFreeRatio";
    private static final String MAX_FREE = "MaxHeapFreeRatio";

    /** A watched queue: its depth now, and its capacity. */
    record Watched(IntSupplier depth, int capacity) {
    }

    private final List<Watched> queues = new CopyOnWriteArrayList<>();
    private final Runnable collect;
    private final LongSupplier clock;
    private ScheduledExecutorService timer;
    private boolean backlog;
    private int quiet;
    private long lastReturn = Long.MIN_VALUE / 2;
    private int returns;

    public HeapReturn() {
        this(HeapReturn::collectWithLowFreeRatios, System::currentTimeMillis);
    }

    HeapReturn(Runnable collect, LongSupplier clock) {
        this.collect = collect;
        this.clock = clock;
    }

    /** A queue whose backlog grows the heap: the event queue, a module's trace queue. */
    public void watch(BoundedQueue<?> queue) {
        watch(queue::depth, queue.capacity());
    }

    void watch(IntSupplier depth, int capacity) {
        queues.add(new Watched(depth, capacity));
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bloop-heap-return");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.warn("Returning heap after a backlog failed: {}", e.toString());
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One look at the queues; collects when a backlog has drained. */
    synchronized void check() {
        boolean drained = true;
        for (Watched q : queues) {
            int depth = q.depth().getAsInt();
            if (depth >= BACKLOG * q.capacity()) {
                backlog = true;
            }
            drained &= depth <= DRAINED * q.capacity();
        }
        quiet = drained ? quiet + 1 : 0;
        long now = clock.getAsLong();
        if (backlog && quiet >= QUIET_CHECKS && now - lastReturn >= MIN_INTERVAL_MS) {
            backlog = false;
            quiet = 0;
            lastReturn = now;
            returns++;
            collect.run();
        }
    }

    /** How many times the heap was collected to give memory back (for tests and /metrics readers). */
    synchronized int returns() {
        return returns;
    }

    static void collectWithLowFreeRatios() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String min = vm.getVMOption(MIN_FREE).getValue();
        String max = vm.getVMOption(MAX_FREE).getValue();
        long before = committed();
        try {
            // Lowered min first and restored max first: the JVM refuses a min above the max at every step.
            vm.setVMOption(MIN_FREE, "10");
            vm.setVMOption(MAX_FREE, "20");
            System.gc();
        } finally {
            vm.setVMOption(MAX_FREE, max);
            vm.setVMOption(MIN_FREE, min);
        }
        LOG.info("A backlog drained: heap committed {} MB -> {} MB", before >> 20, committed() >> 20);
    }

    private static long committed() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getCommitted();
    }
}
