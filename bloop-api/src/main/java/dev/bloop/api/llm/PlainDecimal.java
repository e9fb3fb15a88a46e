package dev.bloop.api.llm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.math.BigDecimal;

/** Money as a plain JSON number ({@code 0.000000015}, never {@code 1.5E-8}), trailing zeros dropped. */
public final class PlainDecimal extends StdSerializer<BigDecimal> {
    private static final long serialVersionUID = 1L;

    public PlainDecimal() {
        super(BigDecimal.class);
    }

    @Override
    public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        BigDecimal v = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        gen.writeNumber(v.scale() < 0 ? v.setScale(0).toPlainString() : v.toPlainString());
    }
}
