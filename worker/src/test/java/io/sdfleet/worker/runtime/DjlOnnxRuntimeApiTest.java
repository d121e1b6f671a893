package io.sdfleet.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * DJL 0.33's onnxruntime-engine was compiled against ONNX Runtime 1.21.1; the build runs it on
 * {@code onnxruntime.version} (root pom). Every class, field and method of {@code ai.onnxruntime} that DJL's
 * engine classes link (read from their constant pools) must exist with the same descriptor in the ONNX Runtime
 * jar on this class path, or the first call would be a NoSuchMethodError. The worker's own calls are checked by
 * the compiler. Run with {@code -Dsdfleet.gpu} it checks the onnxruntime_gpu jar (same Java API).
 */
class DjlOnnxRuntimeApiTest {
    private static final String ORT = "ai/onnxruntime/";

    @Test
    void everyOnnxRuntimeMemberDjlsEngineLinksExistsInTheJarOnTheClassPath() throws IOException {
        Set<ClassFileReferences.Ref> refs = djlReferences();
        // DJL's engine uses sessions, tensors, options and the environment: far more than a handful of members
        assertTrue(refs.size() > 50, "references found: " + refs);
        List<String> missing = ClassFileReferences.unresolved(refs, getClass().getClassLoader());
        assertEquals(List.of(), missing, "DJL's onnxruntime-engine calls members this ONNX Runtime ("
                + DjlModelHandle.onnxRuntimeVersion() + ") lacks");
        System.out.println("runtime: DJL onnxruntime-engine links " + refs.size() + " ai.onnxruntime members, all present"
                + " in ONNX Runtime " + DjlModelHandle.onnxRuntimeVersion());
    }

    /** The check itself: a member that is not there, or has another descriptor, is reported. */
    @Test
    void aMissingMemberOrAChangedDescriptorIsReported() {
        Set<ClassFileReferences.Ref> refs = new LinkedHashSet<>(List.of(
                new ClassFileReferences.Ref("ai/onnxruntime/OrtSession$SessionOptions", "addCUDA", "(I)V"),
                new ClassFileReferences.Ref("ai/onnxruntime/OrtSession$SessionOptions", "addCUDA", "(J)V"),
                new ClassFileReferences.Ref("ai/onnxruntime/OrtSession$SessionOptions", "addTensorRt", "(I)V"),
                new ClassFileReferences.Ref("ai/onnxruntime/OnnxJavaType", "FLOAT", "Lai/onnxruntime/OnnxJavaType;"),
                new ClassFileReferences.Ref("ai/onnxruntime/OnnxJavaType", "FLOAT32", "Lai/onnxruntime/OnnxJavaType;"),
                new ClassFileReferences.Ref("ai/onnxruntime/NoSuchClass", null, null)));
        List<String> missing = ClassFileReferences.unresolved(refs, getClass().getClassLoader());
        assertEquals(4, missing.size(), String.join("\n", missing));
        assertTrue(missing.get(0).startsWith("ai/onnxruntime/OrtSession$SessionOptions.addCUDA:(J)V"), missing.get(0));
        assertTrue(missing.get(3).contains("class ai/onnxruntime/NoSuchClass not found"), missing.get(3));
    }

    /** Every ai.onnxruntime reference of every class in the jar holding DJL's OrtEngine. */
    static Set<ClassFileReferences.Ref> djlReferences() throws IOException {
        URL engine = DjlOnnxRuntimeApiTest.class.getClassLoader().getResource("ai/djl/onnxruntime/engine/OrtEngine.class");
        assertTrue(engine != null && engine.getProtocol().equals("jar"), "DJL's onnxruntime-engine jar on the class path: " + engine);
        Set<ClassFileReferences.Ref> refs = new LinkedHashSet<>();
        JarURLConnection connection = (JarURLConnection) engine.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            List<JarEntry> classes = new ArrayList<>();
            for (JarEntry e : Collections.list(jar.entries())) {
                if (e.getName().startsWith("ai/djl/onnxruntime/") && e.getName().endsWith(".class")) {
                    classes.add(e);
                }
            }
            for (JarEntry e : classes) {
                try (var in = jar.getInputStream(e)) {
                    refs.addAll(ClassFileReferences.references(in.readAllBytes(), ORT));
                }
            }
        }
        return refs;
    }
}
