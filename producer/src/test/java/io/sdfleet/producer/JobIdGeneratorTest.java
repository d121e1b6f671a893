package io.sdfleet.producer;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobIdGeneratorTest {

    @Test
    void idIsCanonicalUuidVersion7WithRfcVariantAndCurrentTime() {
        long before = System.currentTimeMillis();
        String id = new JobIdGenerator().next();
        long after = System.currentTimeMillis();

        assertEquals(36, id.length());
        assertEquals(id.toLowerCase(), id);
        UUID uuid = UUID.fromString(id);
        assertEquals(id, uuid.toString(), "round-trips through java.util.UUID unchanged");
        assertEquals(7, uuid.version());
        assertEquals(2, uuid.variant(), "RFC 4122/9562 variant (binary 10)");
        long ms = uuid.getMostSignificantBits() >>> 16;
        assertTrue(ms >= before && ms <= after, ms + " not within [" + before + ", " + after + "]");
        assertEquals(Instant.ofEpochMilli(ms), JobIdGenerator.timestampOf(id).orElseThrow());
        assertTrue(JobIdGenerator.isUuidV7(id));
    }

    @Test
    void idsAreValidJobIds() {
        String id = new JobIdGenerator().next();
        assertTrue(id.matches("[A-Za-z0-9._:-]{1,128}"), id);
    }

    @Test
    void timestampOfRejectsOtherIds() {
        assertTrue(JobIdGenerator.timestampOf("my-job-1").isEmpty());
        assertTrue(JobIdGenerator.timestampOf(UUID.randomUUID().toString()).isEmpty(), "version 4 is not v7");
        assertTrue(JobIdGenerator.timestampOf(null).isEmpty());
    }

    @Test
    void idsFromOneGeneratorStrictlyIncreaseWithinOneMillisecond() {
        Clock frozen = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        JobIdGenerator generator = new JobIdGenerator(frozen);
        String previous = generator.next();
        // Far more than the 12-bit sequence holds, so the carry into the timestamp is exercised.
        for (int i = 0; i < 20_000; i++) {
            String next = generator.next();
            assertTrue(next.compareTo(previous) > 0, previous + " !< " + next);
            previous = next;
        }
        Instant last = JobIdGenerator.timestampOf(previous).orElseThrow();
        assertTrue(last.isAfter(frozen.instant()), "overflowing sequence carried into the timestamp");
        assertTrue(last.isBefore(frozen.instant().plusMillis(20)), "carry advances the time by little: " + last);
    }

    @Test
    void idsKeepIncreasingWhenTheClockStepsBack() {
        AtomicLong now = new AtomicLong(1_800_000_000_000L);
        Clock stepping = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        JobIdGenerator generator = new JobIdGenerator(stepping);
        String first = generator.next();
        now.addAndGet(-5_000);
        String second = generator.next();
        assertTrue(second.compareTo(first) > 0);
        now.addAndGet(10_000);
        String third = generator.next();
        assertTrue(third.compareTo(second) > 0);
        assertEquals(Instant.ofEpochMilli(now.get()), JobIdGenerator.timestampOf(third).orElseThrow());
    }

    @Test
    void uniqueAndOrderedPerThreadUnderConcurrency() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        JobIdGenerator generator = new JobIdGenerator();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<List<String>> task = () -> {
                    List<String> ids = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        ids.add(generator.next());
                    }
                    return ids;
                };
                futures.add(pool.submit(task));
            }
            Set<String> all = new HashSet<>();
            for (Future<List<String>> f : futures) {
                List<String> ids = f.get();
                for (int i = 1; i < ids.size(); i++) {
                    assertTrue(ids.get(i).compareTo(ids.get(i - 1)) > 0, "a thread's ids increase");
                }
                for (String id : ids) {
                    assertTrue(all.add(id), "duplicate id " + id);
                }
            }
            assertEquals(threads * perThread, all.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void randomPartDiffersBetweenGenerators() {
        Clock frozen = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        String a = new JobIdGenerator(frozen).next();
        String b = new JobIdGenerator(frozen).next();
        assertFalse(a.equals(b), "two generators at the same millisecond still differ");
    }
}
