package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.worker.model.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineProfilesTest {
    private final EngineProfiles profiles = EngineProfiles.parse("4x64x64, 1x64x64,2x64x64,8x64x64,2x96x64");

    @Test
    void picksTheSmallestEngineBatchThatHoldsTheRequest() {
        assertEquals(Optional.of(new EngineProfile(1, 64, 64)), profiles.select(1, 64, 64));
        assertEquals(Optional.of(new EngineProfile(4, 64, 64)), profiles.select(3, 64, 64));
        assertEquals(Optional.of(new EngineProfile(8, 64, 64)), profiles.select(5, 64, 64));
        assertEquals(Optional.of(new EngineProfile(2, 96, 64)), profiles.select(1, 96, 64));
        assertEquals(Optional.empty(), profiles.select(9, 64, 64));
        assertEquals(Optional.empty(), profiles.select(1, 64, 96), "height and width are not interchangeable");
        assertEquals(8, profiles.maxBatch(64, 64));
        assertEquals(0, profiles.maxBatch(32, 32));
    }

    @Test
    void padsWithZeroItemsAndCutsTheOutputBack() {
        float[] two = {1, 2, 3, 4, 5, 6};
        float[] padded = EngineProfiles.padBatch(two, 2, 4, 3);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0}, padded);
        assertArrayEquals(two, EngineProfiles.firstItems(padded, 2, 3));
        assertSame(two, EngineProfiles.padBatch(two, 2, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> EngineProfiles.padBatch(two, 2, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> EngineProfiles.padBatch(two, 3, 4, 3));
    }

    @Test
    void namesEngineFilesByProfile() {
        assertEquals("unet-b2-h64-w96.plan", new EngineProfile(2, 64, 96).fileName("plan"));
        assertEquals("1x64x64,2x64x64,4x64x64,8x64x64,2x96x64", profiles.toString());
    }

    @Test
    void rejectsMalformedAndDuplicateProfiles() {
        assertThrows(IllegalArgumentException.class, () -> EngineProfiles.parse("2x64"));
        assertThrows(IllegalArgumentException.class, () -> EngineProfiles.parse("0x64x64"));
        assertThrows(IllegalArgumentException.class, () -> EngineProfiles.parse("ax64x64"));
        assertThrows(IllegalArgumentException.class, () -> EngineProfiles.parse("2x64x64,2x64x64"));
        assertThrows(IllegalArgumentException.class, () -> EngineProfiles.parse(" "));
    }

    @Test
    void locatesOneEngineFilePerProfileAndNamesTheMissingOnes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("unet-b1-h64-w64.plan"), "x");
        Files.writeString(dir.resolve("unet-b2-h64-w64.onnx"), "x");
        EngineProfiles two = EngineProfiles.parse("1x64x64,2x64x64");
        var files = TensorRtUNetRuntime.locate(dir, two);
        assertEquals(dir.resolve("unet-b1-h64-w64.plan"), files.get(new EngineProfile(1, 64, 64)));
        assertEquals(dir.resolve("unet-b2-h64-w64.onnx"), files.get(new EngineProfile(2, 64, 64)));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> TensorRtUNetRuntime.locate(dir, EngineProfiles.parse("1x64x64,4x64x64")));
        assertTrue(e.getMessage().contains("unet-b4-h64-w64.plan"), e.getMessage());
        assertTrue(!e.getMessage().contains("unet-b1-h64-w64"), e.getMessage());
    }
}
