package org.tinyfit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonErrorsTest {
    private static String describe(String json) {
        return JsonErrors.describe(assertThrows(JsonProcessingException.class, () -> new ObjectMapper().readTree(json)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"layers\":[{\"dense\":2},]}|' at line 1, column 24: unexpected '']'' where a value should be (a comma too many before it?)'",
        "{\"layers\":[{\"dense\":2}|' at line 1, column 23: the text ends before a '']'' closes a list'",
        "{\"layers\":2|' at line 1, column 12: the text ends before a ''}'' closes an object'",
        "{layers:2}|' at line 1, column 2: unexpected ''l''; a key must be a string in double quotes'",
        "{\"a\":relu}|' at line 1, column 6: ''relu'' is not a JSON value (text needs double quotes)'",
        "{\"a\":1 \"b\":2}|' at line 1, column 8: unexpected ''\"''; expected a comma or the closing bracket'",
    })
    void aSyntaxErrorSaysWhereAndWhatWasExpectedInOneLine(String json, String want) {
        String got = describe(json);
        assertEquals(want, got);
        assertFalse(got.contains("Source") || got.contains("code ") || got.contains("\n"), got);
    }
}
