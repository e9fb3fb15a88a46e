package dev.bloop.api;

import java.util.List;

/**
 * One page of a listing and the total number of matches. On the wire a page is its items as a JSON
 * array, with the total in the {@code X-Total-Count} header; page through with {@code limit} and
 * {@code offset}.
 */
public record Page<T>(List<T> items, long total) {
    public static final String TOTAL_COUNT = "X-Total-Count";
}
