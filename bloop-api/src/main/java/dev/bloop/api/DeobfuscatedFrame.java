package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One JavaScript stack frame mapped through the release's source map. Line and column are 1-based;
 * the original fields are absent when the frame could not be mapped. {@code raw_frame} is kept as sent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeobfuscatedFrame(@JsonProperty("raw_frame") String rawFrame,
                                @JsonProperty("original_file") String originalFile,
                                @JsonProperty("original_line") Integer originalLine,
                                @JsonProperty("original_column") Integer originalColumn,
                                @JsonProperty("original_function") String originalFunction) {
}
