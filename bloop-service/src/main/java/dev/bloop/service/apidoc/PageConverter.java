package dev.bloop.service.apidoc;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.bloop.api.Page;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.oas.models.media.Schema;
import java.util.Iterator;
import java.util.List;

/** A {@link Page} of T is, on the wire, a JSON array of T (its total goes in a header): so is its schema. */
final class PageConverter implements ModelConverter {
    @Override
    public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
        JavaType t = TypeFactory.defaultInstance().constructType(type.getType());
        if (t.getRawClass() == Page.class) {
            JavaType items = TypeFactory.defaultInstance().constructCollectionType(List.class,
                    t.containedTypeOrUnknown(0));
            return context.resolve(new AnnotatedType(items).resolveAsRef(true));
        }
        return chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
    }

    @Override
    public boolean isOpenapi31() {
        return true;
    }
}
