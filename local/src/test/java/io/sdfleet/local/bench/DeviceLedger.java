package io.sdfleet.local.bench;

import io.sdfleet.worker.runtime.LatentSize;
import io.sdfleet.worker.runtime.sim.DeviceProfile;
import io.sdfleet.worker.runtime.sim.SimulatedDevice.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a measurement window's modelled device time went: every simulated call's device time is given to the
 * jobs in it, and the window's share of it is split by what became of those jobs (uploaded in the window, after
 * it, before it) and by how far each call was from its ideal (the mix's ideal, {@link TrafficMix}: every UNet
 * item at the per-item cost of a full call, one text-encoder call per job, the VAE per image).
 *
 * <p>Attribution, per call (pure arithmetic on the simulated device's call log, so a unit test can check it by
 * hand):
 * <ul>
 *   <li>UNet: the call's items are the conditional items of its jobs plus, for each guided image, an
 *       unconditional one; a job with {@code c} conditional items owns {@code c} items, {@code 2c} if guided, and
 *       that share of the call's device time. Its ideal is its items at the per-item cost of a full call; the
 *       difference is the call's under-fill. Items no job owns are "not attributed".
 *   <li>Text encoder: the call's device time split evenly over the jobs whose prompt rows it encoded; the ideal
 *       is each job's own call ({@link DeviceProfile#textEncode} of its one or two prompts).
 *   <li>VAE: a VAE call decodes the oldest images of its size whose last UNet call is done (the device loop's
 *       decode queue is first in, first out); each image gets its share, which is also its ideal (the VAE's
 *       cost is linear in images).
 * </ul>
 * A call that straddles a window edge is split by the overlap of its modelled span
 * {@code [start, start + device time)} with the window.
 *
 * <p>Which image finishes when: each job's images take {@code callsPerImage} UNet calls (PNDM one more than its
 * steps); a job with more conditional items in a call than it had active images has just had images admitted.
 */
final class DeviceLedger {

    /** What became of a job, by its completion's {@code completedAt} against the window. */
    enum Fate {
        UPLOADED_IN_WINDOW("jobs uploaded in the window"),
        NOT_UPLOADED_IN_WINDOW("jobs not uploaded by the window's end"),
        UPLOADED_BEFORE_WINDOW("jobs uploaded before the window");

        final String label;

        Fate(String label) {
            this.label = label;
        }
    }

    /**
     * A job of the run.
     *
     * @param callsPerImage UNet calls each of its images takes
     * @param idealSeconds  its device time at the ideal ({@link TrafficMix#idealSeconds})
     */
    record Job(String id, Fate fate, LatentSize size, int images, boolean guided, int callsPerImage,
               double idealSeconds, boolean offeredInWindow, long uploadedNanos) {
    }

    /**
     * The device time spent, up to {@code atSeconds} after the arrivals began, on jobs not uploaded by then: the
     * work in flight. A window that starts before it has levelled off is credited with less of it at its start
     * than it leaves at its end.
     */
    record InFlight(double atSeconds, double seconds) {
    }

    /**
     * One latent size's part of the window: its jobs' device time (not the time no job owns), the images of its jobs offered in the window and
     * uploaded in it (with their ideal), and the images of its jobs not uploaded by the window's end.
     */
    record SizeLine(LatentSize size, double deviceSeconds, int offeredImages, double offeredIdealSeconds,
                    int uploadedImages, double uploadedIdealSeconds, int notUploadedImages) {
    }

    /**
     * One model call.
     *
     * @param items UNet items, VAE images, text-encoder prompts
     * @param jobs  UNet: per item, the job whose conditional item it is (null for an unconditional item or an
     *              unknown one); text encoder: per prompt row, the job whose prompt it is (null otherwise); VAE:
     *              empty
     */
    record Call(Kind kind, long startNanos, long modelledNanos, LatentSize size, int items, List<String> jobs) {
    }

    /** Device seconds of some work, by model, and what the same work costs at the ideal. */
    record Line(int jobs, int images, double unetSeconds, double unetIdealSeconds, double textSeconds,
                double textIdealSeconds, double vaeSeconds) {
        static final Line ZERO = new Line(0, 0, 0, 0, 0, 0, 0);

        double seconds() {
            return unetSeconds + textSeconds + vaeSeconds;
        }

        double idealSeconds() {
            return unetIdealSeconds + textIdealSeconds + vaeSeconds;
        }

        Line plus(Line o) {
            return new Line(jobs + o.jobs, images + o.images, unetSeconds + o.unetSeconds,
                    unetIdealSeconds + o.unetIdealSeconds, textSeconds + o.textSeconds,
                    textIdealSeconds + o.textIdealSeconds, vaeSeconds + o.vaeSeconds);
        }
    }

    /**
     * The ledger of one window.
     *
     * @param inWindow           the window's device time by the fate of the jobs it went to
     * @param unattributed       the window's device time no job owns
     * @param uploadedBefore     the work of the jobs uploaded in the window that was done before it
     * @param uploadedIdeal      the ideal of the jobs uploaded in the window (sum of their {@code idealSeconds})
     * @param uploadedImages     their images
     * @param mismatchedJobs     jobs uploaded in the window whose ideal counted call by call differs from their
     *                           {@code idealSeconds} by more than a millisecond (0 when the attribution is complete)
     * @param anomalies          calls the reconstruction could not follow (a VAE call with no finished image of its
     *                           size, a job with fewer items than active images); 0 expected
     */
    record Summary(double windowSeconds, Map<Fate, Line> inWindow, Line unattributed, Line uploadedBefore,
                   double uploadedIdeal, int uploadedImages, int mismatchedJobs, int anomalies,
                   List<SizeLine> sizes, List<InFlight> inFlight) {

        double deviceSeconds() {
            double s = unattributed.seconds();
            for (Line l : inWindow.values()) {
                s += l.seconds();
            }
            return s;
        }

        Line of(Fate fate) {
            return inWindow.getOrDefault(fate, Line.ZERO);
        }

        /**
         * The window's seconds turned into the ideal of the jobs uploaded in it: window, minus idle, minus work on
         * other jobs and unattributed work, minus the uploaded jobs' excess over their ideal, plus their work
         * done before the window. Equal to {@link #uploadedIdeal} when the attribution is complete.
         */
        double reconciledUploadedIdeal() {
            Line up = of(Fate.UPLOADED_IN_WINDOW);
            return up.idealSeconds() + uploadedBefore.idealSeconds();
        }

        /** The ledger as text: a table and the window's seconds from start to the uploaded jobs' ideal. */
        String markdown(String title, double mixIdealImagesPerS, double seenOverUploaded) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "device-time ledger, %s: window %.1f s, modelled device time in it"
                    + " %.2f s (%.3f of the window)%n%n", title, windowSeconds, deviceSeconds(),
                    deviceSeconds() / windowSeconds));
            sb.append("| device time in the window on | jobs | images | device s | at ideal s | UNet s | UNet under-fill s"
                    + " | text encoder s (ideal) | VAE s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            Line all = unattributed;
            for (Fate f : Fate.values()) {
                Line l = of(f);
                all = all.plus(l);
                row(sb, f.label, l, true);
            }
            row(sb, "not attributed to a job", unattributed, false);
            row(sb, "all", all, true);
            row(sb, "(the uploaded jobs' work before the window)", uploadedBefore, false);
            Line up = of(Fate.UPLOADED_IN_WINDOW);
            double idle = windowSeconds - deviceSeconds();
            double others = of(Fate.NOT_UPLOADED_IN_WINDOW).seconds() + of(Fate.UPLOADED_BEFORE_WINDOW).seconds()
                    + unattributed.seconds();
            double perImage = uploadedImages > 0 ? uploadedIdeal / uploadedImages : 0;
            double mixPerImage = 1 / mixIdealImagesPerS;
            sb.append(String.format(Locale.ROOT, "%nwindow %.2f s - idle %.2f - on jobs not uploaded in it %.2f"
                            + " - UNet under-fill %.2f - text encoder over its ideal %.2f + the work done before the"
                            + " window %.2f = %.2f s of ideal work (%d images at %.0f ms ideal each, the mix's %.0f ms;"
                            + " their ideal summed: %.2f s)%n", windowSeconds, idle, others,
                    up.unetSeconds() - up.unetIdealSeconds(), up.textSeconds() - up.textIdealSeconds(),
                    uploadedBefore.idealSeconds(), reconciledUploadedIdeal(), uploadedImages, 1000 * perImage,
                    1000 * mixPerImage, uploadedIdeal));
            double share = reconciledUploadedIdeal() / windowSeconds;
            double mixFactor = perImage > 0 ? mixPerImage / perImage : 0;
            sb.append(String.format(Locale.ROOT, "uploaded images/s of ideal = %.3f (ideal work per window second)"
                            + " x %.3f (the mix's ideal per image / the uploaded images') = %.3f; seen by the reader:"
                            + " x %.3f = %.3f%n", share, mixFactor, share * mixFactor, seenOverUploaded,
                    share * mixFactor * seenOverUploaded));
            sb.append("\n| latent size | device s in the window | share | images offered in the window (ideal ms each)"
                    + " | images uploaded in the window (ideal ms each) | images not uploaded by its end |\n"
                    + "|---|---:|---:|---:|---:|---:|\n");
            for (SizeLine z : sizes) {
                sb.append(String.format(Locale.ROOT, "| %dx%d | %.2f | %.0f %% | %d (%.0f) | %d (%.0f) | %d |%n",
                        z.size().imageWidth(), z.size().imageHeight(), z.deviceSeconds(),
                        100 * z.deviceSeconds() / deviceSeconds(), z.offeredImages(),
                        z.offeredImages() > 0 ? 1000 * z.offeredIdealSeconds() / z.offeredImages() : 0,
                        z.uploadedImages(), z.uploadedImages() > 0 ? 1000 * z.uploadedIdealSeconds() / z.uploadedImages()
                                : 0, z.notUploadedImages()));
            }
            sb.append("\nwork in flight (device s done on jobs not yet uploaded), by seconds since the arrivals began:");
            for (InFlight f : inFlight) {
                sb.append(String.format(Locale.ROOT, " %.0f s: %.2f;", f.atSeconds(), f.seconds()));
            }
            sb.append('\n');
            if (mismatchedJobs > 0 || anomalies > 0) {
                sb.append(String.format(Locale.ROOT, "attribution incomplete: %d uploaded jobs' ideal not matched"
                        + " call by call, %d calls not followed%n", mismatchedJobs, anomalies));
            }
            return sb.toString();
        }

        private static void row(StringBuilder sb, String label, Line l, boolean counts) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f (%.2f) | %.2f |%n",
                    label, counts ? Integer.toString(l.jobs()) : "", counts ? Integer.toString(l.images()) : "",
                    l.seconds(), l.idealSeconds(), l.unetSeconds(), l.unetSeconds() - l.unetIdealSeconds(),
                    l.textSeconds(), l.textIdealSeconds(), l.vaeSeconds()));
        }
    }

    /** Per job: its work in the window, before it, in all, and its images still denoising. */
    private static final class Account {
        final Job job;
        final double[] in = new double[5];
        final double[] before = new double[5];
        final double[] total = new double[5];
        final List<Integer> remaining = new ArrayList<>();
        /** The end of each of its calls' spans and its share of that call's device time. */
        final List<Long> ends = new ArrayList<>();
        final List<Double> shares = new ArrayList<>();

        Account(Job job) {
            this.job = job;
        }

        void note(Call call, double seconds) {
            ends.add(call.startNanos() + call.modelledNanos());
            shares.add(seconds);
        }
    }

    private static final int UNET = 0;
    private static final int UNET_IDEAL = 1;
    private static final int TEXT = 2;
    private static final int TEXT_IDEAL = 3;
    private static final int VAE = 4;

    private DeviceLedger() {
    }

    /**
     * The ledger of the window {@code [windowStart, windowEnd)} ({@link System#nanoTime}) over {@code calls} (in
     * call order, all of them from an idle device on).
     */
    static Summary of(List<Call> calls, List<Job> jobs, long runStart, long windowStart, long windowEnd,
            DeviceProfile profile, int maxItems) {
        Map<String, Account> accounts = new LinkedHashMap<>();
        jobs.forEach(j -> accounts.put(j.id(), new Account(j)));
        double[] unIn = new double[5];
        Map<LatentSize, Deque<Account>> toDecode = new HashMap<>();
        int anomalies = 0;
        for (Call call : calls) {
            double seconds = call.modelledNanos() / 1e9;
            double fIn = fraction(call, windowStart, windowEnd);
            double fBefore = fraction(call, Long.MIN_VALUE, windowStart);
            switch (call.kind()) {
                case UNET -> {
                    double perItemIdeal = profile.unetCall(maxItems, call.size()).toNanos() / 1e9 / maxItems;
                    Map<Account, Integer> cond = new LinkedHashMap<>();
                    for (String id : call.jobs()) {
                        Account a = id == null ? null : accounts.get(id);
                        if (a != null) {
                            cond.merge(a, 1, Integer::sum);
                        }
                    }
                    int owned = 0;
                    for (Map.Entry<Account, Integer> e : cond.entrySet()) {
                        Account a = e.getKey();
                        int items = e.getValue() * (a.job.guided() ? 2 : 1);
                        owned += items;
                        add(a, UNET, seconds * items / call.items(), fIn, fBefore);
                        a.note(call, seconds * items / call.items());
                        add(a, UNET_IDEAL, perItemIdeal * items, fIn, fBefore);
                        // images admitted since the last call start with all their calls to go
                        int admitted = e.getValue() - a.remaining.size();
                        if (admitted < 0) {
                            anomalies++;
                        }
                        for (int i = 0; i < admitted; i++) {
                            a.remaining.add(a.job.callsPerImage());
                        }
                        for (int i = 0; i < a.remaining.size(); i++) {
                            a.remaining.set(i, a.remaining.get(i) - 1);
                        }
                        for (int i = 0; i < a.remaining.size(); i++) {
                            if (a.remaining.get(i) <= 0) {
                                a.remaining.remove(i--);
                                toDecode.computeIfAbsent(call.size(), s -> new ArrayDeque<>()).addLast(a);
                            }
                        }
                    }
                    int rest = call.items() - owned;
                    unIn[UNET] += fIn * seconds * rest / call.items();
                    unIn[UNET_IDEAL] += fIn * perItemIdeal * rest;
                }
                case TEXT_ENCODER -> {
                    List<Account> in = new ArrayList<>();
                    for (String id : call.jobs()) {
                        Account a = id == null ? null : accounts.get(id);
                        if (a != null && !in.contains(a)) {
                            in.add(a);
                        }
                    }
                    for (Account a : in) {
                        add(a, TEXT, seconds / in.size(), fIn, fBefore);
                        a.note(call, seconds / in.size());
                        add(a, TEXT_IDEAL, profile.textEncode(a.job.guided() ? 2 : 1).toNanos() / 1e9, fIn, fBefore);
                    }
                    if (in.isEmpty()) {
                        unIn[TEXT] += fIn * seconds;
                    }
                }
                case VAE -> {
                    Deque<Account> queue = toDecode.getOrDefault(call.size(), new ArrayDeque<>());
                    for (int i = 0; i < call.items(); i++) {
                        Account a = queue.pollFirst();
                        if (a == null) {
                            anomalies++;
                            unIn[VAE] += fIn * seconds / call.items();
                        } else {
                            add(a, VAE, seconds / call.items(), fIn, fBefore);
                            a.note(call, seconds / call.items());
                        }
                    }
                }
                default -> throw new IllegalStateException(call.kind().toString());
            }
        }
        Map<Fate, double[]> byFate = new EnumMap<>(Fate.class);
        Map<Fate, int[]> counts = new EnumMap<>(Fate.class);
        double[] uploadedBefore = new double[5];
        double uploadedIdeal = 0;
        int uploadedImages = 0;
        int mismatched = 0;
        for (Account a : accounts.values()) {
            Fate fate = a.job.fate();
            boolean worked = false;
            for (int k = 0; k < 5; k++) {
                worked |= a.in[k] != 0;
                byFate.computeIfAbsent(fate, f -> new double[5])[k] += a.in[k];
            }
            int[] c = counts.computeIfAbsent(fate, f -> new int[2]);
            if (worked || fate == Fate.UPLOADED_IN_WINDOW) {
                c[0]++;
                c[1] += a.job.images();
            }
            if (fate == Fate.UPLOADED_IN_WINDOW) {
                for (int k = 0; k < 5; k++) {
                    uploadedBefore[k] += a.before[k];
                }
                uploadedIdeal += a.job.idealSeconds();
                uploadedImages += a.job.images();
                double counted = a.total[UNET_IDEAL] + a.total[TEXT_IDEAL] + a.total[VAE];
                if (Math.abs(counted - a.job.idealSeconds()) > 1e-3) {
                    mismatched++;
                }
            }
        }
        Map<LatentSize, double[]> bySize = new LinkedHashMap<>();
        for (Account a : accounts.values()) {
            double[] z = bySize.computeIfAbsent(a.job.size(), k -> new double[6]);
            z[0] += a.in[UNET] + a.in[TEXT] + a.in[VAE];
            if (a.job.offeredInWindow()) {
                z[1] += a.job.images();
                z[2] += a.job.idealSeconds();
            }
            if (a.job.fate() == Fate.UPLOADED_IN_WINDOW) {
                z[3] += a.job.images();
                z[4] += a.job.idealSeconds();
            } else if (a.job.fate() == Fate.NOT_UPLOADED_IN_WINDOW) {
                z[5] += a.job.images();
            }
        }
        List<SizeLine> sizes = new ArrayList<>();
        bySize.forEach((size, z) -> sizes.add(new SizeLine(size, z[0], (int) z[1], z[2], (int) z[3], z[4], (int) z[5])));
        List<InFlight> inFlight = new ArrayList<>();
        long step = Math.max(1, (windowEnd - runStart) / 10);
        for (long t = runStart; t <= windowEnd; t += step) {
            double work = 0;
            for (Account a : accounts.values()) {
                if (a.job.uploadedNanos() > t) {
                    for (int i = 0; i < a.ends.size(); i++) {
                        if (a.ends.get(i) <= t) {
                            work += a.shares.get(i);
                        }
                    }
                }
            }
            inFlight.add(new InFlight((t - runStart) / 1e9, work));
        }
        Map<Fate, Line> inWindow = new EnumMap<>(Fate.class);
        byFate.forEach((f, v) -> inWindow.put(f, line(counts.get(f)[0], counts.get(f)[1], v)));
        return new Summary((windowEnd - windowStart) / 1e9, inWindow, line(0, 0, unIn),
                line(0, 0, uploadedBefore), uploadedIdeal, uploadedImages, mismatched, anomalies, sizes,
                inFlight);
    }

    private static Line line(int jobs, int images, double[] v) {
        return new Line(jobs, images, v[UNET], v[UNET_IDEAL], v[TEXT], v[TEXT_IDEAL], v[VAE]);
    }

    private static void add(Account a, int what, double seconds, double fIn, double fBefore) {
        a.in[what] += fIn * seconds;
        a.before[what] += fBefore * seconds;
        a.total[what] += seconds;
    }

    /** The share of the call's modelled span {@code [start, start + device time)} inside {@code [from, to)}. */
    private static double fraction(Call call, long from, long to) {
        long start = call.startNanos();
        long end = start + call.modelledNanos();
        if (end <= start) {
            return start >= from && start < to ? 1 : 0;
        }
        long overlap = Math.min(end, to) - Math.max(start, from);
        return overlap <= 0 ? 0 : (double) overlap / (end - start);
    }
}
