package dev.bloop.service.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.llm.LlmSettings;
import dev.bloop.api.llm.Money;
import dev.bloop.api.llm.PriceEntry;
import dev.bloop.api.llm.PriceTable;
import dev.bloop.service.access.Caller;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.ingest.JsonProblems;
import dev.bloop.service.access.RequiresScope;
import dev.bloop.service.access.Scope;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A project's LLM settings: its content storage ({@code /v1/llm/settings}) and its own prices
 * ({@code /v1/llm/prices}). Reading needs {@code llm:read}, changing {@code llm:write} (or a session).
 * A price change makes the writer compute the project's stored costs again, in the background.
 */
@Path("/v1/llm")
@Produces(MediaType.APPLICATION_JSON)
public final class LlmSettingsResource {
    private static final int MAX_OVERRIDES = 200;
    private static final BigDecimal MAX_PRICE = BigDecimal.valueOf(Price.MAX_PRICE, 6);

    private final Policies policies;
    private final TraceWriter writer;
    private final ObjectMapper strict;

    LlmSettingsResource(Policies policies, TraceWriter writer, ObjectMapper strict) {
        this.policies = policies;
        this.writer = writer;
        this.strict = strict;
    }

    @GET
    @Path("/settings")
    @RequiresScope(Scope.LLM_READ)
    public LlmSettings settings(@Auth Caller caller) {
        return policies.view(caller.project());
    }

    @PUT
    @Path("/settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.LLM_WRITE)
    public LlmSettings setSettings(@Auth Caller caller, String body) {
        LlmSettings.LlmSettingsUpdate update = read(body, LlmSettings.LlmSettingsUpdate.class);
        if (update.contentStorage() == null) {
            throw ApiProblem.badRequest("content_storage is required: none, metadata_only or full", "content_storage");
        }
        ContentStorage storage = ContentStorage.parse(update.contentStorage()).orElseThrow(() ->
                ApiProblem.badRequest("content_storage must be one of none, metadata_only, full", "content_storage"));
        return policies.setStorage(caller.project(), storage, caller.name(), System.currentTimeMillis());
    }

    @GET
    @Path("/prices")
    @RequiresScope(Scope.LLM_READ)
    public PriceTable prices(@Auth Caller caller) {
        return table(caller.project(), policies.book());
    }

    @PUT
    @Path("/prices")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.LLM_WRITE)
    public PriceTable setPrices(@Auth Caller caller, String body) {
        PriceTable.Overrides in = read(body, PriceTable.Overrides.class);
        List<PriceEntry> entries = in.overrides() == null ? List.of() : in.overrides();
        if (entries.size() > MAX_OVERRIDES) {
            throw ApiProblem.badRequest("at most " + MAX_OVERRIDES + " prices per project", "overrides");
        }
        List<Price> prices = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            prices.add(price(entries.get(i), "overrides[" + i + "]."));
        }
        String project = caller.project();
        PriceBook book = policies.setOverrides(project, prices, System.currentTimeMillis());
        writer.recompute(project);
        return table(project, book);
    }

    private PriceTable table(String projectId, PriceBook book) {
        return new PriceTable(projectId, book.overrides(projectId).stream().map(LlmSettingsResource::entry).toList(),
                book.shipped().stream().map(LlmSettingsResource::entry).toList(), book.shippedVersion(),
                writer.recomputing(projectId));
    }

    static PriceEntry entry(Price p) {
        return new PriceEntry(p.model(), p.regex() ? "regex" : "exact", p.provider(), PriceBook.isoDay(p.effectiveFrom()),
                Money.perMillion(p.input()), Money.perMillion(p.cacheRead()), Money.perMillion(p.cacheWrite5m()),
                Money.perMillion(p.cacheWrite1h()), Money.perMillion(p.output()), Money.perMillion(p.reasoning()));
    }

    private static Price price(PriceEntry e, String at) {
        if (e == null) {
            throw ApiProblem.badRequest("each price must be an object", at.substring(0, at.length() - 1));
        }
        if (e.model() == null || e.model().isBlank() || e.model().length() > TraceValidator.MAX_NAME_CHARS) {
            throw ApiProblem.badRequest(at + "model must be 1 to " + TraceValidator.MAX_NAME_CHARS + " characters",
                    at + "model");
        }
        String match = e.match() == null ? "exact" : e.match();
        if (!match.equals("exact") && !match.equals("regex")) {
            throw ApiProblem.badRequest(at + "match must be exact or regex", at + "match");
        }
        if (match.equals("regex")) {
            try {
                Pattern.compile(e.model());
            } catch (PatternSyntaxException ex) {
                throw ApiProblem.badRequest(at + "model is not a valid regular expression: " + ex.getDescription(),
                        at + "model");
            }
        }
        if (e.provider() != null && (e.provider().isBlank() || e.provider().length() > TraceValidator.MAX_NAME_CHARS)) {
            throw ApiProblem.badRequest(at + "provider must be 1 to " + TraceValidator.MAX_NAME_CHARS + " characters",
                    at + "provider");
        }
        long from;
        try {
            from = e.effectiveFrom() == null ? 0 : PriceBook.day(e.effectiveFrom());
        } catch (DateTimeParseException ex) {
            throw ApiProblem.badRequest(at + "effective_from must be a date as YYYY-MM-DD", at + "effective_from");
        }
        if (e.input() == null) {
            throw ApiProblem.badRequest(at + "input is required (dollars per million input tokens)", at + "input");
        }
        if (e.output() == null) {
            throw ApiProblem.badRequest(at + "output is required (dollars per million output tokens)", at + "output");
        }
        return Price.of(e.model(), match.equals("regex"), e.provider(), from, micros(e.input(), at + "input"),
                optionalMicros(e.cacheRead(), at + "cache_read"), optionalMicros(e.cacheWrite5m(), at + "cache_write_5m"),
                optionalMicros(e.cacheWrite1h(), at + "cache_write_1h"), micros(e.output(), at + "output"),
                optionalMicros(e.reasoning(), at + "reasoning"));
    }

    /** Dollars per million tokens to micro-dollars per million tokens, exactly, or 400. */
    private static long micros(BigDecimal dollarsPerMillion, String field) {
        if (dollarsPerMillion.signum() < 0 || dollarsPerMillion.compareTo(MAX_PRICE) > 0) {
            throw ApiProblem.badRequest(field + " must be from 0 to " + MAX_PRICE.toPlainString()
                    + " dollars per million tokens", field);
        }
        try {
            return dollarsPerMillion.movePointRight(6).longValueExact();
        } catch (ArithmeticException ex) {
            throw ApiProblem.badRequest(field + " has more than 6 decimals; prices are kept in micro-dollars per "
                    + "million tokens", field);
        }
    }

    private static Long optionalMicros(BigDecimal dollarsPerMillion, String field) {
        return dollarsPerMillion == null ? null : micros(dollarsPerMillion, field);
    }

    private <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.badRequest("request body must be a JSON object", null);
        }
        try {
            T value = strict.readValue(body, type);
            if (value == null) {
                throw ApiProblem.badRequest("request body must be a JSON object", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            InvalidEvent problem = JsonProblems.describe(e);
            throw ApiProblem.badRequest(problem.getMessage(), problem.field());
        }
    }
}
