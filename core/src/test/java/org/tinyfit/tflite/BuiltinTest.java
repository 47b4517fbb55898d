package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Op;

class BuiltinTest {
    @Test void eachBuiltinHasTheSchemasNameAndIsFoundByItsCode() {
        for (Builtin b : Builtin.values()) {
            assertEquals(b.name(), BuiltinOperators.name(b.code));
            assertSame(b, Builtin.of(b.code));
        }
        assertNull(Builtin.of(BuiltinOperators.code("GELU")), "a builtin tinyfit has no op for");
        assertNull(Builtin.of(-1));
        assertNull(Builtin.of(100_000));
    }

    @Test void eachBuiltinButCustomIsReadAsTheOpOfItsNameNeverAsOpaque() {
        for (Builtin b : Builtin.values()) {
            if (b == Builtin.CUSTOM) continue;
            Op op = OptionsReader.decode(b, new OptionsReader.Opts(null), null, null, "operator 0");
            assertFalse(op instanceof Op.Opaque, b.name());
            assertEquals(b == Builtin.PADV2 ? "PAD" : b.name(), op.kind());
        }
        assertEquals(new Op.Opaque("MyOp", BuiltinOperators.CUSTOM), OptionsReader.decode(Builtin.CUSTOM, new OptionsReader.Opts(null), "MyOp", null, "operator 0"));
    }

    @Test void everyOpKindWithATfliteFormIsReadFromSomeBuiltin() {
        Set<Class<?>> read = new HashSet<>();
        for (Builtin b : Builtin.values()) {
            read.add(OptionsReader.decode(b, new OptionsReader.Opts(null), "x", null, "operator 0").getClass());
        }
        Set<Class<?>> trainingOnly = Set.of(Op.BatchNorm.class, Op.Dropout.class);
        for (Class<?> kind : Op.class.getPermittedSubclasses()) {
            if (trainingOnly.contains(kind)) continue;
            assertEquals(true, read.contains(kind), kind.getSimpleName() + " is never read from a .tflite file");
        }
    }
}
