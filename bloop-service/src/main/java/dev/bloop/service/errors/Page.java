package dev.bloop.service.errors;

import java.util.List;

/** One page of results and the total number of matches (sent as {@code X-Total-Count}). */
record Page<T>(List<T> items, long total) {
}
