package dev.bloop.service.llm.proxy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MinDataSize;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * {@code llm_tracing.proxy:} the upstream base URLs the LLM proxy forwards to (a self-hosted gateway or
 * a test stand-in may take the public APIs' place) and its limits.
 */
public class ProxyConfig {
    private static final String URL = "https?://.+";

    @NotNull @Pattern(regexp = URL) private String openaiBaseUrl = "https://api.openai.com/v1";
    @NotNull @Pattern(regexp = URL) private String anthropicBaseUrl = "https://api.anthropic.com";
    @NotNull @MinDataSize(1) @MaxDataSize(value = 64, unit = io.dropwizard.util.DataSizeUnit.MEBIBYTES)
    private DataSize maxRequestSize = DataSize.mebibytes(16);
    @NotNull @MinDataSize(value = 64, unit = io.dropwizard.util.DataSizeUnit.KIBIBYTES)
    @MaxDataSize(value = 64, unit = io.dropwizard.util.DataSizeUnit.MEBIBYTES)
    private DataSize maxCapture = DataSize.mebibytes(5);
    @Min(1) @Max(300) private int connectTimeoutSecs = 10;
    @Min(1) @Max(3_600) private int responseTimeoutSecs = 600;

    /** Where {@code /v1/proxy/openai/...} forwards: {@code {base}/chat/completions} and so on. */
    @JsonProperty("openai_base_url")
    public String getOpenaiBaseUrl() {
        return openaiBaseUrl;
    }

    @JsonProperty("openai_base_url")
    public void setOpenaiBaseUrl(String openaiBaseUrl) {
        this.openaiBaseUrl = openaiBaseUrl;
    }

    /** Where {@code /v1/proxy/anthropic/...} forwards: {@code {base}/v1/messages} and so on (Anthropic's SDKs put the /v1 in the path). */
    @JsonProperty("anthropic_base_url")
    public String getAnthropicBaseUrl() {
        return anthropicBaseUrl;
    }

    @JsonProperty("anthropic_base_url")
    public void setAnthropicBaseUrl(String anthropicBaseUrl) {
        this.anthropicBaseUrl = anthropicBaseUrl;
    }

    /** A request body larger than this is refused with 413 and not forwarded (the proxy reads it whole to add usage options). */
    @JsonProperty("max_request_size")
    public DataSize getMaxRequestSize() {
        return maxRequestSize;
    }

    @JsonProperty("max_request_size")
    public void setMaxRequestSize(DataSize maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    /**
     * Of a non-streaming answer, this much is kept beside the bytes forwarded to read usage from once the
     * answer is complete (a larger answer is forwarded whole but recorded without usage). Streams keep only
     * the current SSE line (up to this cap) and the running totals.
     */
    @JsonProperty("max_capture")
    public DataSize getMaxCapture() {
        return maxCapture;
    }

    @JsonProperty("max_capture")
    public void setMaxCapture(DataSize maxCapture) {
        this.maxCapture = maxCapture;
    }

    /** Connecting to the provider; over it the caller gets 502. */
    @JsonProperty("connect_timeout_secs")
    public int getConnectTimeoutSecs() {
        return connectTimeoutSecs;
    }

    @JsonProperty("connect_timeout_secs")
    public void setConnectTimeoutSecs(int connectTimeoutSecs) {
        this.connectTimeoutSecs = connectTimeoutSecs;
    }

    /** From sending the request to the provider's response headers; over it the caller gets 504. */
    @JsonProperty("response_timeout_secs")
    public int getResponseTimeoutSecs() {
        return responseTimeoutSecs;
    }

    @JsonProperty("response_timeout_secs")
    public void setResponseTimeoutSecs(int responseTimeoutSecs) {
        this.responseTimeoutSecs = responseTimeoutSecs;
    }
}
