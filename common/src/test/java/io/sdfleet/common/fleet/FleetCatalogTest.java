package io.sdfleet.common.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetCatalogTest {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    static WorkerAnnouncement announcement(String worker, String model, String state, Instant at) {
        return new WorkerAnnouncement(WorkerAnnouncement.SCHEMA, worker, model, "sha256:00", "sd.requests." + model,
                "g." + model, new SizeSupport(64, 64, 2048, List.of()), List.of("pndm", "euler-a"), List.of("txt2img"),
                "ort/cpu", 4, "dev", state, 5000, at);
    }

    @Test
    void latestAnnouncementPerWorkerWinsAndATombstoneRemovesIt() {
        FleetCatalog c = new FleetCatalog();
        c.apply("w1", announcement("w1", "a", "STARTING", T0));
        c.apply("w1", announcement("w1", "a", "RUNNING", T0.plusSeconds(5)));
        c.apply("w2", announcement("w2", "b", "RUNNING", T0.plusSeconds(5)));
        c.apply("w3", announcement("w3", "b", "RUNNING", T0.plusSeconds(5)));
        c.apply("w3", null);
        List<WorkerAnnouncement> live = c.live(T0.plusSeconds(6));
        assertEquals(List.of("w1", "w2"), live.stream().map(WorkerAnnouncement::workerId).toList());
        assertEquals("RUNNING", live.get(0).state());
        assertEquals(List.of("a", "b"), FleetCatalog.modelNames(live));
        assertEquals(List.of("a", "b"), List.copyOf(c.liveByModel(T0.plusSeconds(6)).keySet()));
    }

    @Test
    void aWorkerNotHeardFromForThreeHeartbeatsOrClosedIsGone() {
        FleetCatalog c = new FleetCatalog();
        c.apply("w1", announcement("w1", "a", "RUNNING", T0));
        c.apply("w2", announcement("w2", "a", "CLOSED", T0));
        assertEquals(List.of("w1"), c.live(T0.plusSeconds(15)).stream().map(WorkerAnnouncement::workerId).toList());
        assertEquals(List.of(), c.live(T0.plusSeconds(15).plusMillis(1)));
    }

    @Test
    void codecRoundTripsAndSkipsWhatItCannotRead() {
        WorkerAnnouncement a = announcement("w1", "a", "RUNNING", T0);
        assertEquals(a, FleetCodec.decodeAnnouncement(FleetCodec.encode(a)).orElseThrow());
        assertTrue(FleetCodec.decodeAnnouncement(null).isEmpty());
        assertTrue(FleetCodec.decodeAnnouncement("{\"schema\":\"sdfleet.worker/v2\"}".getBytes(StandardCharsets.UTF_8))
                .isEmpty());
        assertTrue(FleetCodec.decodeAnnouncement("not json".getBytes(StandardCharsets.UTF_8)).isEmpty());
        ProgressEvent p = new ProgressEvent(ProgressEvent.SCHEMA, "j", "w", ProgressEvent.Phase.STEP, 3, 10, 30, 0, 0,
                12.5, T0);
        assertEquals(p, FleetCodec.decodeProgress(FleetCodec.encode(p)).orElseThrow());
        assertEquals(1.0 / 3, p.fraction(), 1e-9);
    }

    @Test
    void sizeSupport() {
        SizeSupport any = new SizeSupport(64, 64, 2048, List.of());
        assertTrue(any.serves(512, 768));
        assertTrue(!any.serves(500, 512));
        SizeSupport engines = new SizeSupport(64, 512, 768, List.of("512x512", "768x768"));
        assertTrue(engines.serves(768, 768) && !engines.serves(512, 768));
        assertEquals("512x512,768x768", engines.describe());
    }
}
