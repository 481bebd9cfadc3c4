// An app's series as charts, new hosts against existing hosts: traffic, error rate and p95. uPlot (MIT, one
// 50 KB file, no build step, no dependencies) is served by the service from node_modules and loaded only when a
// panel first opens. The two sides differ by colour (Okabe-Ito vermillion and blue) and by line (solid, dashed),
// and each chart has a sentence for screen readers. With several new hosts (`series.newHosts`) each new host has a
// solid line of its own, since the judge judges each on its own and their mean would hide the one a verdict names.
import { clock, h, percent, rpm, seconds } from './dom.js'

let loading = null

function loadUPlot () {
  if (window.uPlot !== undefined) return Promise.resolve(window.uPlot)
  loading ??= new Promise((resolve, reject) => {
    document.head.append(h('link', { rel: 'stylesheet', href: 'assets/vendor/uPlot.min.css' }))
    const script = h('script', { src: 'assets/vendor/uPlot.iife.min.js' })
    script.addEventListener('load', () => resolve(window.uPlot))
    script.addEventListener('error', () => {
      loading = null
      reject(new Error('the chart library did not load'))
    })
    document.head.append(script)
  })
  return loading
}

const CANARY = { stroke: '#D55E00', width: 2 }
const BASELINE = { stroke: '#0072B2', width: 2, dash: [6, 4] }
// The rest of Okabe-Ito (colour-blind safe; its blue is the existing hosts'), the most unlike each other first, so
// two or three hosts never get the close pairs (vermillion/orange, sky blue/blue); yellow, faint on white, late;
// grey for an eighth host, as the palette's usual extension.
const HOST_COLOURS = ['#D55E00', '#CC79A7', '#009E73', '#E69F00', '#000000', '#56B4E9', '#F0E442', '#999999']

function count (v) {
  return v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US')
}

function mean (xs) {
  const ok = xs.filter(x => x !== null && Number.isFinite(x))
  return ok.length === 0 ? null : ok.reduce((a, b) => a + b, 0) / ok.length
}

/**
 * Traffic as the throughput check compares it: one new host against a typical (median) existing host, in requests per
 * minute, so "x0.6 of a typical existing host" in the reasons is what the lines show. Series recorded before `perHost`
 * was kept only have the sides' sums: drawn as such, and titled so.
 */
function traffic (series) {
  const { canary, baseline, bucketMinutes } = series
  if (canary.perHost === undefined || baseline.perHost === undefined) {
    const title = `Traffic, all hosts of each side summed (transactions per ${bucketMinutes} min)`
    return { title, c: canary.count, b: baseline.count, fmt: count }
  }
  const perMinute = xs => xs.map(v => v === null ? null : v / bucketMinutes)
  return {
    // Several new hosts: their mean in each minute (each one's own figure is in the throughput reason).
    title: 'Traffic per host (rpm): a new host vs a typical (median) existing host',
    c: perMinute(canary.perHost),
    b: perMinute(baseline.perHost),
    fmt: v => v === null || v === undefined ? '–' : `${rpm(v)} rpm`,
    tick: rpm,
    labels: ['new host', 'typical existing host']
  }
}

/** A chart as its lines: the new hosts (one line, or one a host), then the existing hosts, dashed. */
function sidesSpec (s) {
  const [cl, bl] = s.labels ?? ['new hosts', 'existing hosts']
  return { ...s, lines: [{ label: cl, data: s.c, ...CANARY }, { label: bl, data: s.b, ...BASELINE }] }
}

function hostsSpec (series) {
  const { newHosts, baseline, bucketMinutes } = series
  const lines = (pick, b, bl) => [
    ...newHosts.map((n, i) => ({ label: n.host, data: pick(n), stroke: HOST_COLOURS[i % HOST_COLOURS.length], width: 2 })),
    { label: bl, data: b, ...BASELINE }
  ]
  const perMinute = xs => xs.map(v => v === null ? null : v / bucketMinutes)
  return [
    {
      title: 'Traffic per host (rpm): each new host vs a typical (median) existing host',
      fmt: v => v === null || v === undefined ? '–' : `${rpm(v)} rpm`,
      tick: rpm,
      lines: lines(n => perMinute(n.perHost), perMinute(baseline.perHost), 'typical existing host')
    },
    { title: 'Error rate', fmt: percent, lines: lines(n => n.errorRate, baseline.errorRate, 'existing hosts') },
    { title: 'p95 latency', fmt: seconds, lines: lines(n => n.p95, baseline.p95, 'existing hosts') }
  ]
}

function specsOf (series) {
  // Series from before the sides' perHost was kept have no newHosts either: only a series with both draws per host.
  if (series.newHosts !== undefined && series.newHosts.length > 0 && series.baseline.perHost !== undefined) return hostsSpec(series)
  return [
    traffic(series),
    { title: 'Error rate', c: series.canary.errorRate, b: series.baseline.errorRate, fmt: percent },
    { title: 'p95 latency', c: series.canary.p95, b: series.baseline.p95, fmt: seconds }
  ].map(sidesSpec)
}

/**
 * Draws the charts into `el`; resolves a function that removes them. `el` must be in the page (its width
 * sizes the charts, and they follow it when it changes).
 */
export async function drawCharts (el, series, timezone) {
  const UPlot = await loadUPlot()
  const x = series.start.map(ms => ms / 1000)
  const plots = []
  for (const s of specsOf(series)) {
    const box = h('div', { class: 'chart', 'aria-hidden': 'true' })
    const news = s.lines.slice(0, -1).map(l => `${l.label} average ${s.fmt(mean(l.data))}`).join(', ')
    const old = s.lines.at(-1)
    const summary = `${s.title}: ${news}, ${old.label} ${s.fmt(mean(old.data))}, over ${x.length} points.`
    el.append(h('figure', { class: 'chart-figure' }, h('figcaption', null, s.title), h('p', { class: 'visually-hidden' }, summary), box))
    const opts = {
      width: Math.max(260, el.clientWidth - 8),
      height: 170,
      tzDate: ts => UPlot.tzDate(new Date(ts * 1000), timezone),
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      series: [{}, ...s.lines.map(({ data, ...line }) => ({ ...line, value: (_u, v) => s.fmt(v) }))],
      // Times on the axis as the rollout's people read them: 24-hour, in its timezone.
      axes: [
        { values: (_u, ticks) => ticks.map(t => clock(t * 1000, timezone)) },
        { size: 64, values: (_u, ticks) => ticks.map(t => (s.tick ?? s.fmt)(t)) }
      ]
    }
    plots.push(new UPlot(opts, [x, ...s.lines.map(l => l.data)], box))
  }
  const resize = new ResizeObserver(() => {
    const width = Math.max(260, el.clientWidth - 8)
    for (const p of plots) if (p.width !== width) p.setSize({ width, height: 170 })
  })
  resize.observe(el)
  return () => {
    resize.disconnect()
    for (const p of plots) p.destroy()
  }
}
