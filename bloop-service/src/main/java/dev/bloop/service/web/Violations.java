package dev.bloop.service.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bloop.api.ApiError;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Bean Validation failures of a request in the API's error shape. The field is named as the client
 * wrote it: the record component's JSON name ({@code in_app_include[3]}, not
 * {@code put.body.inAppInclude[3].<list element>}), or the query/path parameter's name; a constraint on
 * the body as a whole names no field. The message is the constraint's own (each says what is wrong
 * with which field). When several fail, the first in the record's field order is reported.
 */
public final class Violations {
    private Violations() {
    }

    public static ApiError toError(Collection<? extends ConstraintViolation<?>> violations) {
        ConstraintViolation<?> first = violations.stream()
                .min(Comparator.comparingInt(Violations::order).thenComparing(v -> v.getPropertyPath().toString()))
                .orElseThrow();
        return new ApiError(first.getMessage(), field(first));
    }

    /** The JSON path of the violated value, or null for the body itself. */
    static String field(ConstraintViolation<?> v) {
        StringBuilder out = new StringBuilder();
        Class<?> bean = null;
        for (Path.Node node : v.getPropertyPath()) {
            switch (node.getKind()) {
                case PARAMETER -> {
                    int i = node.as(Path.ParameterNode.class).getParameterIndex();
                    Object[] args = v.getExecutableParameters();
                    Class<?> declared = declaredParameterType(v, i);
                    if (declared != null && declared.isRecord()) {
                        bean = declared; // the body: what is below it is named as in its JSON
                    } else {
                        out.append(parameterName(v, i, node.getName()));
                    }
                }
                case PROPERTY -> {
                    if (node.isInIterable() && node.getIndex() != null) {
                        out.append('[').append(node.getIndex()).append(']');
                    }
                    if (out.length() > 0) {
                        out.append('.');
                    }
                    out.append(jsonName(bean, node.getName()));
                    bean = componentType(bean, node.getName());
                }
                case CONTAINER_ELEMENT -> {
                    if (node.isInIterable() && node.getIndex() != null) {
                        out.append('[').append(node.getIndex()).append(']');
                    }
                }
                default -> {
                }
            }
        }
        return out.length() == 0 ? null : out.toString();
    }

    private static Class<?> declaredParameterType(ConstraintViolation<?> v, int index) {
        java.lang.reflect.Method m = resourceMethod(v);
        return m == null || m.getParameterCount() <= index ? null : m.getParameterTypes()[index];
    }

    private static java.lang.reflect.Method resourceMethod(ConstraintViolation<?> v) {
        String name = firstNode(v);
        int arity = v.getExecutableParameters() == null ? -1 : v.getExecutableParameters().length;
        for (var method : v.getRootBeanClass().getMethods()) {
            if (method.getName().equals(name) && (arity < 0 || method.getParameterCount() == arity)) {
                return method;
            }
        }
        return null;
    }

    /** A query or path parameter is named by its annotation ({@code limit}), not its Java name. */
    private static String parameterName(ConstraintViolation<?> v, int index, String fallback) {
        java.lang.reflect.Method method = resourceMethod(v);
        if (method == null || method.getParameterCount() <= index) {
            return fallback;
        }
        for (var a : method.getParameterAnnotations()[index]) {
            if (a instanceof jakarta.ws.rs.QueryParam q) {
                return q.value();
            }
            if (a instanceof jakarta.ws.rs.PathParam p) {
                return p.value();
            }
            if (a instanceof jakarta.ws.rs.HeaderParam h) {
                return h.value();
            }
        }
        return fallback;
    }

    private static String firstNode(ConstraintViolation<?> v) {
        for (Path.Node node : v.getPropertyPath()) {
            return node.getName();
        }
        return "";
    }

    private static String jsonName(Class<?> bean, String javaName) {
        RecordComponent c = component(bean, javaName);
        if (c != null) {
            // @JsonProperty cannot target a record component: javac puts it on the accessor (and field)
            JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
            if (p != null && !p.value().isEmpty()) {
                return p.value();
            }
        }
        return javaName;
    }

    private static Class<?> componentType(Class<?> bean, String javaName) {
        RecordComponent c = component(bean, javaName);
        if (c == null) {
            return null;
        }
        Class<?> t = c.getType();
        if (List.class.isAssignableFrom(t) || Map.class.isAssignableFrom(t)) {
            var generic = c.getGenericType();
            if (generic instanceof java.lang.reflect.ParameterizedType p) {
                var args = p.getActualTypeArguments();
                if (args[args.length - 1] instanceof Class<?> element) {
                    return element;
                }
            }
        }
        return t;
    }

    private static RecordComponent component(Class<?> bean, String javaName) {
        if (bean == null || !bean.isRecord()) {
            return null;
        }
        for (RecordComponent c : bean.getRecordComponents()) {
            if (c.getName().equals(javaName)) {
                return c;
            }
        }
        return null;
    }

    /** The violated property's position in its record (declaration order), so the first field is reported. */
    private static int order(ConstraintViolation<?> v) {
        Object leaf = v.getLeafBean();
        String name = null;
        for (Path.Node node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.PROPERTY) {
                name = node.getName();
            }
        }
        if (leaf == null || name == null || !leaf.getClass().isRecord()) {
            return -1;
        }
        RecordComponent[] components = leaf.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            if (components[i].getName().equals(name)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }
}
