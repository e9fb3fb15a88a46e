package dev.bloop.service.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.Fingerprinter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventQueueTest {
    private static AcceptedEvent any() {
        return new AcceptedEvent("default", Fingerprinter.group("api", "E", "m", null, null, null), 1, 1,
                IngestEvent.of(1, "api", "prod", "1", "E", "m"), null);
    }

    @Test
    void aBatchThatDoesNotFitIsRefusedWhole() {
        EventQueue q = new EventQueue(5);
        assertThat(q.offerAll(Collections.nCopies(3, any()))).isEqualTo(EventQueue.Offer.ACCEPTED);
        assertThat(q.offerAll(Collections.nCopies(3, any()))).isEqualTo(EventQueue.Offer.FULL);
        assertThat(q.depth()).isEqualTo(3);
        assertThat(q.offerAll(Collections.nCopies(2, any()))).isEqualTo(EventQueue.Offer.ACCEPTED);
        assertThat(q.offer(any())).isEqualTo(EventQueue.Offer.FULL);
        assertThat(q.usage()).isEqualTo(1.0);
    }

    @Test
    void takingEventsFreesCapacity() throws InterruptedException {
        EventQueue q = new EventQueue(2);
        q.offerAll(List.of(any(), any()));
        assertThat(q.poll(1, TimeUnit.MILLISECONDS)).isNotNull();
        List<AcceptedEvent> sink = new ArrayList<>();
        assertThat(q.drainTo(sink, 10)).isEqualTo(1);
        assertThat(q.offerAll(List.of(any(), any()))).isEqualTo(EventQueue.Offer.ACCEPTED);
    }

    @Test
    void aClosedQueueAcceptsNothing() {
        EventQueue q = new EventQueue(2);
        q.close();
        assertThat(q.offer(any())).isEqualTo(EventQueue.Offer.CLOSED);
        assertThat(q.depth()).isZero();
    }
}
