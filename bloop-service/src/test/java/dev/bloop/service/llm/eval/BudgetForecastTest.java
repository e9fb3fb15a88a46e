package dev.bloop.service.llm.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.llm.eval.Budget;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The month-end forecast on a fixed clock: spend per day so far (today counted) times the days of the month. */
class BudgetForecastTest {
    private static final long DOLLAR = 1_000_000_000L;

    private static Budget at(String instant, long budgetNanos, long spendNanos) {
        Clock clock = Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
        return Budgets.compute("p", budgetNanos, 80, spendNanos, clock.instant());
    }

    @Test
    void tenthOfAThirtyDayMonthTriplesTheSpend() {
        // $3 in 10 days of 30 → $0.30 a day → $9 by the 30th.
        Budget b = at("2026-11-10T12:00:00Z", 10 * DOLLAR, 3 * DOLLAR);
        assertThat(b.month()).isEqualTo("2026-11");
        assertThat(b.daysElapsed()).isEqualTo(10);
        assertThat(b.daysInMonth()).isEqualTo(30);
        assertThat(b.spend()).isEqualByComparingTo("3");
        assertThat(b.forecast()).isEqualByComparingTo("9");
        assertThat(b.usedPct()).isEqualTo(30.0);
        assertThat(b.forecastOverBudget()).isFalse();
        assertThat(at("2026-11-10T12:00:00Z", 8 * DOLLAR, 3 * DOLLAR).forecastOverBudget()).as("$9 > $8").isTrue();
        assertThat(at("2026-11-10T12:00:00Z", 8 * DOLLAR, 3 * DOLLAR).usedPct()).isEqualTo(37.5);
    }

    @Test
    void theMonthIsTheUtcMonthAndItsLengthCounts() {
        // 23:30 on Jan 31 in New York is already February 1st in UTC: day 1 of 29 (2028 is a leap year).
        Budget feb = at("2028-02-01T04:30:00Z", 0, DOLLAR / 10);
        assertThat(feb.month()).isEqualTo("2028-02");
        assertThat(feb.daysElapsed()).isEqualTo(1);
        assertThat(feb.forecast()).isEqualByComparingTo("2.9");
        // The last day: the forecast is the spend.
        Budget last = at("2028-02-29T23:59:59Z", 0, 7 * DOLLAR);
        assertThat(last.forecast()).isEqualByComparingTo("7");
        // $1 over 3 days of a 31-day month: 31/3 = 10.333333333... rounded to the nanodollar.
        assertThat(at("2026-12-03T00:00:00Z", 0, DOLLAR).forecast()).isEqualByComparingTo(new BigDecimal("10.333333333"));
    }

    @Test
    void withoutABudgetNothingIsUsedOrOver() {
        Budget b = at("2026-11-10T12:00:00Z", 0, 5 * DOLLAR);
        assertThat(b.usedPct()).isNull();
        assertThat(b.forecastOverBudget()).isFalse();
        assertThat(b.monthlyBudget()).isEqualByComparingTo("0");
    }
}
