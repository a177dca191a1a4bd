// The page of `runner serve`: polls /api/runs for changes, redraws a card when its version changes, and
// sends the drawing to /api/predict. Every text from the server goes in with textContent, never as markup.
'use strict';

const POLL_MS = 1000;
const cards = new Map();    // run id -> {el, version}
let selected = '';          // the run id whose model the drawing goes to

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function getJson(url, options) {
  const r = await fetch(url, options);
  let body;
  try { body = await r.json(); } catch (e) { body = {error: 'HTTP ' + r.status + ' without a JSON answer'}; }
  if (!r.ok && !body.error) body.error = 'HTTP ' + r.status;
  return body;
}

function fileUrl(run, name) {
  return '/api/file?id=' + encodeURIComponent(run.id) + '&name=' + encodeURIComponent(name)
    + '&v=' + encodeURIComponent(run.version || '');
}

function fmt(v, digits) {
  return typeof v === 'number' && isFinite(v) ? v.toFixed(digits) : '–';
}

function pct(v) {
  return typeof v === 'number' && isFinite(v) ? (100 * v).toFixed(2) + '%' : '–';
}

function renderCard(run) {
  const card = el('article', {'class': 'card', 'data-run': run.id});
  const title = el('h2', {}, run.name || run.path, el('span', {'class': 'badge ' + run.status}, run.status));
  card.append(title, el('div', {'class': 'muted'}, run.path));
  if (run.error) {
    card.append(el('p', {'class': 'error'}, run.error));
    return card;
  }
  for (const w of run.warnings || []) card.append(el('p', {'class': 'warning'}, w));
  const epochs = run.epochs || [];
  const last = epochs[epochs.length - 1];
  card.append(el('p', {}, epochs.length === 0 ? 'no epoch finished yet'
    : 'epoch ' + last.epoch + ': test accuracy ' + pct(last.testAccuracy) + ', test loss ' + fmt(last.testLoss, 4)));
  const table = el('table', {'class': 'epochs'},
    el('tr', {}, el('th', {}, 'epoch'), el('th', {}, 'train loss'), el('th', {}, 'test loss'),
      el('th', {}, 'test accuracy'), el('th', {}, 'seconds')));
  for (const m of epochs) {
    table.append(el('tr', {'data-epoch': String(m.epoch)}, el('td', {}, m.epoch), el('td', {}, fmt(m.trainLoss, 4)),
      el('td', {}, fmt(m.testLoss, 4)), el('td', {}, pct(m.testAccuracy)), el('td', {}, fmt(m.seconds, 1))));
  }
  if (epochs.length) card.append(table);
  const files = new Set(run.files || []);
  const figs = el('div', {'class': 'figs'});
  for (const [name, alt] of [['loss.png', 'loss per epoch'], ['accuracy.png', 'accuracy per epoch'],
      ['confusion.png', 'confusion matrix'], ['most-wrong.png', 'most wrong test images']]) {
    if (files.has(name)) figs.append(el('img', {src: fileUrl(run, name), alt: alt, title: alt}));
  }
  if (figs.childElementCount) card.append(figs);
  const links = el('p', {});
  if (files.has('report.html')) links.append(el('a', {href: fileUrl(run, 'report.html'), target: '_blank', rel: 'noopener'}, 'report.html'), ' ');
  if (run.hasModel) {
    const b = el('button', {type: 'button', 'class': 'use-model'}, 'draw with this model');
    b.addEventListener('click', () => selectModel(run.id));
    links.append(b);
  }
  card.append(links);
  if (run.config) {
    card.append(el('details', {}, el('summary', {}, 'config'), el('pre', {}, JSON.stringify(run.config, null, 2))));
  }
  return card;
}

async function poll() {
  try {
    const list = await getJson('/api/runs');
    if (list.error) throw new Error(list.error);
    const container = document.getElementById('runs');
    const seen = new Set();
    for (const head of list.runs) {
      seen.add(head.id);
      const known = cards.get(head.id);
      if (known && known.version === head.version) continue;
      let run;
      try {
        run = head.status === 'error' ? head : await getJson('/api/run?id=' + encodeURIComponent(head.id));
      } catch (e) {
        // one run the server could not answer is its own error card; the runs after it still come
        run = Object.assign({}, head, {error: head.path + ': no answer from the server (' + e.message + ')'});
      }
      if (run.error && head.status !== 'error') run.status = 'error';
      const card = renderCard(run.error && !run.path ? Object.assign({}, head, {error: run.error}) : run);
      const wasOpen = known && known.el.querySelector('details[open]');
      if (wasOpen && card.querySelector('details')) card.querySelector('details').open = true;
      if (known) known.el.replaceWith(card); else container.append(card);
      cards.set(head.id, {el: card, version: head.version, run: run});
    }
    for (const [id, c] of cards) {
      if (!seen.has(id)) { c.el.remove(); cards.delete(id); }
    }
    // keep the cards in the server's order
    for (const head of list.runs) container.append(cards.get(head.id).el);
    updateModels(list.runs);
    document.getElementById('status').textContent = list.runs.length + ' card' + (list.runs.length === 1 ? '' : 's')
      + ', updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById('status').textContent = 'cannot reach the server: ' + e.message;
  }
  setTimeout(poll, POLL_MS);
}

function updateModels(runs) {
  const select = document.getElementById('model');
  const withModel = runs.filter(r => r.hasModel);
  const ids = withModel.map(r => r.id).join('\n');
  if (select.dataset.ids !== ids) {
    select.dataset.ids = ids;
    select.replaceChildren();
    if (!withModel.length) select.append(el('option', {value: ''}, '(no finished run yet)'));
    for (const r of withModel) select.append(el('option', {value: r.id}, r.path));
    if (!withModel.some(r => r.id === selected)) selected = withModel.length ? withModel[0].id : '';
    select.value = selected;
  }
}

function selectModel(id) {
  selected = id;
  document.getElementById('model').value = id;
  requestPrediction();
}

// ---- drawing ----
const canvas = () => document.getElementById('canvas');
let inked = false;
let inFlight = false;
let dirty = false;

function clearCanvas() {
  const ctx = canvas().getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas().width, canvas().height);
  inked = false;
  document.getElementById('predicted').textContent = '';
  document.getElementById('top').replaceChildren();
  document.getElementById('stages').replaceChildren();
  for (const id of ['input', 'saliency']) {
    const c = document.getElementById(id);
    c.getContext('2d').clearRect(0, 0, c.width, c.height);
  }
  showError('');
}

function setupDrawing() {
  const c = canvas();
  const ctx = c.getContext('2d');
  let last = null;
  const at = ev => {
    const r = c.getBoundingClientRect();
    return [(ev.clientX - r.left) * c.width / r.width, (ev.clientY - r.top) * c.height / r.height];
  };
  c.addEventListener('pointerdown', ev => {
    ev.preventDefault();
    if (c.setPointerCapture && ev.pointerId !== undefined) {
      try { c.setPointerCapture(ev.pointerId); } catch (e) { /* synthetic pointer */ }
    }
    last = at(ev);
    dot(ctx, last);
  });
  c.addEventListener('pointermove', ev => {
    if (!last) return;
    ev.preventDefault();
    const p = at(ev);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 18;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(last[0], last[1]);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
    last = p;
    inked = true;
    requestPrediction();
  });
  const end = () => { if (last) { last = null; requestPrediction(); } };
  c.addEventListener('pointerup', end);
  c.addEventListener('pointercancel', end);
  c.addEventListener('pointerleave', end);
  document.getElementById('clear').addEventListener('click', clearCanvas);
  document.getElementById('model').addEventListener('change', ev => selectModel(ev.target.value));
  clearCanvas();
}

function dot(ctx, p) {
  ctx.fillStyle = '#000';
  ctx.beginPath();
  ctx.arc(p[0], p[1], 9, 0, 2 * Math.PI);
  ctx.fill();
  inked = true;
  requestPrediction();
}

function pending() {
  document.getElementById('predicted').dataset.pending = inFlight || dirty ? '1' : '0';
}

// one request at a time; strokes drawn meanwhile are sent with the next one
function requestPrediction() {
  if (!inked) return;
  if (!selected) {
    showError('no finished run yet: a model can be drawn with once its training has ended');
    return;
  }
  dirty = true;
  pending();
  if (!inFlight) sendPrediction();
}

function sendPrediction() {
  dirty = false;
  inFlight = true;
  pending();
  const id = selected;
  // JSON, from this page's own origin: the server refuses a drawing without both (another site cannot post one)
  const png = canvas().toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  (async () => {
    try {
      const a = await getJson('/api/predict?id=' + encodeURIComponent(id),
        {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({png: png})});
      if (a.error) showError(a.error); else { showError(''); showAnalysis(a); }
    } catch (e) {
      showError('cannot reach the server: ' + e.message);
    } finally {
      inFlight = false;
      if (dirty) sendPrediction(); else pending();
    }
  })();
}

function showError(msg) {
  const p = document.getElementById('draw-error');
  p.textContent = msg;
  p.hidden = !msg;
}

function showAnalysis(a) {
  document.getElementById('predicted').textContent = String(a.predicted);
  const top = document.getElementById('top');
  top.replaceChildren(...a.top.map(t => el('li', {'data-class': String(t.label)},
    t.label + '  ' + (100 * t.probability).toFixed(1) + '%')));
  drawInput(document.getElementById('input'), a.input, a.side);
  drawInput(document.getElementById('saliency'), a.input, a.side);
  drawHeat(document.getElementById('saliency'), a.saliency, a.side, a.side, 0.75);
  const stages = document.getElementById('stages');
  stages.replaceChildren();
  for (const s of a.stages) {
    const div = el('div', {'class': 'stage', 'data-stage': String(s.index)},
      el('h4', {}, '[' + s.index + '] ' + s.type + ' ' + s.inputSize + '→' + s.outputSize + ': ' + s.shape + ', '
        + s.structure + ' (' + s.kind + ')'));
    if (s.dense) {
      // rows and columns scaled apart, so a wide 12×784 matrix still shows its rows
      const rows = s.dense.length;
      const cols = rows ? s.dense[0].length : 0;
      const sx = Math.max(1, Math.min(8, Math.floor(560 / Math.max(cols, 1))));
      const sy = Math.max(1, Math.min(8, Math.floor(160 / Math.max(rows, 1))));
      const c = el('canvas', {width: String(cols * sx), height: String(rows * sy), title: 'D_x f = ' + s.shape + ', dense'});
      drawHeat(c, s.dense.flat(), rows, cols, 1);
      div.append(c);
    }
    div.append(el('pre', {}, s.text));
    stages.append(div);
  }
}

function drawInput(c, x, side) {
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = 255 - Math.round(255 * x[i]);
    img.data.set([v, v, v, 255], 4 * i);
  }
  paint(ctx, img, c);
}

// a diverging map, red positive, blue negative, scaled by the largest |value|; alpha < 1 shows what is under it
function drawHeat(c, v, rows, cols, alpha) {
  const ctx = c.getContext('2d');
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  const img = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const t = max > 0 ? v[i] / max : 0;
    const a = Math.min(1, Math.abs(t));
    const rgb = t >= 0 ? [255, Math.round(255 * (1 - a)), Math.round(255 * (1 - a))]
      : [Math.round(255 * (1 - a)), Math.round(255 * (1 - a)), 255];
    img.data.set([...rgb, Math.round(255 * (alpha < 1 ? a * alpha : 1))], 4 * i);
  }
  paint(ctx, img, c, alpha < 1);
}

function paint(ctx, img, c, over) {
  const tmp = document.createElement('canvas');
  tmp.width = img.width;
  tmp.height = img.height;
  tmp.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  if (!over) ctx.clearRect(0, 0, c.width, c.height);
  ctx.drawImage(tmp, 0, 0, c.width, c.height);
}

document.addEventListener('DOMContentLoaded', () => {
  setupDrawing();
  poll();
});
