package dev.bloop.service.sourcemap;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MinDataSize;
import jakarta.validation.constraints.NotNull;

/** {@code sourcemaps:} upload cap and the memory kept for parsed maps. */
public class SourceMapConfig {
    @NotNull @MinDataSize(1) @MaxDataSize(value = 512, unit = io.dropwizard.util.DataSizeUnit.MEBIBYTES)
    private DataSize maxUploadSize = DataSize.mebibytes(10);
    @NotNull @MinDataSize(value = 1, unit = io.dropwizard.util.DataSizeUnit.MEBIBYTES)
    private DataSize cacheSize = DataSize.mebibytes(32);

    @JsonProperty("max_upload_size")
    public DataSize getMaxUploadSize() {
        return maxUploadSize;
    }

    @JsonProperty("max_upload_size")
    public void setMaxUploadSize(DataSize maxUploadSize) {
        this.maxUploadSize = maxUploadSize;
    }

    /** Parsed maps kept in memory (approximate bytes); the heap budget is 256 MB in all. */
    @JsonProperty("cache_size")
    public DataSize getCacheSize() {
        return cacheSize;
    }

    @JsonProperty("cache_size")
    public void setCacheSize(DataSize cacheSize) {
        this.cacheSize = cacheSize;
    }
}
