package io.sdfleet.producer;

import io.sdfleet.common.config.DurationText;
import io.sdfleet.common.Completion;
import io.sdfleet.common.InvalidRequestException;
import io.sdfleet.common.JobCodec;
import io.sdfleet.common.JobRequest;
import io.sdfleet.common.RequestValidator;
import io.sdfleet.common.SdfleetHeaders;
import io.sdfleet.common.Violation;
import io.sdfleet.common.config.KafkaSettings;
import io.sdfleet.producer.kafka.ClientProperties;
import io.sdfleet.producer.kafka.FleetReader;
import io.sdfleet.producer.kafka.StartPosition;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Submits image jobs to the requests topic and waits for their completion events: the library upstream
 * services embed.
 *
 * <p>What goes on the wire: key = jobId (so all records of a job share a partition), value =
 * {@link JobCodec} JSON of the request with jobId (UUIDv7) and seed filled in where the caller gave none,
 * headers {@value SdfleetHeaders#SCHEMA} = {@value JobRequest#SCHEMA} and {@value SdfleetHeaders#TRACE_ID}
 * (the caller's, or a generated one). The Kafka producer is idempotent with {@code acks=all}.
 *
 * <p>Failures, by type (what to do): {@link InvalidRequestException} is thrown at the caller before
 * anything is sent (fix the request); {@link KafkaUnavailableException} when no broker or topic was found
 * within {@code max.block.ms} (default 10 s) or the record was not acknowledged within
 * {@code delivery.timeout.ms} (default 2 min, Kafka's own) — retry; {@link SubmitFailedException} when Kafka refused the
 * record for good. No call waits longer than those bounds; see {@link ClientProperties}.
 *
 * <p>Waiting for completions: {@link #awaitCompletion} reads the completion topic (read_committed) with a
 * consumer of its own, starting a little before the job was submitted, so a completion published before
 * the call is still found. The start is the submit time this producer remembers for the job, else the
 * time inside a UUIDv7 job id, else the beginning of the topic; minus the
 * {@linkplain SdfleetProducerBuilder#completionLookback(Duration) look-back} (default 1 min) for clock differences
 * between producer, worker and broker.
 *
 * <p>Thread-safe: one instance is meant to be shared by all threads of a process. Futures returned by
 * {@link #submitAsync} complete on the Kafka producer's I/O thread: do not block in their dependent
 * stages (use the {@code *Async} variants). {@code send} itself may block the caller up to
 * {@code max.block.ms} while the broker is being found.
 */
public final class SdfleetProducer implements AutoCloseable {

    /** Added to the Kafka bounds before a synchronous submit gives up on a callback that never came. */
    private static final Duration SYNC_WAIT_MARGIN = Duration.ofSeconds(2);

    private final Producer<String, byte[]> producer;
    private final ProducerOptions options;
    private final RequestNormalizer normalizer;
    private final PictureUploads pictures;
    private final RecentSubmits recentSubmits;
    private final CompletionWaiter completions;
    /** The model check; null when turned off. */
    private final ModelAvailability models;
    private final Clock clock;
    private final JobCodec codec = JobCodec.shared();
    private final AtomicBoolean closed = new AtomicBoolean();

    SdfleetProducer(ProducerOptions options) {
        this.options = options;
        this.normalizer = options.normalizer();
        this.pictures = new PictureUploads(options.store());
        this.clock = options.clock();
        this.recentSubmits = new RecentSubmits(options.recentSubmitCapacity());
        this.completions = new CompletionWaiter(options.consumerFactory(), options.consumerProperties(),
                options.completionsTopic(), options.maxBlock(), options.bootstrapServers());
        this.models = options.modelCheck() ? new ModelAvailability(new FleetReader(
                () -> options.consumerFactory().apply(FleetReader.consumerProperties(options.consumerProperties())),
                options.fleetTopic(),
                options.bootstrapServers()), clock, options.maxBlock()) : null;
        this.producer = options.producerFactory().apply(options.producerProperties());
    }

    /** A builder starting from the defaults (bootstrap 127.0.0.1:9092, topics sd.requests/sd.completions). */
    public static SdfleetProducerBuilder builder() {
        return new SdfleetProducerBuilder();
    }

    /**
     * A producer configured from environment variables ({@link ProducerSettings}: SDFLEET_BOOTSTRAP_SERVERS,
     * SDFLEET_TOPIC_*, SDFLEET_KAFKA_*, SDFLEET_PRODUCER_*).
     *
     * @throws io.sdfleet.common.config.ConfigException listing every bad variable
     */
    public static SdfleetProducer fromEnv(Map<String, String> env) {
        return builder().env(env).build();
    }

    /** A producer for the cluster and topics of the common Kafka settings, other settings at their defaults. */
    public static SdfleetProducer create(KafkaSettings settings) {
        return builder().kafkaSettings(settings).build();
    }

    /** The plain requests topic: that of the default model and of requests naming no model. */
    public String requestsTopic() {
        return options.requestsTopic();
    }

    /**
     * The topic a request for {@code model} is written to (null: a request naming none).
     *
     * @throws InvalidRequestException {@code model} cannot be routed (not a model name)
     */
    public String requestsTopicFor(String model) {
        try {
            return options.routing().requestsTopicFor(model);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(List.of(new Violation("model", e.getMessage())), null);
        }
    }

    /** The topic completions are read from. */
    public String completionsTopic() {
        return options.completionsTopic();
    }

    /** The Kafka bootstrap servers. */
    public String bootstrapServers() {
        return options.bootstrapServers();
    }

    /**
     * The request with its local pictures ({@code JobRequest.Builder.initImage(Path)}) uploaded to the fleet's
     * input prefix and replaced by their references; the request itself when it has none. {@link #submit} does
     * this on its own; call it to see the references before sending (the CLI prints them). Before uploading it
     * checks what {@link #submit} checks without the pictures' bytes (the fields, the object store, the route
     * and the model check), so a request that would be refused uploads nothing.
     *
     * @throws InvalidRequestException   a field is invalid or the model cannot be routed; nothing was uploaded
     * @throws ModelNotServedException   no live worker serves the model (model check on); nothing was uploaded
     * @throws KafkaUnavailableException the fleet catalog could not be read (model check on)
     * @throws PictureUploadException    no object store configured, a file that is not a PNG or JPEG, or the
     *                                   store refused or was unreachable; nothing was sent
     */
    public JobRequest uploadPictures(JobRequest request) {
        if (PictureUploads.hasLocalPictures(request)) {
            checkBeforeUpload(normalizer.fillIn(request)); // a copy with an id and a seed, for the checks only
        }
        return pictures.resolve(request);
    }

    /**
     * Sends one request with a generated trace id.
     *
     * @return completes with the jobId once Kafka acknowledged the record
     * @throws InvalidRequestException at once, when the request is invalid (nothing is sent or uploaded)
     * @throws PictureUploadException  at once, when a local picture cannot be uploaded (after the checks that
     *                                 need no bytes: a refused request uploads nothing)
     * @throws ModelNotServedException at once, when no live worker serves its model (model check on)
     */
    public CompletableFuture<String> submitAsync(JobRequest request) {
        return submitAsync(request, TraceIds.generate());
    }

    /** Like {@link #submitAsync(JobRequest)} with the caller's trace id (see {@link TraceIds}). */
    public CompletableFuture<String> submitAsync(JobRequest request, String traceId) {
        TraceIds.requireValid(traceId);
        JobRequest filled = normalizer.fillIn(request);
        String topic = checkBeforeUpload(filled);
        JobRequest prepared = RequestValidator.requireValid(pictures.resolve(filled));
        return send(prepared, topic, traceId);
    }

    /**
     * Sends one request and waits for the acknowledgement.
     *
     * @return the jobId
     * @throws InvalidRequestException    the request is invalid; nothing was sent or uploaded
     * @throws PictureUploadException     a local picture could not be uploaded; nothing was sent
     * @throws ModelNotServedException    no live worker serves its model (model check on); nothing was uploaded
     * @throws KafkaUnavailableException  no broker within max.block.ms, or no acknowledgement in time
     * @throws SubmitFailedException      Kafka refused the record
     */
    public String submit(JobRequest request) {
        return submit(request, TraceIds.generate());
    }

    /** Like {@link #submit(JobRequest)} with the caller's trace id. */
    public String submit(JobRequest request, String traceId) {
        TraceIds.requireValid(traceId);
        JobRequest filled = normalizer.fillIn(request);
        String topic = checkBeforeUpload(filled);
        JobRequest prepared = RequestValidator.requireValid(pictures.resolve(filled));
        return awaitSent(prepared, send(prepared, topic, traceId));
    }

    /**
     * Sends every request, then waits for all acknowledgements. An invalid request or a refused record
     * fails only its own entry; an entry refused before sending uploads none of its pictures (its result's
     * request still names them as local files). If a send finds no broker within max.block.ms, the requests after it are
     * not attempted (each would wait as long again) and fail with the same {@link KafkaUnavailableException}.
     *
     * @return one result per input, in input order
     */
    public List<SubmitResult> submitAll(List<JobRequest> requests) {
        List<JobRequest> prepared = new ArrayList<>(requests.size());
        List<CompletableFuture<String>> sends = new ArrayList<>(requests.size());
        List<SubmitResult> results = new ArrayList<>(requests.size());
        KafkaUnavailableException unreachable = null;
        for (int i = 0; i < requests.size(); i++) {
            // Checked first with stand-ins for local pictures, uploaded only when it would be sent (as submit).
            JobRequest filled = requests.get(i) == null ? null : normalizer.fillIn(requests.get(i));
            List<Violation> violations = filled == null
                    ? List.of(new Violation("request", "is null"))
                    : RequestValidator.validate(pictures.withStandIns(filled));
            CompletableFuture<String> sent;
            String topic = null;
            RuntimeException unrouted = null;
            PictureUploadException notUploaded = null;
            if (violations.isEmpty()) {
                try {
                    pictures.requireStoreFor(filled);
                } catch (PictureUploadException e) {
                    notUploaded = e;
                }
            }
            if (violations.isEmpty() && notUploaded == null && unreachable == null) {
                try {
                    topic = topicOf(filled);
                } catch (InvalidRequestException e) {
                    violations = e.violations();
                } catch (ModelNotServedException e) {
                    unrouted = e;
                } catch (KafkaUnavailableException e) {
                    unreachable = e;
                }
            }
            if (topic != null) {
                try {
                    filled = pictures.resolve(filled);
                    violations = RequestValidator.validate(filled);
                } catch (PictureUploadException e) {
                    notUploaded = e;
                }
            }
            if (notUploaded != null) {
                sent = CompletableFuture.failedFuture(notUploaded);
            } else if (unrouted != null) {
                sent = CompletableFuture.failedFuture(unrouted);
            } else if (!violations.isEmpty()) {
                sent = CompletableFuture.failedFuture(
                        new InvalidRequestException(violations, filled == null ? null : filled.jobId()));
            } else if (unreachable != null) {
                sent = CompletableFuture.failedFuture(unreachable);
            } else {
                sent = send(filled, topic, TraceIds.generate());
                unreachable = unreachableCause(sent).orElse(null);
            }
            prepared.add(filled);
            sends.add(sent);
        }
        for (int i = 0; i < sends.size(); i++) {
            try {
                awaitSent(prepared.get(i), sends.get(i));
                results.add(SubmitResult.sent(i, prepared.get(i)));
            } catch (RuntimeException e) {
                results.add(SubmitResult.failed(i, prepared.get(i), e));
            }
        }
        return results;
    }

    /**
     * Waits for the completion event of one job.
     *
     * @throws CompletionTimeoutException none arrived within {@code timeout} (the job may still run)
     * @throws KafkaUnavailableException  no broker reachable within max.block.ms
     */
    public Completion awaitCompletion(String jobId, Duration timeout) {
        return awaitCompletions(List.of(jobId), timeout).get(jobId);
    }

    /**
     * Waits for the completion events of many jobs with one consumer.
     *
     * @return every job's completion, in the order of {@code jobIds}
     * @throws CompletionTimeoutException some had none within {@code timeout}; it carries those that came
     * @throws KafkaUnavailableException  no broker reachable within max.block.ms
     */
    public Map<String, Completion> awaitCompletions(Collection<String> jobIds, Duration timeout) {
        return awaitCompletions(jobIds, timeout, null);
    }

    /**
     * Like {@link #awaitCompletion(String, Duration)}, telling {@code listener} how far the job has got (its
     * best-effort progress events: queued, started, steps, decoding, storing) and then its completion.
     */
    public Completion awaitCompletion(String jobId, Duration timeout, ProgressListener listener) {
        return awaitCompletions(List.of(jobId), timeout, listener).get(jobId);
    }

    /**
     * Like {@link #awaitCompletions(Collection, Duration)}, with the jobs' progress told to {@code listener} (null:
     * none), read from the progress topic on the waiting thread.
     */
    public Map<String, Completion> awaitCompletions(Collection<String> jobIds, Duration timeout,
            ProgressListener listener) {
        Set<String> wanted = new LinkedHashSet<>(jobIds);
        if (wanted.isEmpty()) {
            return Map.of();
        }
        return completions.await(wanted, startFor(wanted), timeout, listener, options.progressTopic());
    }

    /** Where to start reading completions of these jobs: just before the earliest submit, if known. */
    StartPosition startFor(Set<String> jobIds) {
        Instant earliest = null;
        for (String id : jobIds) {
            Optional<Instant> at = recentSubmits.submittedAt(id).or(() -> JobIdGenerator.timestampOf(id));
            if (at.isEmpty()) {
                return StartPosition.BEGINNING;
            }
            earliest = earliest == null || at.get().isBefore(earliest) ? at.get() : earliest;
        }
        return StartPosition.at(earliest.minus(options.completionLookback()));
    }

    /** Waits for any records still in flight (bounded by delivery.timeout.ms) and releases the producer. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            producer.close(options.closeTimeout());
            pictures.close();
        }
    }

    /**
     * Everything about a filled-in request that can be refused without its pictures' bytes, checked before any
     * upload: every field (local pictures replaced by stand-ins), that an object store is configured for its
     * local pictures, then the route.
     *
     * @return the request's topic
     * @throws InvalidRequestException   a field is invalid or the model cannot be routed
     * @throws PictureUploadException    a local picture and no object store configured
     * @throws ModelNotServedException   no live worker serves the model (model check on)
     * @throws KafkaUnavailableException the fleet catalog could not be read (model check on)
     */
    private String checkBeforeUpload(JobRequest filled) {
        RequestValidator.requireValid(pictures.withStandIns(filled));
        pictures.requireStoreFor(filled);
        return topicOf(filled);
    }

    /**
     * The topic of a prepared request: its model's; with the model check on, only when a live worker serves it.
     *
     * @throws InvalidRequestException   the model cannot be routed
     * @throws ModelNotServedException   no live worker serves it (model check on)
     * @throws KafkaUnavailableException the fleet catalog could not be read (model check on)
     */
    private String topicOf(JobRequest prepared) {
        String topic;
        try {
            topic = options.routing().requestsTopicFor(prepared.model());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(List.of(new Violation("model", e.getMessage())), prepared.jobId());
        }
        if (models != null) {
            models.requireServed(prepared.model(), topic);
        }
        return topic;
    }

    private CompletableFuture<String> send(JobRequest prepared, String topic, String traceId) {
        String jobId = prepared.jobId();
        RecordHeaders headers = new RecordHeaders();
        headers.add(SdfleetHeaders.SCHEMA, prepared.schema().getBytes(StandardCharsets.UTF_8));
        headers.add(SdfleetHeaders.TRACE_ID, traceId.getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, jobId,
                codec.encode(prepared), headers);
        // Remembered before sending: a fast worker's completion may precede the acknowledgement.
        recentSubmits.record(jobId, clock.instant());
        CompletableFuture<String> result = new CompletableFuture<>();
        AtomicBoolean sendReturned = new AtomicBoolean();
        // Kafka call. Failures it reports through the callback: a TimeoutException inside send() (before
        // it returns) means no broker/topic within max.block.ms; after it returns, no acknowledgement
        // within delivery.timeout.ms — both retriable. Other ApiExceptions fail this record only.
        // Exceptions send() throws (closed producer, interrupt) are programming or shutdown errors and
        // propagate to the caller as they are.
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                result.complete(jobId);
            } else {
                result.completeExceptionally(translate(error, jobId, topic, !sendReturned.get()));
            }
        });
        sendReturned.set(true);
        return result;
    }

    private RuntimeException translate(Exception error, String jobId, String topic, boolean beforeSendReturned) {
        if (error instanceof TimeoutException && beforeSendReturned) {
            return new KafkaUnavailableException("no Kafka broker reachable at " + options.bootstrapServers()
                    + " within " + DurationText.format(options.maxBlock()) + " (or topic " + topic
                    + " does not exist there); job " + jobId + " was not sent", error);
        }
        if (error instanceof TimeoutException) {
            return new KafkaUnavailableException("job " + jobId + " was not acknowledged by Kafka at "
                    + options.bootstrapServers() + " within " + DurationText.format(options.deliveryTimeout())
                    + "; it may or may not have been written (resubmitting the same request is safe)", error);
        }
        if (error instanceof RetriableException) {
            return new KafkaUnavailableException("job " + jobId + " could not be written to "
                    + topic + " at " + options.bootstrapServers() + ": " + error.getMessage(), error);
        }
        return new SubmitFailedException(jobId, "Kafka refused job " + jobId + " on topic " + topic
                + ": " + error.getMessage(), error);
    }

    private static Optional<KafkaUnavailableException> unreachableCause(CompletableFuture<String> sent) {
        if (!sent.isCompletedExceptionally()) {
            return Optional.empty();
        }
        try {
            sent.getNow(null);
            return Optional.empty();
        } catch (RuntimeException e) {
            return e.getCause() instanceof KafkaUnavailableException k ? Optional.of(k) : Optional.empty();
        }
    }

    /** Waits for one send, bounded, and rethrows its failure as the exception it carries. */
    private String awaitSent(JobRequest prepared, CompletableFuture<String> sent) {
        Duration bound = options.deliveryTimeout().plus(SYNC_WAIT_MARGIN);
        try {
            return sent.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new SubmitFailedException(prepared.jobId(), e.getCause().toString(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaUnavailableException("job " + prepared.jobId() + " got no answer from Kafka at "
                    + options.bootstrapServers() + " within " + DurationText.format(bound), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while waiting for Kafka to acknowledge job "
                    + prepared.jobId(), e);
        }
    }
}
