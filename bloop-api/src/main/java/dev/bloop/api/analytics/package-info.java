/**
 * Answers of the optional analytics module ({@code /v1/analytics/...}): spikes, movers, correlated
 * pairs, release impact and the environment breakdown. Every answer says how fresh its data is
 * ({@code as_of}, epoch ms) and which window it covers (hour buckets, epoch ms, UTC).
 */
package dev.bloop.api.analytics;
