package dev.bloop.client;

import java.util.List;

/** One page of a listing and the total number of matches ({@code X-Total-Count}). */
public record Page<T>(List<T> items, long total) {
}
