package dev.bloop.service.pipeline;

import java.io.IOException;
import java.nio.file.Path;

/** The event writer's {@link Journal}: one {@link EventCodec} line per accepted event. */
public final class SpillJournal extends Journal<AcceptedEvent> {
    private static final Codec<AcceptedEvent> EVENTS = new Codec<>() {
        @Override
        public String encode(AcceptedEvent item) {
            return EventCodec.encode(item);
        }

        @Override
        public AcceptedEvent decode(String line) throws IOException {
            return EventCodec.decode(line);
        }
    };

    public SpillJournal(Path file, long reserveBytes) {
        super(file, reserveBytes, EVENTS);
    }
}
