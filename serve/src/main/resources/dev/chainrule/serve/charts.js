// The page's charts: every run's metrics.jsonl and steps.jsonl (the training loss of each window of batches;
// for a run folder without one, the loss between the checkpoints this server saw) drawn with uPlot, bundled in the runner's jar (no CDN). All runs are overlaid, one colour each; drag to
// zoom (the three charts zoom together), double-click to zoom out, hover for the values, click a legend entry
// to hide a run. Smoothing is TensorBoard's: an exponential moving average, debiased at the start.
'use strict';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
  '#7f7f7f', '#bcbd22'];
const CHARTS = [
  {id: 'chart-train', title: 'training loss', y: 'loss'},
  {id: 'chart-test', title: 'test loss', y: 'loss'},
  {id: 'chart-metric', title: 'test accuracy / R²', y: ''},
];
const plots = new Map();    // chart id -> {u, key}
let zoomed = null;          // [min, max] of the epoch axis while zoomed, else null
let syncing = false;

function runColour(index) {
  return PALETTE[index % PALETTE.length];
}

function smooth(values, weight) {
  if (!(weight > 0)) return values;
  const out = new Array(values.length).fill(null);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !isFinite(v)) continue;
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = last / (1 - Math.pow(weight, n));
  }
  return out;
}

// the samples of one epoch: samplesPerSecond × seconds of an epoch that started at 0 (the engine writes both)
function samplesPerEpoch(epochs) {
  for (const m of epochs) {
    if (typeof m.samplesPerSecond === 'number' && typeof m.seconds === 'number' && m.seconds > 0) {
      const n = Math.round(m.samplesPerSecond * m.seconds);
      if (n > 0) return n;
    }
  }
  return 0;
}

// series of one chart: {label, colour, dash, points: [[x, y]]}
function seriesFor(chart, runs) {
  const out = [];
  runs.forEach((run, i) => {
    const epochs = run.epochs || [];
    const name = run.name || run.path;
    const colour = runColour(typeof run.index === 'number' ? run.index : i);
    const pts = key => epochs.filter(m => typeof m[key] === 'number' && isFinite(m[key])).map(m => [m.epoch, m[key]]);
    if (chart.id === 'chart-train') {
      out.push({label: name + ' · epoch mean', colour: colour, points: pts('trainLoss')});
      if (run.stepsSource === 'steps.jsonl') {
        // x: the epoch's fraction done at the window's end, so epoch e's steps lie between e − 1 and e
        const steps = (run.steps || []).filter(s => s.samples > 0 && isFinite(s.loss));
        if (steps.length) {
          out.push({label: name + ' · per step', colour: colour, width: 1, noPoints: true, alpha: true,
            points: steps.map(s => [s.epoch - 1 + Math.min(1, s.position / s.samples), s.loss])});
        }
        return;
      }
      const n = samplesPerEpoch(epochs);
      const steps = (run.steps || []).filter(s => n > 0 && isFinite(s.loss));
      if (steps.length) {
        out.push({label: name + ' · between checkpoints', colour: colour, dash: [4, 3], width: 1,
          points: steps.map(s => [s.epoch - 1 + Math.min(1, s.position / n), s.loss])});
      }
    } else if (chart.id === 'chart-test') {
      out.push({label: name, colour: colour, points: pts('testLoss')});
    } else {
      const acc = pts('testAccuracy');
      out.push(acc.length ? {label: name + ' · accuracy', colour: colour, points: acc}
        : {label: name + ' · R²', colour: colour, points: pts('testR2')});
    }
  });
  return out.filter(s => s.points.length);
}

// uPlot wants one x array for all series: the union of their x values, null where a series has none
function aligned(series, weight) {
  const xs = [...new Set(series.flatMap(s => s.points.map(p => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const data = [xs];
  for (const s of series) {
    const ys = new Array(xs.length).fill(null);
    for (const [x, y] of s.points) ys[index.get(x)] = y;
    data.push(smooth(ys, weight));
  }
  return data;
}

function valueText(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}

function chartWidth(div) {
  return Math.max(240, Math.floor(div.clientWidth || div.parentElement.clientWidth || 480));
}

function makePlot(chart, div, series, data) {
  const opts = {
    width: chartWidth(div),
    height: 180,
    title: chart.title,
    cursor: {sync: {key: 'runs', setSeries: false}, drag: {x: true, y: false}},
    scales: {x: {time: false}},
    axes: [{label: 'epoch'}, {label: chart.y, size: 56}],
    legend: {live: true},
    series: [{label: 'epoch', value: (u, v) => v === null || v === undefined ? '–' : (+v).toFixed(2)}].concat(
      series.map(s => ({label: s.label, stroke: s.alpha ? s.colour + '99' : s.colour, width: s.width || 2,
        dash: s.dash, spanGaps: true, points: {show: !s.dash && !s.noPoints, size: 5},
        value: (u, v) => valueText(v)}))),
    hooks: {
      setScale: [(u, key) => {
        if (key !== 'x') return;
        const min = u.scales.x.min;
        const max = u.scales.x.max;
        const full = u.data[0].length ? [u.data[0][0], u.data[0][u.data[0].length - 1]] : [min, max];
        const narrower = min > full[0] + 1e-9 || max < full[1] - 1e-9;
        div.dataset.xMin = String(min);
        div.dataset.xMax = String(max);
        div.dataset.zoomed = narrower ? '1' : '0';
        if (syncing) return;
        zoomed = narrower ? [min, max] : null;
        syncing = true;
        try {
          for (const [id, p] of plots) {
            if (p.u !== u && p.u.data[0].length) p.u.setScale('x', {min: min, max: max});
          }
        } finally {
          syncing = false;
        }
      }],
      ready: [u => {
        div.dataset.xMin = String(u.scales.x.min);
        div.dataset.xMax = String(u.scales.x.max);
        div.dataset.zoomed = zoomed ? '1' : '0';
      }],
      setCursor: [u => {
        const i = u.cursor.idx;
        div.dataset.hover = i === null || i === undefined ? '' : String(u.data[0][i]);
      }],
    },
  };
  div.replaceChildren();
  const u = new uPlot(opts, data, div);
  return u;
}

// called by app.js whenever a card changed: rebuilds the data, keeping the zoom
function updateCharts(runs) {
  const box = document.getElementById('charts');
  if (typeof uPlot === 'undefined') {
    box.dataset.error = 'uplot.js did not load';
    return;
  }
  const withEpochs = runs.filter(r => (r.epochs || []).length || (r.steps || []).length);
  box.hidden = withEpochs.length === 0;
  const weight = Number(document.getElementById('smoothing').value) || 0;
  document.getElementById('smoothing-value').textContent = weight.toFixed(2);
  for (const chart of CHARTS) {
    const div = document.getElementById(chart.id);
    const series = seriesFor(chart, runs);
    const data = aligned(series, weight);
    const key = series.map(s => s.label + '|' + s.colour).join('\n');
    div.dataset.series = String(series.length);
    const known = plots.get(chart.id);
    if (known && known.key === key) {
      known.u.setData(data, !zoomed);
      if (zoomed) known.u.setScale('x', {min: zoomed[0], max: zoomed[1]});
    } else {
      if (known) known.u.destroy();
      if (!series.length) { plots.delete(chart.id); div.replaceChildren(); continue; }
      const u = makePlot(chart, div, series, data);
      plots.set(chart.id, {u: u, key: key});
      if (zoomed) u.setScale('x', {min: zoomed[0], max: zoomed[1]});
    }
  }
}

function resizeCharts() {
  for (const chart of CHARTS) {
    const p = plots.get(chart.id);
    if (p) p.u.setSize({width: chartWidth(document.getElementById(chart.id)), height: 180});
  }
}
