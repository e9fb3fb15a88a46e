package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The one error shape of the API: {@code {"error": "...", "field": "..."}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(@JsonProperty("error") String error, @JsonProperty("field") String field) {
    public static ApiError of(String error) {
        return new ApiError(error, null);
    }
}
