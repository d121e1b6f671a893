package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runtime identities name the engine version, device and precision: each changes the bytes. */
class IdentityTest {
    @Test
    void onnxRuntimeIdentityNamesVersionProviderDeviceAndPrecision() {
        RuntimeSettings cpu = RuntimeSettings.defaults();
        assertEquals("onnxruntime-1.2.3/cpu", DjlModelHandle.onnxRuntimeIdentity("1.2.3", cpu));
        RuntimeSettings cuda = new RuntimeSettings(RuntimeKind.ONNXRUNTIME, OrtProvider.CUDA, 2, 0, 0, true,
                java.util.Optional.empty(), java.util.Optional.empty(), cpu.engineProfiles(), true);
        assertEquals("onnxruntime-1.2.3/cuda:2", DjlModelHandle.onnxRuntimeIdentity("1.2.3", cuda));
        assertEquals("onnxruntime-1.2.3/tensorrt:2/fp16",
                DjlModelHandle.onnxRuntimeIdentity("1.2.3", cuda.withOrtProvider(OrtProvider.TENSORRT)));
    }

    @Test
    void tensorRtIdentityNamesVersionDeviceAndPrecision() {
        RuntimeSettings settings = RuntimeSettings.defaults().withKind(RuntimeKind.TENSORRT)
                .withEngines(Path.of("engines"), RuntimeSettings.defaults().engineProfiles());
        assertEquals("tensorrt-8.6.1/cuda:0/fp16", DjlModelHandle.tensorRtIdentity("8.6.1", settings));
    }
}
