package dev.chainrule.engine.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.chainrule.engine.base.BadInputException;

/**
 * Data binding of the run folder's JSON files (model.json, checkpoint/state.json) to records, for files that
 * may come from anywhere: a value of the wrong JSON type is an error, never coerced (no "5" for 5, no 1.5 for
 * an integer), and the error is one line naming the file and the field's path.
 */
public final class JsonRecords {
    private JsonRecords() {
    }

    /** A copy of {@code mapper} that binds strictly (see the class comment); unknown fields are ignored. */
    public static ObjectMapper strict(ObjectMapper mapper) {
        ObjectMapper m = mapper.copy();
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m;
    }

    /** {@code tree} as a {@code type}, or a {@link BadInputException} {@code shown: path: why}. */
    public static <T> T bind(ObjectMapper strict, JsonNode tree, Class<T> type, String shown) {
        try {
            return strict.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference r : e.getPath()) {
                if (r.getFieldName() != null) {
                    path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    path.append('[').append(r.getIndex()).append(']');
                }
            }
            String why = String.valueOf(e.getOriginalMessage()).split("\n")[0];
            throw new BadInputException(shown + ": " + (path.length() == 0 ? "" : path + ": ") + Text.escape(why));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new BadInputException(shown + ": " + Text.escape(String.valueOf(e.getMessage()).split("\n")[0]));
        }
    }
}
