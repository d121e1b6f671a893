package io.sdfleet.worker.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The set of static-shape engine profiles, and how a request of any batch size is served by them: the
 * engine with the smallest batch that is at least the requested batch (same latent size) runs, the
 * inputs padded with zero items, and the output cut back to the requested items. Padding is sound
 * because a UNet treats the items of a batch independently (GroupNorm and attention work per item).
 * {@link EngineBatchPolicy} may instead always pick the largest engine of a size, so that bytes do not depend
 * on the batch.
 *
 * <p>Immutable; pure logic, tested without a GPU.
 */
public final class EngineProfiles {
    private final List<EngineProfile> profiles;

    public EngineProfiles(List<EngineProfile> profiles) {
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("at least one engine profile is needed");
        }
        List<EngineProfile> sorted = new ArrayList<>(profiles);
        sorted.sort(Comparator.comparingInt(EngineProfile::height).thenComparingInt(EngineProfile::width)
                .thenComparingInt(EngineProfile::batch));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).equals(sorted.get(i - 1))) {
                throw new IllegalArgumentException("engine profile " + sorted.get(i) + " is listed twice");
            }
        }
        this.profiles = List.copyOf(sorted);
    }

    /** Parses a comma-separated list of {@code BxHxW}, e.g. {@code 1x64x64,2x64x64,4x64x64}. */
    public static EngineProfiles parse(String text) {
        List<EngineProfile> list = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                list.add(EngineProfile.parse(part));
            }
        }
        return new EngineProfiles(list);
    }

    public List<EngineProfile> all() {
        return profiles;
    }

    /** The profile that serves {@code batch} items of the given latent size, if any. */
    public Optional<EngineProfile> select(int batch, int height, int width) {
        return profiles.stream()
                .filter(p -> p.height() == height && p.width() == width && p.batch() >= batch)
                .min(Comparator.comparingInt(EngineProfile::batch));
    }

    /** For each latent size some profile serves, its profile of the largest batch; sorted by size. */
    public List<EngineProfile> largestPerSize() {
        List<EngineProfile> largest = new ArrayList<>();
        for (EngineProfile p : profiles) { // sorted by height, width, then batch: the last of a size is the largest
            EngineProfile last = largest.isEmpty() ? null : largest.get(largest.size() - 1);
            if (last != null && last.height() == p.height() && last.width() == p.width()) {
                largest.set(largest.size() - 1, p);
            } else {
                largest.add(p);
            }
        }
        return List.copyOf(largest);
    }

    /** The largest batch any profile serves at this latent size (0 if none): the batcher's limit. */
    public int maxBatch(int height, int width) {
        return profiles.stream().filter(p -> p.height() == height && p.width() == width)
                .mapToInt(EngineProfile::batch).max().orElse(0);
    }

    /**
     * {@code items} (row-major, {@code batch} items of {@code itemSize} values) followed by zero items up
     * to {@code targetBatch}; the same array when no padding is needed.
     */
    public static float[] padBatch(float[] items, int batch, int targetBatch, int itemSize) {
        if (items.length != batch * itemSize || targetBatch < batch) {
            throw new IllegalArgumentException("cannot pad " + items.length + " values (" + batch + " items of "
                    + itemSize + ") to " + targetBatch + " items");
        }
        if (targetBatch == batch) {
            return items;
        }
        float[] padded = new float[targetBatch * itemSize];
        System.arraycopy(items, 0, padded, 0, items.length);
        return padded;
    }

    /** The first {@code batch} items of a padded output. */
    public static float[] firstItems(float[] output, int batch, int itemSize) {
        if (output.length < batch * itemSize) {
            throw new IllegalArgumentException("output has " + output.length + " values, fewer than " + batch
                    + " items of " + itemSize);
        }
        if (output.length == batch * itemSize) {
            return output;
        }
        float[] head = new float[batch * itemSize];
        System.arraycopy(output, 0, head, 0, head.length);
        return head;
    }

    @Override
    public String toString() {
        return profiles.stream().map(EngineProfile::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineProfiles other && other.profiles.equals(profiles);
    }

    @Override
    public int hashCode() {
        return profiles.hashCode();
    }
}
