package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One hour of a trend: the bucket's start (epoch ms, UTC hour) and the events received in it. */
public record HourlyCount(@JsonProperty("hour_bucket") long hourBucket, @JsonProperty("count") long count) {
}
