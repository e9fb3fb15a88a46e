package dev.bloop.service.apidoc;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.swagger.v3.oas.models.media.Discriminator;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A body that is one of several records chosen by {@code type} (a sealed interface of {@code dev.bloop.api}
 * with {@code @JsonSubTypes}) as a reader and a generator expect it: the interface's schema is a
 * {@code oneOf} of the records with a discriminator mapping each {@code type} value to its record, and
 * each record lists its own {@code type} (one value) beside its settings. Swagger alone writes each
 * record as {@code allOf} the interface, whose schema then names neither the records nor the values.
 */
final class OneOfSchemas {
    private static final String REF = "#/components/schemas/";
    private static final String API_PACKAGE = "dev.bloop.api.";

    private OneOfSchemas() {
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static void apply(Map<String, Schema> schemas) {
        for (String name : List.copyOf(schemas.keySet())) {
            Schema base = schemas.get(name);
            JsonSubTypes kinds = kinds(name);
            if (base.getDiscriminator() == null || kinds == null) {
                continue;
            }
            String property = base.getDiscriminator().getPropertyName();
            List<Schema> oneOf = new ArrayList<>();
            Map<String, String> mapping = new LinkedHashMap<>();
            for (JsonSubTypes.Type kind : kinds.value()) {
                String child = kind.value().getSimpleName();
                Schema schema = schemas.get(child);
                if (schema == null) {
                    continue;
                }
                Schema own = schema.getAllOf() == null ? schema : ((List<Schema>) schema.getAllOf()).stream()
                        .filter(s -> s.get$ref() == null).findFirst().orElseGet(JsonSchema::new);
                Map<String, Schema> properties = new LinkedHashMap<>();
                properties.put(property, new JsonSchema().types(new LinkedHashSet<>(Set.of("string")))
                        ._enum(List.of(kind.name())));
                if (own.getProperties() != null) {
                    properties.putAll(own.getProperties());
                }
                List<String> required = new ArrayList<>(List.of(property));
                if (schema.getRequired() != null) {
                    required.addAll(schema.getRequired());
                }
                Schema flat = new JsonSchema().types(new LinkedHashSet<>(Set.of("object"))).properties(properties)
                        .required(required).description(schema.getDescription());
                schemas.put(child, flat);
                oneOf.add(new JsonSchema().$ref(REF + child));
                mapping.put(kind.name(), REF + child);
            }
            schemas.put(name, new JsonSchema().oneOf(oneOf).description(base.getDescription())
                    .discriminator(new Discriminator().propertyName(property).mapping(mapping)));
        }
    }

    private static JsonSubTypes kinds(String schemaName) {
        try {
            return Class.forName(API_PACKAGE + schemaName).getAnnotation(JsonSubTypes.class);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
