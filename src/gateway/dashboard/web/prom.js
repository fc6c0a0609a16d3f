// Prometheus text exposition (format 0.0.4) for the dashboard: a parser and histogram quantiles.
// Pure functions, no DOM: the same module runs in the browser and in the Node e2e check.

// Parses exposition text into a Map: metric name -> [{labels: {name: value}, value: Number}].
// Comments, blank lines and lines that do not parse are skipped (never thrown on).
export function parsePrometheus(text) {
  const out = new Map();
  if (typeof text !== "string") return out;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const sample = parseSampleLine(line);
    if (!sample) continue;
    if (!out.has(sample.name)) out.set(sample.name, []);
    out.get(sample.name).push({ labels: sample.labels, value: sample.value });
  }
  return out;
}

function parseSampleLine(line) {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (!m) return null;
  const name = m[1];
  let i = name.length;
  const labels = {};
  if (line[i] === "{") {
    i++;
    for (;;) {
      while (line[i] === " " || line[i] === ",") i++;
      if (line[i] === "}") { i++; break; }
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(i));
      if (!lm) return null;
      i += lm[0].length;
      let value = "";
      for (;;) {
        if (i >= line.length) return null;
        const c = line[i++];
        if (c === '"') break;
        if (c === "\\") {
          const e = line[i++];
          value += e === "n" ? "\n" : e;
        } else {
          value += c;
        }
      }
      labels[lm[1]] = value;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseValue(rest[0]);
  if (value === null) return null;
  return { name, labels, value };
}

function parseValue(s) {
  if (s === undefined || s === "") return null;
  if (s === "+Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  if (s === "NaN") return NaN;
  const v = Number(s);
  return Number.isNaN(v) ? null : v;
}

// Sum of the samples of `name` whose labels pass `filter` (0 when there are none).
export function sumSamples(metrics, name, filter = () => true) {
  let total = 0;
  for (const s of metrics.get(name) || []) {
    if (filter(s.labels) && Number.isFinite(s.value)) total += s.value;
  }
  return total;
}

// Sums per value of one label, e.g. requests by `cache`: {HIT: 30, MISS: 10}.
export function sumByLabel(metrics, name, label) {
  const out = {};
  for (const s of metrics.get(name) || []) {
    const key = s.labels[label];
    if (key === undefined || !Number.isFinite(s.value)) continue;
    out[key] = (out[key] || 0) + s.value;
  }
  return out;
}

// The cumulative buckets of histogram `name` (its `_bucket` series) merged over every series
// whose labels pass `filter`: [{le: Number, count: Number}] sorted by le, +Inf last.
export function histogramBuckets(metrics, name, filter = () => true) {
  const byLe = new Map();
  for (const s of metrics.get(name + "_bucket") || []) {
    if (!filter(s.labels) || !Number.isFinite(s.value)) continue;
    const le = parseValue(s.labels.le);
    if (le === null || Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) || 0) + s.value);
  }
  return [...byLe.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

// The q-quantile (0..1) of cumulative buckets, interpolated linearly inside the bucket the rank
// falls in (what PromQL's histogram_quantile does). null when there are no observations. A rank
// in the +Inf bucket answers the highest finite bound (the most that can be said).
export function histogramQuantile(q, buckets) {
  if (!Array.isArray(buckets) || buckets.length === 0 || !(q >= 0 && q <= 1)) return null;
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank && b.count > prevCount) {
      if (b.le === Infinity) return prevLe;
      const lower = prevLe > 0 ? prevLe : 0;
      return lower + (b.le - lower) * ((rank - prevCount) / (b.count - prevCount));
    }
    if (b.le !== Infinity) prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
