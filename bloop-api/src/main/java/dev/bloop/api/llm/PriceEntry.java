package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.math.BigDecimal;

/**
 * One price: dollars per million tokens for each bucket, for the models it matches, from a date on.
 * A bucket left out is priced like the nearest one that is given: cache reads and writes like
 * {@code input}, {@code reasoning} like {@code output}.
 *
 * @param model         an exact model name, or with {@code match: regex} a regular expression that must
 *                      match the whole name
 * @param effectiveFrom {@code YYYY-MM-DD} (UTC): spans that started on or after it use this price
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PriceEntry(@JsonProperty("model") String model,
                         @JsonProperty("match") String match,
                         @JsonProperty("provider") String provider,
                         @JsonProperty("effective_from") String effectiveFrom,
                         @JsonProperty("input") @JsonSerialize(using = PlainDecimal.class) BigDecimal input,
                         @JsonProperty("cache_read") @JsonSerialize(using = PlainDecimal.class) BigDecimal cacheRead,
                         @JsonProperty("cache_write_5m") @JsonSerialize(using = PlainDecimal.class) BigDecimal cacheWrite5m,
                         @JsonProperty("cache_write_1h") @JsonSerialize(using = PlainDecimal.class) BigDecimal cacheWrite1h,
                         @JsonProperty("output") @JsonSerialize(using = PlainDecimal.class) BigDecimal output,
                         @JsonProperty("reasoning") @JsonSerialize(using = PlainDecimal.class) BigDecimal reasoning) {
}
