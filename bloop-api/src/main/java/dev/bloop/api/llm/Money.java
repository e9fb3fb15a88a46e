package dev.bloop.api.llm;

import java.math.BigDecimal;

/** Integer nanodollars (the unit bloop stores and sums) shown as dollars and as microdollars, exactly. */
public final class Money {

    private Money() {
    }

    /** Dollars: {@code 2_500_000} nanos → {@code 0.0025}; null stays null. */
    public static BigDecimal dollars(Long nanos) {
        return nanos == null ? null : BigDecimal.valueOf(nanos, 9);
    }

    /** Microdollars: {@code 2_500_000} nanos → {@code 2500}, {@code 15} nanos → {@code 0.015}; null stays null. */
    public static BigDecimal micros(Long nanos) {
        return nanos == null ? null : BigDecimal.valueOf(nanos, 3);
    }

    /** Dollars per million tokens from micro-dollars per million tokens: {@code 2_500_000} → {@code 2.5}. */
    public static BigDecimal perMillion(Long microsPerMillion) {
        return microsPerMillion == null ? null : BigDecimal.valueOf(microsPerMillion, 6);
    }
}
