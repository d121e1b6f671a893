#!/usr/bin/env python3
"""Device time only: how three ways of ordering work on one device compare at half and 0.8 load, for the
benchmark's mixed traffic (docs/bench-serving.md) on the sim H100 profile's costs
(worker/src/main/resources/io/sdfleet/worker/runtime/sim/sd15-h100-trt-fp16.json). No host side, no Kafka, no
completion hold-back: it says what a policy can reach at best, in seconds, before anyone builds it.

  fcfs  one job at a time to its end, in arrival order (static batching at half load: same-settings neighbours
        are rare in the mixed traffic)
  ps    step-level batching as the worker's device loop orders it: every UNet call advances every active job
        of one size (the fullest), up to the call's item limit; on a device whose cost is nearly linear in items
        this is processor sharing. Simpler than the loop: a finished job's VAE decode runs at once (the loop
        decodes one image between calls), there is no turn rule against a starving size, and the text encoder
        runs at the end instead of at admission; the device time is the same.
  srpt  shortest remaining device work first, and a further job joins the call only while the fixed cost it
        saves the jobs behind it outweighs the time it adds to the jobs in the call (C x items x k < F x behind)

Run: python3 tools/device_policy_model.py   (pure Python, a few seconds)
"""
import random
import statistics

# The profile's UNet cost per call is (F + C x items) x latent area / 64x64; VAE per image x area; items per call.
F, C, VAE, MAXI = 5.286, 4.357, 40.0, 16
MEAN_IMAGES = 1 * .80 + 2 * .15 + 4 * .05


def draw(rng):
    """One job of the mixed traffic (TrafficMix.MIXED): UNet calls, items per call, latent area, images."""
    steps = rng.choices([20, 25, 30, 50], [30, 20, 30, 20])[0]
    pndm = rng.randrange(8) == 0  # schedulers uniform over eight; PNDM makes one UNet call more
    guidance_items = rng.choices([2, 2, 1], [70, 20, 10])[0]  # guidance 7.5, 5, 1
    area = rng.choices([1.0, 2.25, 1.5], [70, 15, 15])[0]  # 512x512, 768x768, 512x768
    images = rng.choices([1, 2, 4], [80, 15, 5])[0]
    return {"calls": steps + (1 if pndm else 0), "items": guidance_items * images, "area": area, "images": images}


def tail_ms(job):
    """VAE decode and text encoder (2 ms + 0.5 ms per prompt; two prompts with guidance) of a job."""
    prompts = 2 if job["items"] > job["images"] else 1
    return VAE * job["area"] * job["images"] + 2.0 + 0.5 * prompts


def ideal_images_per_s(rng, samples=200_000):
    """Device-bound throughput at full calls (the benchmark's ideal)."""
    device_ms = images = 0
    for _ in range(samples):
        j = draw(rng)
        device_ms += j["calls"] * j["items"] * (C + F / MAXI) * j["area"] + tail_ms(j)
        images += j["images"]
    return images / device_ms * 1000


def lone_ms(job):
    return job["calls"] * (F + C * job["items"]) * job["area"] + tail_ms(job)


def remaining_ms(job):
    """Device time the job still needs if it ran alone."""
    return job["left"] * (F + C * job["items"]) * job["area"] + tail_ms(job)


def call_of(policy, active):
    """The jobs of the next UNet call (all of one latent area) under a step-level policy."""
    if policy == "ps":
        by_area = {}
        for j in active:
            by_area.setdefault(j["area"], []).append(j)
        group = by_area[max(by_area, key=lambda a: sum(x["items"] for x in by_area[a]))]
        call, items = [], 0
        for j in group:
            if not call or items + j["items"] <= MAXI:
                call.append(j)
                items += j["items"]
        return call
    order = sorted(active, key=remaining_ms)
    group = [j for j in order if j["area"] == order[0]["area"]]
    call, items = [group[0]], group[0]["items"]
    for j in group[1:]:
        k = len(call)
        behind = len(order) - order.index(j) - 1
        # j in this call adds C x its items to each of the k jobs in it, and spares the jobs behind it in the
        # order one fixed cost F (the call of its own it would need)
        if items + j["items"] > MAXI or C * j["items"] * k >= F * behind:
            break
        call.append(j)
        items += j["items"]
    return call


def simulate(policy, load, ideal, jobs=4000, seed=1):
    """Poisson arrivals at load x ideal images/s; latency percentiles (ms) after a tenth of the jobs, busy share."""
    rng = random.Random(seed)
    rate = load * ideal / MEAN_IMAGES / 1000  # jobs per ms
    arrivals, t = [], 0.0
    for _ in range(jobs):
        t += rng.expovariate(rate)
        j = draw(rng)
        j.update(arrived=t, left=j["calls"])
        arrivals.append(j)
    now = busy = 0.0
    active, done, next_arrival = [], [], 0
    while len(done) < jobs:
        while next_arrival < jobs and arrivals[next_arrival]["arrived"] <= now:
            active.append(arrivals[next_arrival])
            next_arrival += 1
        if not active:
            now = arrivals[next_arrival]["arrived"]
            continue
        if policy == "fcfs":
            j = active.pop(0)
            now += lone_ms(j)
            busy += lone_ms(j)
            j["done"] = now
            done.append(j)
            continue
        call = call_of(policy, active)
        took = (F + C * sum(j["items"] for j in call)) * call[0]["area"]
        now += took
        busy += took
        for j in call:
            j["left"] -= 1
            if j["left"] == 0:
                now += tail_ms(j)
                busy += tail_ms(j)
                j["done"] = now
                done.append(j)
                active.remove(j)
    # the jobs that arrived in the steady part: not the first tenth (empty device), not the last (draining)
    latencies = sorted(j["done"] - j["arrived"] for j in arrivals[jobs // 10: 9 * jobs // 10])
    at = lambda p: latencies[int(p * (len(latencies) - 1))]  # noqa: E731
    return {"p50": at(.50), "p95": at(.95), "p99": at(.99), "busy": busy / now}


def main():
    rng = random.Random(7)
    ideal = ideal_images_per_s(rng)
    lone = statistics.median(lone_ms(draw(rng)) for _ in range(20001))
    print(f"ideal {ideal:.3f} images/s; lone job median {lone:.0f} ms; mean of 3 seeds x 4000 jobs")
    print("| load | policy | p50 ms | p95 ms | p99 ms | device busy |")
    print("|---:|---|---:|---:|---:|---:|")
    for load in (0.5, 0.8):
        for policy in ("fcfs", "ps", "srpt"):
            r = [simulate(policy, load, ideal, seed=s) for s in (1, 2, 3)]
            mean = {k: statistics.mean(x[k] for x in r) for k in r[0]}
            print(f"| {load} | {policy} | {mean['p50']:.0f} | {mean['p95']:.0f} | {mean['p99']:.0f} | {mean['busy']:.2f} |")


if __name__ == "__main__":
    main()
