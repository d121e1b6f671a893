package io.sdfleet.common.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fleet as the catalog topic tells it: the latest announcement of every worker that has not left (a tombstone
 * removes it), read in log order. Which workers are live is a question of the reader's clock
 * ({@link #live(Instant)}): a worker not heard from for three heartbeats is gone. Not thread-safe; build one per
 * read of the topic.
 */
public final class FleetCatalog {

    private final Map<String, WorkerAnnouncement> latest = new LinkedHashMap<>();
    private boolean topicMissing;

    /** The catalog of a cluster without the catalog topic: no worker of this version has ever announced there. */
    public static FleetCatalog ofMissingTopic() {
        FleetCatalog catalog = new FleetCatalog();
        catalog.topicMissing = true;
        return catalog;
    }

    /**
     * Whether the topic did not exist (as opposed to existing and holding no live worker): a cluster set up before
     * the catalog, or whose workers are older than it.
     */
    public boolean topicMissing() {
        return topicMissing;
    }

    /** Applies one record of the topic: an announcement, or a tombstone ({@code announcement} null). */
    public void apply(String workerId, WorkerAnnouncement announcement) {
        if (announcement == null) {
            latest.remove(workerId);
        } else {
            latest.put(workerId, announcement);
        }
    }

    /** The workers live at {@code now}, by worker id. */
    public List<WorkerAnnouncement> live(Instant now) {
        List<WorkerAnnouncement> out = new ArrayList<>();
        for (WorkerAnnouncement a : latest.values()) {
            if (a.isLive(now)) {
                out.add(a);
            }
        }
        out.sort((x, y) -> x.workerId().compareTo(y.workerId()));
        return out;
    }

    /** The live workers by served model name, names sorted. */
    public Map<String, List<WorkerAnnouncement>> liveByModel(Instant now) {
        Map<String, List<WorkerAnnouncement>> out = new TreeMap<>();
        for (WorkerAnnouncement a : live(now)) {
            out.computeIfAbsent(a.model(), m -> new ArrayList<>()).add(a);
        }
        return out;
    }

    /** The names of the models live workers serve, sorted. */
    public static List<String> modelNames(Collection<WorkerAnnouncement> live) {
        TreeSet<String> names = new TreeSet<>();
        live.forEach(a -> names.add(a.model()));
        return List.copyOf(names);
    }
}
