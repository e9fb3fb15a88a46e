package dev.bloop.service.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bloop.api.ErrorGroup;
import dev.bloop.api.ErrorGroupDetail;
import dev.bloop.api.Page;
import dev.bloop.client.BloopApi;
import dev.bloop.client.BloopApiException;
import dev.bloop.client.BloopClient;
import dev.bloop.client.ErrorQuery;
import dev.bloop.client.EventDetails;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The published Java client against the real server: capture, grouping, flush, project keys, query API. */
@ExtendWith(DropwizardExtensionsSupport.class)
class JavaClientIT {
    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static String readWrite;
    private static String readOnly;

    @BeforeAll
    static void tokens() {
        readWrite = BLOOP.token("java-client-test", "default", Scope.ERRORS_READ, Scope.ERRORS_WRITE);
        readOnly = BLOOP.token("java-client-ro", "default", Scope.ERRORS_READ);
    }

    private static BloopClient.Builder client(String release) {
        return BloopClient.builder().endpoint(BLOOP.url("")).secret(BloopTestApp.SECRET)
                .environment("test").release(release).shutdownHook(false).flushInterval(Duration.ofMillis(100));
    }

    /** The same bug: the same throw site, a message that differs only in its numbers. */
    static final class Orders {
        static void place(int orderId) {
            throw new IllegalStateException("order " + orderId + " has no items");
        }

        static void cancel(int orderId) {
            throw new IllegalStateException("order " + orderId + " has no items");
        }
    }

    @Test
    void realExceptionsArriveGroupedByTheirThrowSite() {
        try (BloopClient bloop = client("grouping-1").build()) {
            for (int i = 0; i < 5; i++) {
                try {
                    Orders.place(1000 + i);
                } catch (IllegalStateException e) {
                    bloop.captureException(e, EventDetails.builder().route("/orders").metadata("attempt", i).build());
                }
            }
            try {
                Orders.cancel(7);
            } catch (IllegalStateException e) {
                bloop.captureException(new RuntimeException("cancel failed", e));
            }
            assertThat(bloop.flush(Duration.ofSeconds(10))).isTrue();
        }
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE release = 'grouping-1'", 6);
        BloopApi api = BloopApi.create(BLOOP.url(""), readOnly);
        List<ErrorGroup> groups = api.allErrors(ErrorQuery.all().release("grouping-1")).toList();
        assertThat(groups).hasSize(2);
        ErrorGroup placed = groups.stream().filter(g -> g.totalCount() == 5).findFirst().orElseThrow();
        assertThat(placed.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(placed.source()).isEqualTo("java");
        assertThat(placed.routeOrProcedure()).isEqualTo("/orders");
        ErrorGroupDetail detail = api.error(placed.fingerprint()).orElseThrow();
        assertThat(detail.grouping().normalizedMessage()).isEqualTo("order <n> has no items");
        assertThat(detail.grouping().frame()).contains("JavaClientIT$Orders.place(JavaClientIT.java)");
        assertThat(detail.samples().get(0).get("metadata").has("attempt")).isTrue();
        ErrorGroup cancelled = groups.stream().filter(g -> g.totalCount() == 1).findFirst().orElseThrow();
        ErrorGroupDetail cancelDetail = api.error(cancelled.fingerprint()).orElseThrow();
        assertThat(cancelDetail.samples().get(0).get("stack").asText())
                .contains("Caused by: java.lang.IllegalStateException: order 7 has no items");
    }

    @Test
    void closeDeliversEverythingQueued() {
        BloopClient bloop = client("close-flush").flushInterval(Duration.ofSeconds(60)).build();
        for (int i = 0; i < 120; i++) {
            bloop.captureMessage("CheckoutFailed", "payment " + i + " declined");
        }
        bloop.captureMessage("cache warm-up took too long");
        assertThat(bloop.pendingEvents()).isPositive();
        bloop.close();
        assertThat(bloop.pendingEvents()).isZero();
        assertThat(bloop.droppedEvents()).isZero();
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE release = 'close-flush'", 121);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE release = 'close-flush' AND error_type = 'Message' "
                + "AND message = 'cache warm-up took too long'")).isEqualTo(1);
        bloop.captureMessage("Late", "after close");
        assertThat(bloop.droppedEvents()).isEqualTo(1);
    }

    @Test
    void aProjectKeyWithItsSecretRoutesToThatProject() {
        BLOOP.addProject("p-java", "java-app", "bloop_pk_java", "bloop_sk_java_secret");
        try (BloopClient bloop = client("routed").projectKey("bloop_pk_java").secret("bloop_sk_java_secret").build()) {
            bloop.captureMessage("Routed", "to the java project");
            assertThat(bloop.flush(Duration.ofSeconds(10))).isTrue();
        }
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE project_id = 'p-java' AND release = 'routed'", 1);
        // A wrong secret is a 401: not retried, the event is given up and flush still returns.
        try (BloopClient wrong = client("wrong").projectKey("bloop_pk_java").secret("not-the-secret").build()) {
            wrong.captureMessage("Routed", "never stored");
            assertThat(wrong.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE release = 'wrong'")).isZero();
    }

    @Test
    void oversizedFieldsAreCutToTheServersCapsInsteadOfRefused() {
        try (BloopClient bloop = client("caps").build()) {
            bloop.captureMessage("Huge", "é".repeat(5000), EventDetails.builder().metadata("blob", "x".repeat(10_000)).build());
            assertThat(bloop.flush(Duration.ofSeconds(10))).isTrue();
        }
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE release = 'caps' AND length(CAST(message AS BLOB)) <= 2048 "
                + "AND metadata LIKE '%bloop_metadata_dropped%'", 1);
    }

    @Test
    void theTypedQueryApiTriagesAndPages() {
        try (BloopClient bloop = client("query-api").build()) {
            for (int i = 0; i < 3; i++) {
                bloop.captureMessage("TypedQuery" + i, "kind " + i);
            }
            assertThat(bloop.flush(Duration.ofSeconds(10))).isTrue();
        }
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE error_type LIKE 'TypedQuery%'", 3);
        BloopApi api = BloopApi.create(BLOOP.url(""), readWrite);
        Page<ErrorGroup> first = api.errors(ErrorQuery.all().release("query-api").limit(1));
        assertThat(first.items()).hasSize(1);
        assertThat(first.total()).isEqualTo(3);
        assertThat(api.allErrors(ErrorQuery.all().release("query-api").limit(1)).count()).isEqualTo(3);
        String fp = first.items().get(0).fingerprint();
        assertThat(api.resolve(fp).status()).isEqualTo("resolved");
        assertThat(api.history(fp)).singleElement().satisfies(h -> assertThat(h.actor()).isEqualTo("java-client-test"));
        assertThat(api.errors(ErrorQuery.all().release("query-api").status("resolved")).total()).isEqualTo(1);
        assertThat(api.trend(fp, 3)).hasSize(3);
        assertThat(api.trends(24)).hasSize(24);
        assertThat(api.stats().totalGroups()).isGreaterThanOrEqualTo(3);
        assertThat(api.occurrences(fp, 10, 0).total()).isEqualTo(1);
        assertThat(api.error("0123456789abcdef")).isEmpty();
        assertThat(api.facets(50).release()).anySatisfy(r -> assertThat(r.value()).isEqualTo("query-api"));
        assertThat(api.releases(50)).anySatisfy(r -> {
            assertThat(r.release()).isEqualTo("query-api");
            assertThat(r.groups()).isEqualTo(3);
        });
        assertThat(api.tags(fp)).hasValueSatisfying(t -> assertThat(t.tags())
                .anySatisfy(tag -> assertThat(tag.key()).isEqualTo("release")));
        assertThat(api.tags("0123456789abcdef")).isEmpty();
        assertThatThrownBy(() -> BloopApi.create(BLOOP.url(""), readOnly).mute(fp))
                .isInstanceOfSatisfying(BloopApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.field()).isEqualTo("errors:write");
                });
        assertThatThrownBy(() -> api.errors(ErrorQuery.all().limit(500)))
                .isInstanceOfSatisfying(BloopApiException.class, e -> assertThat(e.field()).isEqualTo("limit"));
    }

    @Test
    void uncaughtExceptionsAreReportedAndStillReachThePreviousHandler() throws Exception {
        Thread.UncaughtExceptionHandler original = Thread.getDefaultUncaughtExceptionHandler();
        AtomicReference<Throwable> seenByPrevious = new AtomicReference<>();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> seenByPrevious.set(e));
        try (BloopClient bloop = client("uncaught").captureUncaughtExceptions(true).build()) {
            Thread worker = new Thread(() -> {
                throw new UnsupportedOperationException("worker gave up");
            }, "worker-1");
            worker.start();
            worker.join();
            assertThat(seenByPrevious.get()).hasMessage("worker gave up");
            BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE release = 'uncaught' "
                    + "AND metadata LIKE '%\"unhandled\":true%' AND metadata LIKE '%worker-1%'", 1);
            assertThat(bloop.droppedEvents()).isZero();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(original);
        }
    }
}
