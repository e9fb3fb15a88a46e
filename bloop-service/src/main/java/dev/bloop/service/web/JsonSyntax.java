package dev.bloop.service.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.io.JsonEOFException;

/**
 * Describes why a body is not JSON in our own words, with where it went wrong. Jackson's messages
 * name its classes and features ("enable JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS") and quote the
 * input; neither belongs in an answer to a client.
 */
public final class JsonSyntax {
    private JsonSyntax() {
    }

    public static String describe(JsonProcessingException e) {
        return "malformed JSON: " + problem(e) + where(e.getLocation());
    }

    private static String problem(JsonProcessingException e) {
        if (e instanceof JsonEOFException) {
            return "the body ends before the JSON value is complete";
        }
        if (e instanceof InputCoercionException) {
            return "a number is out of range";
        }
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (m.startsWith("Non-standard token") || m.contains("NaN") || m.contains("Infinity")) {
            return "NaN and Infinity are not JSON numbers";
        }
        if (m.startsWith("Invalid UTF-8") || m.contains("UTF-8")) {
            return "the body is not valid UTF-8";
        }
        if (m.startsWith("Duplicate field")) {
            return "a field appears twice";
        }
        if (m.startsWith("Trailing token") || m.contains("trailing")) {
            return "unexpected content after the JSON value";
        }
        if (m.startsWith("Unexpected end-of-input")) {
            return "the body ends before the JSON value is complete";
        }
        if (m.contains("control character")) {
            return "an unescaped control character in a string";
        }
        if (m.startsWith("Unexpected character") || m.startsWith("Unrecognized token")) {
            return "unexpected character";
        }
        if (m.contains("Numeric value") || m.contains("out of range")) {
            return "a number is out of range";
        }
        return "not a valid JSON document";
    }

    private static String where(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
