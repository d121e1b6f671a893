package io.sdfleet.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdfleet.common.JobRequestLimits;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageSizeRuleTest {

    @Test
    void sizesOnTheMultipleRun() {
        ImageSizeRule sd = new ImageSizeRule(64);
        assertEquals(Optional.empty(), sd.violation(64, 64));
        assertEquals(Optional.empty(), sd.violation(512, 768));
        assertEquals(Optional.empty(), sd.violation(JobRequestLimits.MAX_SIZE, JobRequestLimits.MIN_SIZE));
    }

    @Test
    void anOffSizeNamesTheMultipleAndTheNearestSizesThatRun() {
        ImageSizeRule sd = new ImageSizeRule(64);
        assertEquals("64x72: this model takes sizes that are multiples of 64 pixels; try 64x64 or 64x128",
                sd.violation(64, 72).orElseThrow());
        assertEquals("520x200: this model takes sizes that are multiples of 64 pixels; try 512x192 or 576x256",
                sd.violation(520, 200).orElseThrow());
        assertEquals("64x72: this model takes sizes that are multiples of 16 pixels; try 64x64 or 64x80",
                new ImageSizeRule(16).violation(64, 72).orElseThrow());
    }

    @Test
    void suggestionsStayInsideTheContract() {
        ImageSizeRule sd = new ImageSizeRule(64);
        assertEquals("2040x96: this model takes sizes that are multiples of 96 pixels; try 2016x96",
                new ImageSizeRule(96).violation(2040, 96).orElseThrow(), "2112 is above the contract's largest side");
        assertEquals("2040x64: this model takes sizes that are multiples of 64 pixels; try 1984x64 or 2048x64",
                sd.violation(2040, 64).orElseThrow(), "the largest side itself is allowed");
        assertEquals("64x64: this model takes sizes that are multiples of 128 pixels; try 128x128",
                new ImageSizeRule(128).violation(64, 64).orElseThrow(), "0 is below the smallest side");
    }

    @Test
    void theSmallestSideIsTheContractsMinimumRoundedUp() {
        assertEquals(64, new ImageSizeRule(64).smallestSide());
        assertEquals(64, new ImageSizeRule(16).smallestSide());
        assertEquals(128, new ImageSizeRule(128).smallestSide());
    }

    @Test
    void aMultipleThatIsNotOneOfEightIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ImageSizeRule(12));
        assertThrows(IllegalArgumentException.class, () -> new ImageSizeRule(0));
    }
}
