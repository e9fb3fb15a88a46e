package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which price applies, and what it costs, worked out by hand from the shipped table. */
class PriceBookTest {
    private static final PriceBook.Shipped SHIPPED = PriceBook.loadShipped(new ObjectMapper());
    private static final long NOW = PriceBook.day("2026-06-01");

    private static long cost(PriceBook book, String project, String model, long uncached, long read, long w5, long w1,
                             long out, long reasoning) {
        Price p = book.resolve(project, model, null, NOW);
        assertThat(p).as(model).isNotNull();
        return p.costNanos(uncached, read, w5, w1, out, reasoning);
    }

    @Test
    void everyShippedPriceIsAWholeNumberOfNanodollarsPerThousandTokens() {
        // tokens × price / 1000 is exact when prices are multiples of 1000 micro-dollars per million.
        for (Price p : SHIPPED.prices()) {
            for (Long v : new Long[] {p.input(), p.cacheRead(), p.cacheWrite5m(), p.cacheWrite1h(), p.output(), p.reasoning()}) {
                if (v != null) {
                    assertThat(v % 1000).as(p.model()).isZero();
                }
            }
        }
    }

    @Test
    void datedSnapshotsProviderPrefixesAndAliasesFindTheirModel() {
        PriceBook book = PriceBook.of(SHIPPED, Map.of());
        // gpt-4o: 1,000 in at $2.50/M = 2,500,000 nanodollars.
        assertThat(cost(book, "p", "gpt-4o-2024-11-20", 1000, 0, 0, 0, 0, 0)).isEqualTo(2_500_000);
        assertThat(cost(book, "p", "openai/gpt-4o", 1000, 0, 0, 0, 0, 0)).isEqualTo(2_500_000);
        assertThat(cost(book, "p", "GPT-4o", 1000, 0, 0, 0, 0, 0)).isEqualTo(2_500_000);
        // The May 2024 snapshot has its own, higher price: $5/M.
        assertThat(cost(book, "p", "gpt-4o-2024-05-13", 1000, 0, 0, 0, 0, 0)).isEqualTo(5_000_000);
        // gpt-4o-mini is not gpt-4o: $0.15/M.
        assertThat(cost(book, "p", "gpt-4o-mini", 1000, 0, 0, 0, 0, 0)).isEqualTo(150_000);
        assertThat(cost(book, "p", "claude-sonnet-4-20250514", 1000, 0, 0, 0, 0, 0)).isEqualTo(3_000_000);
        assertThat(cost(book, "p", "claude-haiku-4-5", 0, 0, 0, 0, 1000, 0)).isEqualTo(5_000_000);
        // claude-opus-4-5 is the cheaper generation ($5/M), not claude-opus-4 ($15/M).
        assertThat(cost(book, "p", "claude-opus-4-5-20251101", 1000, 0, 0, 0, 0, 0)).isEqualTo(5_000_000);
        assertThat(cost(book, "p", "claude-opus-4-1-20250805", 1000, 0, 0, 0, 0, 0)).isEqualTo(15_000_000);
        assertThat(book.resolve("p", "gpt-4o-mini-tts", null, NOW)).isNull();
        assertThat(book.resolve("p", "gpt-4o", "anthropic", NOW)).as("another provider's model").isNull();
    }

    @Test
    void aBucketWithoutItsOwnPriceCostsWhatInputOrOutputCosts() {
        PriceBook book = PriceBook.of(SHIPPED, Map.of());
        // claude-3-opus lists no cache prices: 1,000 cache reads at the input price, $15/M.
        assertThat(cost(book, "p", "claude-3-opus-20240229", 0, 1000, 0, 0, 0, 0)).isEqualTo(15_000_000);
        // o1 reasoning tokens are output tokens: 1,000 output of which 900 reasoning, all at $60/M.
        assertThat(cost(book, "p", "o1", 0, 0, 0, 0, 1000, 900)).isEqualTo(60_000_000);
    }

    @Test
    void aProjectsOwnPriceWinsFromItsDateOnAndTheShippedOneBefore() {
        Price own = Price.of("gpt-4o", false, null, PriceBook.day("2026-01-01"), 1_000_000L, null, null, null,
                4_000_000L, null);
        PriceBook book = PriceBook.of(SHIPPED, Map.of("p", List.of(own)));
        assertThat(book.resolve("p", "gpt-4o", "openai", PriceBook.day("2026-02-01")).input()).isEqualTo(1_000_000L);
        assertThat(book.resolve("p", "gpt-4o", "openai", PriceBook.day("2025-12-31")).input()).isEqualTo(2_500_000L);
        assertThat(book.resolve("other", "gpt-4o", "openai", PriceBook.day("2026-02-01")).input()).isEqualTo(2_500_000L);
        // Within the project, the newest entry in force wins, and an exact name wins over a regex.
        Price newer = Price.of("gpt-4o", false, null, PriceBook.day("2026-03-01"), 500_000L, null, null, null,
                2_000_000L, null);
        Price pattern = Price.of("^gpt-.*$", true, null, PriceBook.day("2026-05-01"), 9_000_000L, null, null, null,
                9_000_000L, null);
        book = PriceBook.of(SHIPPED, Map.of("p", List.of(own, newer, pattern)));
        assertThat(book.resolve("p", "gpt-4o", null, PriceBook.day("2026-06-01")).input()).isEqualTo(500_000L);
        assertThat(book.resolve("p", "gpt-4o", null, PriceBook.day("2026-02-01")).input()).isEqualTo(1_000_000L);
        assertThat(book.resolve("p", "gpt-9", null, PriceBook.day("2026-06-01")).input()).isEqualTo(9_000_000L);
    }

    @Test
    void costsRoundOnceToTheNearestNanodollar() {
        // 1 token at 1,500 micro-dollars per million = 1.5 nanodollars → 2; 3 tokens = 4.5 → 5, not 3 × 2 = 6.
        Price odd = Price.of("odd", false, null, 0, 1_500L, null, null, null, 0L, null);
        assertThat(odd.costNanos(1, 0, 0, 0, 0, 0)).isEqualTo(2);
        assertThat(odd.costNanos(3, 0, 0, 0, 0, 0)).isEqualTo(5);
        Price nano = SHIPPED.prices().stream().filter(p -> p.model().contains("gpt-5-nano")).findFirst().orElseThrow();
        assertThat(nano.costNanos(0, 1, 0, 0, 0, 0)).isEqualTo(5);
    }
}
