package dev.bloop.service.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.store.Dialect;
import org.junit.jupiter.api.Test;

/** The user's search words, and nothing of their punctuation, reach each database's search syntax. */
class SearchQueryTest {
    @Test
    void everyWordIsARequiredPrefixInBothSyntaxes() {
        assertThat(SearchQuery.of(Dialect.SQLITE, "Undef  at: Checkout")).isEqualTo("\"Undef\"* \"at\"* \"Checkout\"*");
        assertThat(SearchQuery.of(Dialect.POSTGRES, "Undef  at: Checkout")).isEqualTo("undef:* & at:* & checkout:*");
    }

    @Test
    void querySyntaxInTheInputIsDroppedNotPassedOn() {
        assertThat(SearchQuery.of(Dialect.POSTGRES, "a' | !b & (c:*)")).isEqualTo("a:* & b:* & c:*");
        assertThat(SearchQuery.of(Dialect.SQLITE, "x\" OR NEAR(y")).isEqualTo("\"x\"* \"OR\"* \"NEAR\"* \"y\"*");
        assertThat(SearchQuery.of(Dialect.POSTGRES, " :*&| ")).isNull();
    }
}
