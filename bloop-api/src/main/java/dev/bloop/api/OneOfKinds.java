package dev.bloop.api;

/**
 * A body that is one of several records, chosen by its {@code type} property (a sealed interface
 * with Jackson's {@code @JsonSubTypes}): the server reads these as strictly as records.
 */
public interface OneOfKinds {
}
