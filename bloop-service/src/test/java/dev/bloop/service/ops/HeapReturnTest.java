package dev.bloop.service.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the heap is handed back: only after a backlog, once the queues have stayed empty, at most once a minute. */
class HeapReturnTest {
    private final AtomicInteger events = new AtomicInteger();
    private final AtomicInteger traces = new AtomicInteger();
    private final AtomicInteger collections = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final HeapReturn heap = new HeapReturn(collections::incrementAndGet, now::get);

    HeapReturnTest() {
        heap.watch(events::get, 1_000);
        heap.watch(traces::get, 100);
    }

    private void checks(int n) {
        for (int i = 0; i < n; i++) {
            heap.check();
            now.addAndGet(1_000);
        }
    }

    @Test
    void quietQueuesThatNeverBackedUpAreLeftAlone() {
        events.set(200);
        checks(3);
        events.set(0);
        checks(100);
        assertThat(collections).hasValue(0);
    }

    @Test
    void aDrainedBacklogIsCollectedOnceAfterTheQueuesStayedDrained() {
        traces.set(30);
        checks(1);
        traces.set(0);
        events.set(150);
        checks(20);
        assertThat(collections).as("events still queued").hasValue(0);
        events.set(50);
        checks(HeapReturn.QUIET_CHECKS - 1);
        assertThat(collections).as("not quiet long enough").hasValue(0);
        checks(1);
        assertThat(collections).hasValue(1);
        checks(200);
        assertThat(collections).as("one backlog, one collection").hasValue(1);
    }

    @Test
    void backlogsInQuickSuccessionAreCollectedAtMostOnceAMinute() {
        events.set(250);
        checks(1);
        events.set(0);
        checks(HeapReturn.QUIET_CHECKS);
        assertThat(collections).hasValue(1);
        events.set(900);
        checks(1);
        events.set(0);
        checks(HeapReturn.QUIET_CHECKS);
        assertThat(collections).as("a minute has not passed").hasValue(1);
        checks((int) (HeapReturn.MIN_INTERVAL_MS / 1_000));
        assertThat(collections).hasValue(2);
    }

    @Test
    void theRealCollectionPutsTheFreeRatiosBack() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String min = vm.getVMOption("MinHeapFreeRatio").getValue();
        String max = vm.getVMOption("MaxHeapFreeRatio").getValue();
        HeapReturn.collectWithLowFreeRatios();
        assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(min);
        assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(max);
    }
}
