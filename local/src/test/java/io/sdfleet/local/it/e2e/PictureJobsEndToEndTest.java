package io.sdfleet.local.it.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sdfleet.common.Completion;
import io.sdfleet.common.CompletionStatus;
import io.sdfleet.common.FailureReason;
import io.sdfleet.common.InvalidRequestException;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.ObjectReference;
import io.sdfleet.common.SchedulerName;
import io.sdfleet.common.SdfleetHeaders;
import io.sdfleet.local.LocalStack;
import io.sdfleet.local.LocalStackExtension;
import io.sdfleet.producer.ModelNotServedException;
import io.sdfleet.producer.PictureUploadException;
import io.sdfleet.producer.SdfleetProducer;
import io.sdfleet.producer.SubmitResult;
import io.sdfleet.worker.store.ObjectNotFoundException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * img2img and inpainting through the whole fleet: the producer library uploads local pictures to the input
 * prefix (content-addressed), the worker fetches, checks, decodes and fits them, runs them beside txt2img jobs,
 * and completes each job once. What happens on each bad input:
 * <ul>
 *   <li>a missing object: FAILED {@code INIT_IMAGE_NOT_FOUND}; bytes that do not have the request's sha256:
 *       FAILED {@code INIT_IMAGE_MISMATCH}; a text file named .png, a PNG header declaring 100000 x 100000 pixels
 *       (nothing decoded), a mask of another size: FAILED {@code INIT_IMAGE_INVALID}; the worker keeps running;</li>
 *   <li>a key outside the input prefix, a strength that runs no step, a v1 record with a picture: dead-lettered
 *       ({@code INVALID_FIELDS}) without any fetch;</li>
 *   <li>a local picture with no object store configured: refused by the producer before anything is sent;</li>
 *   <li>a request the producer refuses (a bad field, a model no live worker serves), alone or in a batch: its
 *       picture is not uploaded (every check that needs no bytes runs before the upload).</li>
 * </ul>
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class PictureJobsEndToEndTest {

    @Test
    void picturesAreUploadedByTheProducerAndJobsFromThemRunBesideTxt2img(LocalStack stack, @TempDir Path dir)
            throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-pictures")) {
            s.startWorker("w1", Map.of());
            Path photo = write(dir.resolve("photo.png"), picture(64, 64, 0), "png");
            Path large = write(dir.resolve("large.jpg"), picture(96, 80, 1), "jpg");
            Path mask = write(dir.resolve("mask.png"), mask(64, 64), "png");
            List<JobRequest> sent = s.submit(List.of(
                    JobRequest.builder("a watercolor fox").size(64, 64).steps(10).scheduler(SchedulerName.EULER_ANCESTRAL)
                            .initImage(photo).strength(0.6).numImages(2).build(),
                    JobRequest.builder("a resized photo").size(64, 64).steps(8).initImage(large).build(),
                    JobRequest.builder("repaint the right half").size(64, 64).steps(6).scheduler(SchedulerName.DDIM)
                            .initImage(photo).maskImage(mask).strength(1.0).build(),
                    JobRequest.builder("plain txt2img beside them").size(64, 64).steps(4).build()));
            Map<String, Completion> done = s.awaitCompletions(sent.stream().map(JobRequest::jobId).toList());

            Completion img2img = done.get(sent.get(0).jobId());
            assertEquals(CompletionStatus.SUCCEEDED, img2img.status(), () -> String.valueOf(img2img.error()));
            assertEquals(6, img2img.stepsRun(), "int(10 x 0.6) steps");
            ObjectReference ref = img2img.request().initImage();
            assertEquals("inputs/" + ObjectReference.sha256Hex(Files.readAllBytes(photo)) + ".png", ref.key(),
                    "content-addressed under the input prefix");
            assertArrayEquals(Files.readAllBytes(photo), s.object(ref.key()), "the upload is the file");
            assertEquals(2, img2img.images().size());
            String parameters = PngText.chunks(s.image(img2img, 0)).get("parameters");
            assertTrue(parameters.contains("Denoising strength: 0.6"), parameters);

            Completion resized = done.get(sent.get(1).jobId());
            assertEquals(CompletionStatus.SUCCEEDED, resized.status(), () -> String.valueOf(resized.error()));
            assertEquals(6, resized.stepsRun(), "int(8 x 0.8): the default strength");
            assertTrue(resized.request().initImage().key().endsWith(".jpg"), "the extension is the content's");

            Completion inpaint = done.get(sent.get(2).jobId());
            assertEquals(CompletionStatus.SUCCEEDED, inpaint.status(), () -> String.valueOf(inpaint.error()));
            assertEquals(6, inpaint.stepsRun());
            assertEquals(ref, inpaint.request().initImage(), "the same file is stored once");
            assertEquals(64, inpaint.images().get(0).width());

            Completion txt2img = done.get(sent.get(3).jobId());
            assertEquals(CompletionStatus.SUCCEEDED, txt2img.status());
            assertEquals(4, txt2img.stepsRun());

            // The same request again (as a replay sends it: same references, seed and fields) makes the same bytes;
            // another strength makes other ones.
            JobRequest again = sent.get(0).toBuilder().jobId(null).regenerationOf(sent.get(0).jobId()).build();
            JobRequest weaker = sent.get(0).toBuilder().jobId(null).strength(0.3).build();
            List<JobRequest> second = s.submit(List.of(again, weaker));
            Map<String, Completion> redone = s.awaitCompletions(second.stream().map(JobRequest::jobId).toList());
            byte[] first = s.image(img2img, 1);
            assertArrayEquals(first, s.image(redone.get(second.get(0).jobId()), 1), "byte-identical regeneration");
            assertFalse(java.util.Arrays.equals(first, s.image(redone.get(second.get(1).jobId()), 1)));
            assertEquals(3, redone.get(second.get(1).jobId()).stepsRun());
        }
    }

    @Test
    void everyBadPictureFailsItsJobWithItsCodeAndTheWorkerGoesOn(LocalStack stack) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-bad-pictures");
                var writer = io.sdfleet.worker.store.S3ImageStore.create(io.sdfleet.worker.WorkerSettings.fromEnv(
                        s.env("writer", Map.of()), () -> "writer").store())) {
            s.startWorker("w1", Map.of());
            byte[] good = png(picture(64, 64, 2));
            writer.put("inputs/bad-good.png", good, Map.of());
            byte[] text = "not a picture at all, only a text file named .png".getBytes(StandardCharsets.UTF_8);
            writer.put("inputs/bad-text.png", text, Map.of());
            byte[] bomb = pngHeaderOnly(100_000, 100_000);
            writer.put("inputs/bad-bomb.png", bomb, Map.of());
            byte[] smallMask = png(mask(32, 32));
            writer.put("inputs/bad-small-mask.png", smallMask, Map.of());
            ObjectReference goodRef = ObjectReference.of("inputs/bad-good.png", good);
            List<JobRequest> jobs = List.of(
                    picture("missing", ObjectReference.of("inputs/does-not-exist.png", good), null),
                    picture("mismatch", new ObjectReference("inputs/bad-good.png", ObjectReference.sha256Hex(text)),
                            null),
                    picture("text", ObjectReference.of("inputs/bad-text.png", text), null),
                    picture("bomb", ObjectReference.of("inputs/bad-bomb.png", bomb), null),
                    picture("mask of another size", goodRef, ObjectReference.of("inputs/bad-small-mask.png",
                            smallMask)),
                    picture("a good one after them", goodRef, null));
            List<JobRequest> sent = s.submit(jobs);
            Map<String, Completion> done = s.awaitCompletions(sent.stream().map(JobRequest::jobId).toList());
            List<String> codes = new ArrayList<>();
            for (JobRequest r : sent) {
                Completion c = done.get(r.jobId());
                codes.add(c.status() == CompletionStatus.SUCCEEDED ? "SUCCEEDED" : c.error().code());
            }
            assertEquals(List.of("INIT_IMAGE_NOT_FOUND", "INIT_IMAGE_MISMATCH", "INIT_IMAGE_INVALID",
                    "INIT_IMAGE_INVALID", "INIT_IMAGE_INVALID", "SUCCEEDED"), codes);
            assertTrue(done.get(sent.get(3).jobId()).error().message().contains("100000 x 100000"),
                    done.get(sent.get(3).jobId()).error().message());
            assertTrue(done.get(sent.get(4).jobId()).error().message().contains("32x32"));
            assertEquals(sent.size(), s.allCompletions(sent.size()).size(), "one completion per job");
        }
    }

    @Test
    void recordsNamingPicturesTheWorkerMustNotFetchAreDeadLettered(LocalStack stack) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-picture-dlq");
                KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            s.startWorker("w1", Map.of());
            String sha = "0".repeat(64);
            List<String> records = List.of(
                    "{'schema':'sdfleet.job/v2','jobId':'outside','seed':1,'prompt':'a','initImage':"
                            + "{'key':'images/other-job/0.png','sha256':'" + sha + "'}}",
                    "{'schema':'sdfleet.job/v2','jobId':'no-step','seed':1,'prompt':'a','steps':10,'strength':0.05,"
                            + "'initImage':{'key':'inputs/x.png','sha256':'" + sha + "'}}",
                    "{'schema':'sdfleet.job/v1','jobId':'v1-with-picture','seed':1,'prompt':'a','initImage':"
                            + "{'key':'inputs/x.png','sha256':'" + sha + "'}}");
            for (String json : records) {
                raw.send(new ProducerRecord<>(s.corner.requests(), json.replace('\'', '"')
                        .getBytes(StandardCharsets.UTF_8))).get();
            }
            // A DLQ record is the original record with the reason and the violations in its headers.
            Map<String, String> why = new java.util.TreeMap<>();
            s.corner.readCommitted(s.corner.dlq(), r -> {
                String value = new String(r.value(), StandardCharsets.UTF_8);
                String jobId = value.replaceAll(".*\"jobId\":\"([^\"]+)\".*", "$1");
                assertEquals(FailureReason.INVALID_FIELDS.code(), header(r, SdfleetHeaders.DLQ_REASON), value);
                why.put(jobId, header(r, SdfleetHeaders.DLQ_MESSAGE).replaceFirst("^INVALID_FIELDS: ", ""));
                return why.size() >= records.size();
            }, FleetScenario.WAIT, FleetScenario.WAIT);
            assertEquals(records.size(), why.size(), why.toString());
            assertTrue(why.get("outside").startsWith("initImage: key \"images/other-job/0.png\" is not under"),
                    why.toString());
            assertTrue(why.get("no-step").contains("runs no denoising step"), why.toString());
            assertTrue(why.get("v1-with-picture").startsWith("schema:"), why.toString());
        }
    }

    @Test
    void anInpaintingModelRunsInpaintJobsAndRefusesOthersWithUnsupportedMode(LocalStack stack) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-inpaint-model")) {
            Path inpaintModel = Path.of(s.env("w1", Map.of()).get("SDFLEET_MODEL_DIR")).resolveSibling(
                    "tiny-sd-inpaint");
            s.startWorker("w1", Map.of("SDFLEET_MODEL_DIR", inpaintModel.toString()));
            Path dir = Files.createTempDirectory("sdfleet-inpaint");
            Path photo = write(dir.resolve("p.png"), picture(64, 64, 3), "png");
            Path mask = write(dir.resolve("m.png"), mask(64, 64), "png");
            List<JobRequest> sent = s.submit(List.of(
                    JobRequest.builder("inpaint on a 9-channel UNet").size(64, 64).steps(5).initImage(photo)
                            .maskImage(mask).strength(0.6).build(),
                    JobRequest.builder("txt2img on an inpainting model").size(64, 64).steps(2).build(),
                    JobRequest.builder("img2img on an inpainting model").size(64, 64).steps(2).initImage(photo)
                            .build()));
            Map<String, Completion> done = s.awaitCompletions(sent.stream().map(JobRequest::jobId).toList());
            Completion inpaint = done.get(sent.get(0).jobId());
            assertEquals(CompletionStatus.SUCCEEDED, inpaint.status(), () -> String.valueOf(inpaint.error()));
            assertEquals(3, inpaint.stepsRun());
            for (int i = 1; i < 3; i++) {
                Completion c = done.get(sent.get(i).jobId());
                assertEquals("UNSUPPORTED_MODE", c.error().code(), c.toString());
                assertTrue(c.error().message().contains("inpainting UNet"), c.error().message());
            }
        }
    }

    @Test
    void aLocalPictureWithoutAnObjectStoreIsRefusedBeforeSending(LocalStack stack, @TempDir Path dir)
            throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-no-store")) {
            Map<String, String> env = s.env("p", Map.of());
            env.keySet().removeIf(k -> k.startsWith("SDFLEET_S3_"));
            // no worker runs, the model check is on: the missing store is reported first, at once
            Path photo = write(dir.resolve("photo.png"), picture(64, 64, 4), "png");
            try (SdfleetProducer producer = SdfleetProducer.builder().env(env).build()) {
                PictureUploadException e = assertThrows(PictureUploadException.class, () -> producer.submit(
                        JobRequest.builder("no store").size(64, 64).initImage(photo).build()));
                assertTrue(e.getMessage().contains("SDFLEET_S3_ENDPOINT"), e.getMessage());
            }
            List<Completion> none = new ArrayList<>();
            s.corner.readCommitted(s.corner.requests(), r -> none.add(null), java.time.Duration.ofSeconds(1),
                    FleetScenario.WAIT);
            assertEquals(0, none.size(), "nothing was sent");
        }
    }

    @Test
    void aRequestTheProducerRefusesUploadsNothing(LocalStack stack, @TempDir Path dir) throws Exception {
        try (FleetScenario s = new FleetScenario(stack, "e2e-refused-uploads")) {
            s.startWorker("w1", Map.of()); // the fleet catalog then names the served model: the model check is on
            Path badField = write(dir.resolve("bad-field.png"), picture(64, 64, 11), "png");
            Path unserved = write(dir.resolve("unserved.png"), picture(64, 64, 12), "png");
            Path inBatchBad = write(dir.resolve("batch-bad.png"), picture(64, 64, 13), "png");
            Path inBatchGood = write(dir.resolve("batch-good.png"), picture(64, 64, 14), "png");
            Path inBatchUnserved = write(dir.resolve("batch-unserved.png"), picture(64, 64, 15), "png");
            try (SdfleetProducer producer = SdfleetProducer.builder().env(s.env("p", Map.of())).build()) {
                // a field the validator refuses: steps 0
                assertThrows(InvalidRequestException.class, () -> producer.submit(JobRequest.builder("no steps")
                        .size(64, 64).steps(0).initImage(badField).build()));
                // a model no live worker serves
                assertThrows(ModelNotServedException.class, () -> producer.submitAsync(JobRequest.builder("nobody")
                        .size(64, 64).model("no-such-model").initImage(unserved).build()));
                // in a batch: the refused entry uploads nothing, the good one its picture
                List<SubmitResult> results = producer.submitAll(List.of(
                        JobRequest.builder("too strong").size(64, 64).initImage(inBatchBad).strength(1.5).build(),
                        JobRequest.builder("fine").size(64, 64).steps(4).initImage(inBatchGood).build(),
                        JobRequest.builder("nobody").size(64, 64).model("no-such-model").initImage(inBatchUnserved)
                                .build()));
                assertInstanceOf(InvalidRequestException.class, results.get(0).failure(), results.get(0).toString());
                assertTrue(results.get(1).isSent(), results.get(1).toString());
                assertInstanceOf(ModelNotServedException.class, results.get(2).failure(), results.get(2).toString());
            }
            for (Path refused : List.of(badField, unserved, inBatchBad, inBatchUnserved)) {
                assertFalse(stored(s, inputKey(refused)), refused.getFileName() + " was uploaded, its request refused");
            }
            assertTrue(stored(s, inputKey(inBatchGood)), "the sent request's picture is in the store");
        }
    }

    private static String inputKey(Path png) throws Exception {
        return "inputs/" + ObjectReference.sha256Hex(Files.readAllBytes(png)) + ".png";
    }

    private static boolean stored(FleetScenario s, String key) throws Exception {
        try {
            s.object(key);
            return true;
        } catch (ObjectNotFoundException e) {
            return false;
        }
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JobRequest picture(String prompt, ObjectReference init, ObjectReference mask) {
        return JobRequest.builder(prompt).size(64, 64).steps(4).initImage(init).maskImage(mask).build();
    }

    /** A deterministic colourful picture (different per variant). */
    private static BufferedImage picture(int width, int height, int variant) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + 40 * variant) & 0xFF;
                int g = (y * 255 / height) & 0xFF;
                int b = ((x + y) * 7 + 60 * variant) & 0xFF;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    /** White (repaint) on the right half, black (keep) on the left. */
    private static BufferedImage mask(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, x >= width / 2 ? 0xFFFFFF : 0);
            }
        }
        return image;
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static Path write(Path file, BufferedImage image, String format) throws Exception {
        ImageIO.write(image, format, file.toFile());
        return file;
    }

    /** A PNG signature and an IHDR chunk (valid CRC) declaring the given size, and nothing else. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width)
                .putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }
}
