import dev.bloop.client.BloopApi;
import dev.bloop.client.BloopClient;
import dev.bloop.client.ErrorQuery;
import dev.bloop.client.EventDetails;
import java.time.Duration;

/**
 * Reports an exception to a running bloop, then (with BLOOP_TOKEN set) lists the issues it has.
 * Run with examples/java-client/run.sh; defaults match the shipped config.yml.
 */
public class Example {
    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv().getOrDefault("BLOOP_ENDPOINT", "http://localhost:5332");
        try (BloopClient bloop = BloopClient.builder()
                .endpoint(endpoint)
                .secret(System.getenv().getOrDefault("BLOOP_SECRET", "change-me-in-production"))
                .environment("dev")
                .release("example-1.0")
                .build()) {
            try {
                Integer.parseInt("forty-two");
            } catch (NumberFormatException e) {
                bloop.captureException(e, EventDetails.builder().route("/example").metadata("input", "forty-two").build());
            }
            bloop.captureMessage("CheckoutFailed", "payment for order 1234 declined");
            System.out.println("sent: " + bloop.flush(Duration.ofSeconds(5)) + ", dropped: " + bloop.droppedEvents());
        }

        String token = System.getenv("BLOOP_TOKEN");
        if (token != null) {
            Thread.sleep(1500); // the server commits within its flush interval (1 s by default)
            BloopApi api = BloopApi.create(endpoint, token);
            api.errors(ErrorQuery.all().release("example-1.0")).items().forEach(g ->
                    System.out.println(g.fingerprint() + "  " + g.totalCount() + "x  " + g.errorType() + ": " + g.message()));
        }
    }
}
