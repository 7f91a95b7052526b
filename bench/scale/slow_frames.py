"""What ran in each slow frame of a Chromium trace written by the scale benchmark.

    SCALE_TRACE=/tmp/zoom.json bash bench/scale/run.sh && python bench/scale/slow_frames.py /tmp/zoom.json

Prints, for every gap over 20 ms between the renderer's main-thread frames, how long each kind
of work overlapped it (script in input events by type, animation-frame callbacks, React's
microtasks, GC, commit to the compositor, layout); a gap with almost nothing listed was spent
outside the main thread. Then, from the V8 sampling profile in the same trace, the functions
with the most self time inside wheel, pointerup and animation-frame work. Tracing slows the page
(the profiler's start is one long first frame), so use it to attribute, not to measure: the
benchmark's figures come from a run without SCALE_TRACE. Build with `next build --no-mangling`
for readable function names.
"""
import bisect
import collections
import json
import sys

events = json.load(open(sys.argv[1]))
events = events["traceEvents"] if isinstance(events, dict) else events
threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("ph") == "M" and e["name"] == "thread_name"}
main = next(k for k, v in threads.items() if v == "CrRendererMain")
on_main = [e for e in events if (e.get("pid"), e.get("tid")) == main]
complete = [e for e in on_main if e.get("ph") == "X" and "dur" in e]

frames = sorted(e["ts"] for e in on_main if e["name"] == "BeginMainThreadFrame")
if not frames:
    sys.exit("no frames in the trace (was it written with the timeline categories?)")
GC = {"MajorGC", "MinorGC"}
KINDS = {"FireAnimationFrame", "RunMicrotasks", "Commit", "Paint", "Layout", "UpdateLayoutTree", "TimerFire"}
print("slow frames (ms from the first traced frame: gap; main-thread work overlapping it, ms)")
for start, end in zip(frames, frames[1:]):
    if end - start <= 20_000:
        continue
    work = collections.Counter()
    for e in complete:
        overlap = min(end, e["ts"] + e["dur"]) - max(start, e["ts"])
        if overlap <= 0:
            continue
        if e["name"] == "EventDispatch":
            work["event " + e["args"].get("data", {}).get("type", "?")] += overlap
        elif e["name"] in GC or e["name"] in KINDS:
            work[e["name"]] += overlap
    listed = ", ".join(f"{k} {v / 1000:.1f}" for k, v in work.most_common(6)) or "nothing on the main thread"
    print(f"  {(start - frames[0]) / 1000:7.0f}: {(end - start) / 1000:5.1f} ms; {listed}")

# The sampling profile of the main thread: nodes arrive in chunks (matched to their profile by
# id), each sample as a node id and a time delta.
nodes, samples = {}, []
clocks = {e["id"]: e["args"]["data"]["startTime"] for e in on_main if e["name"] == "Profile"}
for e in events:
    if e["name"] == "ProfileChunk" and e.get("id") in clocks:
        data = e["args"]["data"]
        profile = data.get("cpuProfile", {})
        for node in profile.get("nodes", []):
            nodes[node["id"]] = node
        for node_id, delta in zip(profile.get("samples", []), data.get("timeDeltas", [])):
            clocks[e["id"]] += delta
            samples.append((clocks[e["id"]], node_id))
samples.sort()
sample_times = [t for t, _ in samples]


def name(node_id):
    frame = nodes[node_id]["callFrame"]
    where = frame.get("url", "").rsplit("/", 1)[-1]
    return f"{frame['functionName'] or '(anonymous)'} {where}:{frame.get('columnNumber', '')}".strip()


def windows(event, kind=None):
    return [
        (e["ts"], e["ts"] + e["dur"])
        for e in complete
        if e["name"] == event and (kind is None or e["args"].get("data", {}).get("type") == kind)
    ]


def callers(node_id):
    """The node and its callers, each function once (a recursive one counts once per sample)."""
    seen = set()
    while node_id is not None:
        seen.add(name(node_id))
        node_id = nodes[node_id].get("parent")
    return seen


animation_frames = windows("FireAnimationFrame")
for title, spans, inclusive in [
    ("wheel events", windows("EventDispatch", "wheel"), False),
    ("pointerup events", windows("EventDispatch", "pointerup"), False),
    ("animation frames", animation_frames, False),
    # The costly frames alone, by time in each function and what it called: which drawing
    # (candles, spans, axes) the missed refreshes spent their time on.
    ("animation frames over 8 ms", [(s, e) for s, e in animation_frames if e - s > 8_000], True),
]:
    self_time, total_time = collections.Counter(), collections.Counter()
    for start, end in spans:
        for _, node_id in samples[bisect.bisect_left(sample_times, start) : bisect.bisect_right(sample_times, end)]:
            self_time[name(node_id)] += 1
            if inclusive:
                total_time.update(callers(node_id))
    total = sum(self_time.values())
    print(f"\n{title}: {len(spans)}, {sum(e - s for s, e in spans) / 1000:.0f} ms, {total} samples; most self time:")
    for function, count in self_time.most_common(12):
        print(f"  {100 * count / max(total, 1):5.1f} %  {function}")
    if inclusive:
        print("  most total time (the function and what it called):")
        for function, count in total_time.most_common(25):
            print(f"  {100 * count / max(total, 1):5.1f} %  {function}")
