package dev.bloop.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingEventsTest {
    private static byte[] e(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> text(List<byte[]> batch) {
        return batch.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsIt() {
        PendingEvents q = new PendingEvents(3);
        for (String s : List.of("1", "2", "3", "4", "5")) {
            q.add(e(s), 50);
        }
        assertThat(q.dropped()).isEqualTo(2);
        assertThat(text(q.take(50, 1000))).containsExactly("3", "4", "5");
    }

    @Test
    void batchesRespectTheByteBudget() {
        PendingEvents q = new PendingEvents(10);
        q.add(e("x".repeat(40)), 50);
        q.add(e("y".repeat(40)), 50);
        q.add(e("z"), 50);
        assertThat(text(q.take(50, 60))).hasSize(1);
        assertThat(text(q.take(50, 60))).containsExactly("y".repeat(40), "z");
    }

    @Test
    void aRetriedBatchGoesBackInFrontAndOverflowDropsTheOldest() {
        PendingEvents q = new PendingEvents(3);
        q.add(e("a"), 50);
        q.add(e("b"), 50);
        List<byte[]> batch = q.take(50, 1000);
        q.add(e("c"), 50);
        q.add(e("d"), 50);
        q.putBack(batch);
        assertThat(q.dropped()).isEqualTo(1);
        assertThat(text(q.take(50, 1000))).containsExactly("b", "c", "d");
    }

    @Test
    void flushWaitsForEverythingQueuedBefore() throws InterruptedException {
        PendingEvents q = new PendingEvents(10);
        q.add(e("a"), 50);
        q.add(e("b"), 50);
        assertThat(q.awaitResolved(System.nanoTime() + 50_000_000L)).isFalse();
        q.resolved(q.take(50, 1000).size());
        assertThat(q.awaitResolved(System.nanoTime() + 50_000_000L)).isTrue();
    }
}
