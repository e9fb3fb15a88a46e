package dev.bloop.service.apidoc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ExtendedResourceContext;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document at {@code GET /openapi.json} describes every route the server answers, validates
 * as OpenAPI 3.1, says who may call each route, and matches the copy committed as
 * {@code docs/openapi.yaml} (regenerate that with {@code BLOOP_WRITE_OPENAPI=1}).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OpenApiIT {
    // The optional modules on, as in the shipped config.yml: the document shows what a new install serves.
    private static final BloopTestApp BLOOP = new BloopTestApp(java.util.Map.of("BLOOP__SENTRY__ENABLED", "true",
            "BLOOP__LLM_TRACING__ENABLED", "true", "BLOOP__ANALYTICS__ENABLED", "true"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path COMMITTED = Path.of("../docs/openapi.yaml");
    private static String json;
    private static String yaml;

    /** The first request builds the document (class loading: seconds on a busy machine), hence the long wait. */
    @BeforeAll
    static void fetch() {
        json = fetch("/openapi.json");
        yaml = fetch("/openapi.yaml");
    }

    private static String fetch(String path) {
        HttpResponse<String> r = BloopTestApp.send(request(path).timeout(Duration.ofSeconds(120)).GET().build());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    /**
     * The document names each schema by its class's simple name, so two API records with one simple
     * name (four nested {@code Update}s once) would share one schema, and three endpoints would show
     * another endpoint's body.
     */
    @Test
    void everyApiClassHasASchemaNameOfItsOwn() throws Exception {
        Path classes = Path.of(dev.bloop.api.ApiError.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, List<String>> bySimpleName = new java.util.TreeMap<>();
        try (var files = Files.walk(classes)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                String simple = name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('$')) + 1);
                if (!simple.matches("\\d+") && !simple.equals("package-info")) {
                    bySimpleName.computeIfAbsent(simple, k -> new ArrayList<>()).add(name);
                }
            });
        }
        bySimpleName.values().removeIf(names -> names.size() < 2);
        assertThat(bySimpleName).as("API classes sharing a simple name").isEmpty();
    }

    @Test
    void theDocumentIsValidOpenApi31() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json, null, options);
        assertThat(parsed.getMessages()).as("validation messages").isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1");
        assertThat(parsed.getOpenAPI().getPaths()).isNotEmpty();
    }

    @Test
    void everyRouteJerseyServesIsInTheDocument() throws IOException {
        JsonNode paths = document().get("paths");
        Set<String> documented = new TreeSet<>();
        paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(m)) {
                documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
            }
        }));
        Set<String> served = servedRoutes();
        assertThat(served).as("routes Jersey serves").contains("GET /v1/errors", "POST /v1/projects",
                "GET /openapi.json");
        List<String> missing = new ArrayList<>(served);
        missing.removeAll(documented);
        assertThat(missing).as("routes missing from /openapi.json").isEmpty();
        assertThat(documented).as("the ingest servlet's routes, described by hand")
                .contains("POST /v1/ingest", "POST /v1/ingest/batch");
    }

    @Test
    void eachOperationSaysWhoMayCallIt() throws IOException {
        JsonNode paths = document().get("paths");
        assertThat(paths.at("/~1v1~1errors/get/security").toString())
                .isEqualTo("[{\"bearer\":[\"errors:read\"]},{\"session\":[]}]");
        assertThat(paths.at("/~1v1~1errors~1{fingerprint}~1resolve/post/security").toString())
                .isEqualTo("[{\"bearer\":[\"errors:write\"]},{\"session\":[]}]");
        assertThat(paths.at("/~1v1~1projects/post/security").toString()).isEqualTo("[{\"session\":[]}]");
        assertThat(paths.at("/~1v1~1projects~1{slug}/delete/description").asText()).startsWith("Admins only");
        assertThat(paths.at("/~1v1~1ingest/post/security").toString()).isEqualTo("[{\"hmac\":[]}]");
        assertThat(paths.at("/~1health/get/security").toString()).isEqualTo("[]");
        assertThat(paths.at("/~1v1~1errors/get/responses/200/headers/X-Total-Count").isObject()).isTrue();
        assertThat(paths.at("/~1v1~1errors/get/responses/200/content/application~1json/schema/items/$ref").asText())
                .isEqualTo("#/components/schemas/ErrorGroup");
        assertThat(paths.at("/~1v1~1errors/get/responses/403/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/MissingScope");
        JsonNode schemes = document().at("/components/securitySchemes");
        assertThat(schemes.fieldNames()).toIterable().containsExactlyInAnyOrder("bearer", "session", "hmac");
    }

    @Test
    void requestBodiesAreTheRecordsWithTheirRules() throws IOException {
        JsonNode create = document().at("/components/schemas/ProjectCreate");
        assertThat(create.at("/properties/slug/pattern").asText()).isEqualTo("[a-z0-9-]{1,64}");
        assertThat(create.at("/properties/name/maxLength").asInt()).isEqualTo(100);
        assertThat(create.get("required")).extracting(JsonNode::asText).contains("name", "slug");
        assertThat(document().at("/paths/~1v1~1projects/post/requestBody/content/application~1json/schema/$ref")
                .asText()).isEqualTo("#/components/schemas/ProjectCreate");
    }

    /**
     * Success answers whose body is not JSON described by a schema, each with why. Anything else that
     * answers 2xx (but 204, which has no body) without a schema (an endpoint that went back to an untyped {@code Response} or
     * {@code Map}) fails the test below.
     */
    private static final Map<String, String> UNTYPED_SUCCESS = Map.of();

    @Test
    void everySuccessAnswerHasASchema() throws IOException {
        JsonNode paths = document().get("paths");
        List<String> untyped = new ArrayList<>();
        paths.fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
            if (!Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(op.getKey())) {
                return;
            }
            String route = op.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey();
            op.getValue().path("responses").fields().forEachRemaining(r -> {
                if (!r.getKey().startsWith("2") || r.getKey().equals("204") || UNTYPED_SUCCESS.containsKey(route)) {
                    return;
                }
                JsonNode content = r.getValue().path("content");
                if (content.isEmpty()) {
                    untyped.add(route + " " + r.getKey() + ": no content");
                }
                content.fields().forEachRemaining(media -> {
                    JsonNode schema = media.getValue().path("schema");
                    if (schema.isEmpty()) {
                        untyped.add(route + " " + r.getKey() + " " + media.getKey() + ": no schema");
                    }
                });
            });
        }));
        assertThat(untyped).as("2xx answers without a schema (type the endpoint, or list it in UNTYPED_SUCCESS "
                + "with the reason)").isEmpty();
        assertThat(UNTYPED_SUCCESS.keySet()).as("exceptions that are still routes").allSatisfy(route ->
                assertThat(paths.at("/" + route.substring(route.indexOf(' ') + 1).replace("~", "~0").replace("/", "~1")
                        + "/" + route.substring(0, route.indexOf(' ')).toLowerCase(Locale.ROOT)).isObject()).isTrue());
    }

    @Test
    void alertRuleConfigsShowEachTypesSettings() throws IOException {
        JsonNode schemas = document().at("/components/schemas");
        assertThat(document().at("/paths/~1v1~1alerts/post/requestBody/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/AlertRuleCreate");
        assertThat(schemas.at("/SpikeRule").toString()).contains("compare_window_secs", "baseline_window_secs",
                "multiplier", "min_events");
        assertThat(schemas.at("/ThresholdRule").toString()).contains("window_secs", "threshold", "fingerprint");
        assertThat(schemas.at("/AlertRuleConfig/discriminator/mapping/spike").asText())
                .isEqualTo("#/components/schemas/SpikeRule");
        assertThat(schemas.at("/AlertRuleConfig/oneOf")).hasSize(8);
        assertThat(schemas.at("/LlmCostRule").toString()).contains("threshold_dollars", "window_secs", "model");
        assertThat(schemas.at("/AlertRuleConfig/discriminator/mapping/llm_budget").asText())
                .isEqualTo("#/components/schemas/LlmBudgetRule");
        assertThat(schemas.at("/SpikeRule/properties/type/enum/0").asText()).isEqualTo("spike");
        assertThat(schemas.at("/WebhookChannel").toString()).contains("url", "secret");
        assertThat(document().at("/paths/~1v1~1alerts~1{id}~1channels/post/requestBody/content/application~1json/schema/$ref")
                .asText()).isEqualTo("#/components/schemas/AlertChannelConfig");
    }

    @Test
    void passkeyStartsDescribeTheWebAuthnOptionsTheBrowserIsGiven() throws IOException {
        JsonNode paths = document().at("/paths");
        assertThat(paths.at("/~1auth~1login~1start/post/responses/200/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/LoginChallenge");
        assertThat(paths.at("/~1auth~1register~1start/post/responses/200/content/application~1json/schema/$ref")
                .asText()).isEqualTo("#/components/schemas/RegistrationChallenge");
        JsonNode creation = document().at("/components/schemas/CreationOptions/properties");
        assertThat(creation.fieldNames()).toIterable().contains("rp", "user", "challenge", "pubKeyCredParams",
                "authenticatorSelection", "excludeCredentials");
        assertThat(document().at("/components/schemas/RequestOptions/properties/allowCredentials/items/$ref").asText())
                .isEqualTo("#/components/schemas/CredentialDescriptor");
    }

    @Test
    void theCommittedYamlCopyIsCurrent() throws IOException {
        String served = yaml;
        if ("1".equals(System.getenv("BLOOP_WRITE_OPENAPI"))) {
            Files.writeString(COMMITTED, served);
        }
        List<String> committed = Files.exists(COMMITTED) ? Files.readAllLines(COMMITTED) : List.of();
        List<String> current = served.lines().toList();
        int line = 0;
        while (line < Math.min(committed.size(), current.size()) && committed.get(line).equals(current.get(line))) {
            line++;
        }
        String where = line < current.size() ? current.get(line) : "(end)";
        assertThat(committed.size() == current.size() && line == current.size())
                .as("docs/openapi.yaml is out of date from line %d (served: %s): run this test with "
                        + "BLOOP_WRITE_OPENAPI=1 and commit the file", line + 1, where)
                .isTrue();
    }

    private static JsonNode document() throws IOException {
        return JSON.readTree(json);
    }

    /** "METHOD /path" for every resource method of Jersey's runtime model, but the dashboard's pages. */
    private static Set<String> servedRoutes() {
        ApplicationHandler handler = ((ServletContainer) APP.getEnvironment().getJerseyServletContainer())
                .getApplicationHandler();
        ExtendedResourceContext context = handler.getInjectionManager().getInstance(ExtendedResourceContext.class);
        Set<String> out = new TreeSet<>();
        for (Resource root : context.getResourceModel().getRootResources()) {
            collect(root, "", out);
        }
        return out;
    }

    private static void collect(Resource resource, String parent, Set<String> out) {
        String path = join(parent, resource.getPath());
        for (ResourceMethod m : resource.getResourceMethods()) {
            if (m.isExtended() || m.getInvocable().getHandler().getHandlerClass().isAnnotationPresent(Hidden.class)) {
                continue;
            }
            out.add(m.getHttpMethod() + " " + normalize(path));
        }
        for (Iterator<Resource> it = resource.getChildResources().iterator(); it.hasNext(); ) {
            collect(it.next(), path, out);
        }
    }

    private static String join(String parent, String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return parent.isEmpty() ? "/" : parent;
        }
        String p = (parent.endsWith("/") ? parent.substring(0, parent.length() - 1) : parent)
                + (path.startsWith("/") ? path : "/" + path);
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** {@code {name: regex}} templates as OpenAPI writes them: {@code {name}}. */
    private static String normalize(String path) {
        return path.replaceAll("\\{\\s*([\\w-]+)\\s*:[^}]*}", "{$1}");
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(BLOOP.url(path)));
    }
}
