// The page of `runner serve`: polls /api/runs for changes, redraws a card when its version changes, and
// asks the selected model: a drawn or uploaded picture to /api/predict (digit and image models), a form's row or a
// CSV file to /api/rows (table models). Every text from the server goes in with textContent, never as markup.
'use strict';

const POLL_MS = 1000;
const cards = new Map();    // run id -> {el, version}
let selected = '';          // the run id whose model the drawing goes to
let model = null;           // what /api/model said of the selected run's model
const MAX_PICTURE = 4 << 20;  // the server's limits, checked here first to say so without sending
const MAX_CSV = 1 << 20;

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

function num(v) {
  return typeof v === 'number' && isFinite(v) ? (Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(3) : v.toPrecision(5)) : '–';
}

function pct(v) {
  return typeof v === 'number' && isFinite(v) ? (100 * v).toFixed(2) + '%' : '–';
}

// within an epoch: samples done and the loss so far, from steps.jsonl ("epoch 1: 37% (22,016 / 60,000), loss
// 0.41"); for a run folder without one, from checkpoint/state.json (with training.checkpointEvery), or how long
// the run has been going
function progressLine(run, epochs) {
  if (run.status !== 'training') return null;
  const p = run.progress;
  const done = epochs.length ? epochs[epochs.length - 1].epoch : 0;
  const n = p && p.samples ? p.samples : samplesPerEpoch(epochs);
  const line = el('p', {'class': 'progress', 'data-progress': p && p.epoch > done ? String(p.position) : ''});
  if (p && p.epoch > done && p.position > 0) {
    const share = n ? ' ' + Math.floor(100 * Math.min(1, p.position / n)) + '%' : '';
    line.append('epoch ' + p.epoch + ':' + share + ' (' + p.position.toLocaleString('en')
      + (n ? ' / ' + n.toLocaleString('en') : ' samples') + '), loss ' + valueText(p.trainLoss) + ' ');
    if (n) line.append(el('progress', {max: String(n), value: String(Math.min(n, p.position))}));
  } else {
    const since = run.started && run.now ? Math.max(0, Math.round((run.now - run.started) / 1000)) : null;
    line.append('epoch ' + (done + 1) + ' in progress' + (since !== null && !done ? ' (' + since + ' s since the run started)' : ''));
  }
  return line;
}

function renderCard(run) {
  const card = el('article', {'class': 'card', 'data-run': run.id});
  const swatch = el('span', {'class': 'swatch', title: 'this run\'s colour in the charts'});
  swatch.style.backgroundColor = runColour(run.index || 0);
  const title = el('h2', {}, swatch, run.name || run.path, el('span', {'class': 'badge ' + run.status}, run.status));
  card.append(title, el('div', {'class': 'muted'}, run.path));
  if (run.error) {
    card.append(el('p', {'class': 'error'}, run.error));
    return card;
  }
  for (const w of run.warnings || []) card.append(el('p', {'class': 'warning'}, w));
  const epochs = run.epochs || [];
  const last = epochs[epochs.length - 1];
  const fitted = run.config && run.config.data && run.config.data.fitted;
  const regression = epochs.some(m => typeof m.testR2 === 'number') || !!(fitted && fitted.targets);
  if (fitted && (fitted.classes || fitted.targets)) {
    const names = fitted.classes || fitted.targets;
    card.append(el('p', {'class': 'classes'}, (fitted.classes ? 'classes: ' : 'targets: ')
      + names.slice(0, 20).join(', ') + (names.length > 20 ? ', … (' + names.length + ')' : '')));
  }
  card.append(el('p', {}, epochs.length === 0 ? 'no epoch finished yet'
    : 'epoch ' + last.epoch + ': ' + (regression
      ? 'test R² ' + fmt(last.testR2, 4) + ', MSE ' + num(last.testMse) + ', MAE ' + num(last.testMae)
      : 'test accuracy ' + pct(last.testAccuracy)) + ', test loss ' + fmt(last.testLoss, 4)));
  const progress = progressLine(run, epochs);
  if (progress) card.append(progress);
  const head = regression ? ['test R²', 'test MSE', 'test MAE'] : ['test accuracy'];
  const table = el('table', {'class': 'epochs'},
    el('tr', {}, el('th', {}, 'epoch'), el('th', {}, 'train loss'), el('th', {}, 'test loss'),
      ...head.map(h => el('th', {}, h)), el('th', {}, 'seconds')));
  for (const m of epochs) {
    const cells = regression ? [fmt(m.testR2, 4), num(m.testMse), num(m.testMae)] : [pct(m.testAccuracy)];
    table.append(el('tr', {'data-epoch': String(m.epoch)}, el('td', {}, m.epoch), el('td', {}, fmt(m.trainLoss, 4)),
      el('td', {}, fmt(m.testLoss, 4)), ...cells.map(c => el('td', {}, c)), el('td', {}, fmt(m.seconds, 1))));
  }
  // the table collapsed: the charts above show the curves, a card stays a few lines tall
  if (epochs.length) {
    card.append(el('details', {'data-key': 'epochs'}, el('summary', {}, epochs.length + ' epoch'
      + (epochs.length === 1 ? '' : 's') + ' (table)'), table));
  }
  const files = new Set(run.files || []);
  // the loss and accuracy curves are the charts above; the confusion matrix and the most wrong test images
  // as thumbnails that open full size
  const thumbs = el('div', {'class': 'thumbs'});
  for (const [name, alt] of [['confusion.png', 'confusion matrix'], ['most-wrong.png', 'most wrong test images']]) {
    if (!files.has(name)) continue;
    const img = el('img', {src: fileUrl(run, name), alt: alt, title: alt + ' (click to enlarge)', 'data-file': name});
    img.addEventListener('click', () => {
      const big = el('img', {src: img.src, alt: alt});
      openZoom((run.name || run.path) + ': ' + alt, big);
    });
    thumbs.append(img);
  }
  if (thumbs.childElementCount) card.append(thumbs);
  const links = el('p', {});
  if (files.has('report.html')) links.append(el('a', {href: fileUrl(run, 'report.html'), target: '_blank', rel: 'noopener'}, 'report.html'), ' ');
  for (const [name, alt] of [['loss.png', 'loss.png'], ['accuracy.png', 'accuracy.png']]) {
    if (files.has(name)) links.append(el('a', {href: fileUrl(run, name), target: '_blank', rel: 'noopener'}, alt), ' ');
  }
  if (run.hasModel) {
    const b = el('button', {type: 'button', 'class': 'use-model'}, 'ask this model');
    b.addEventListener('click', () => selectModel(run.id));
    links.append(b);
  }
  card.append(links);
  if (run.config) {
    card.append(el('details', {'data-key': 'config'}, el('summary', {}, 'config'),
      el('pre', {}, JSON.stringify(run.config, null, 2))));
  }
  return card;
}

async function poll() {
  try {
    const list = await getJson('/api/runs');
    if (list.error) throw new Error(list.error);
    const container = document.getElementById('runs');
    const seen = new Set();
    let changed = false;
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
      run.index = list.runs.indexOf(head);
      const card = renderCard(run.error && !run.path ? Object.assign({}, head, {error: run.error}) : run);
      changed = true;
      if (known) {
        for (const d of known.el.querySelectorAll('details[open][data-key]')) {
          const again = card.querySelector('details[data-key="' + d.dataset.key + '"]');
          if (again) again.open = true;
        }
      }
      if (known) known.el.replaceWith(card); else container.append(card);
      cards.set(head.id, {el: card, version: head.version, run: run});
    }
    for (const [id, c] of cards) {
      if (!seen.has(id)) { c.el.remove(); cards.delete(id); changed = true; }
    }
    if (changed) redrawCharts();
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

function redrawCharts() {
  const runs = [];
  for (const c of cards.values()) if (c.run && !c.run.error) runs.push(c.run);
  runs.sort((a, b) => (a.index || 0) - (b.index || 0));
  // a run keeps its colour: the colour of its place in the list
  updateCharts(runs.map(r => r));
}

function openZoom(title, content) {
  const d = document.getElementById('zoom');
  document.getElementById('zoom-title').textContent = title;
  document.getElementById('zoom-body').replaceChildren(content);
  document.getElementById('zoom-hover').textContent = '';
  if (!d.open) d.showModal();
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
  const version = (withModel.find(r => r.id === selected) || {}).version || '';
  if (selected && (!model || model.id !== selected || model.version !== version)) loadModel(selected, version);
}

function selectModel(id) {
  selected = id;
  document.getElementById('model').value = id;
  loadModel(id, '').then(() => { if (model && model.kind !== 'table') requestPrediction(); });
}

// what the model takes decides the panel: a canvas of its own size (digits, pictures) or a form (tables)
let loading = null;
async function loadModel(id, version) {
  if (loading && loading.id === id) return loading.done;
  const done = (async () => {
    let info;
    try {
      info = await getJson('/api/model?id=' + encodeURIComponent(id));
    } catch (e) {
      info = {error: 'cannot reach the server: ' + e.message};
    }
    if (id !== selected) return;
    model = Object.assign({}, info, {id: id, version: version});
    showPanel(model);
  })();
  loading = {id: id, done: done};
  try { await done; } finally { if (loading && loading.done === done) loading = null; }
}

function showPanel(m) {
  const note = document.getElementById('model-note');
  const draw = document.getElementById('draw-panel');
  const table = document.getElementById('table-panel');
  const picture = m.kind === 'digit' || m.kind === 'image';
  note.textContent = m.error || m.message || (m.classes ? 'classes: ' + m.classes.join(', ')
    : m.targets ? 'predicts ' + m.targets.join(', ') : '');
  note.hidden = !note.textContent;
  note.className = m.error || m.message ? 'error' : 'muted';
  draw.hidden = !picture;
  table.hidden = m.kind !== 'table';
  document.getElementById('jacobians').hidden = !picture && m.kind !== 'table';
  if (picture) {
    draw.dataset.kind = m.kind;
    document.getElementById('draw-help').textContent = m.kind === 'digit'
      ? 'Draw a digit. The drawing is prepared as runner predict prepares a picture (cropped, scaled into 20×20, '
        + 'centred by mass in ' + m.height + '×' + m.width + ').'
      : 'Draw or upload a picture. It is prepared as the model\'s training images were (decoded, resized to '
        + m.height + '×' + m.width + ', ' + (m.channels === 1 ? 'gray' : 'RGB') + ', /255, the recorded scaling).';
    document.getElementById('pen-colour-label').hidden = m.channels !== 3;
    sizeCanvases(m);
  } else if (m.kind === 'table') {
    buildForm(m);
  }
}

// the drawing canvas keeps the model's aspect, about 280 pixels on its longer side; a digit's stays 280×280
function sizeCanvases(m) {
  const c = canvas();
  const k = Math.max(1, Math.floor(280 / Math.max(m.height, m.width)));
  const w = m.kind === 'digit' ? 280 : m.width * k;
  const h = m.kind === 'digit' ? 280 : m.height * k;
  if (c.width !== w || c.height !== h) {
    c.width = w;
    c.height = h;
    clearCanvas();
  }
  for (const id of ['input', 'saliency']) {
    const s = document.getElementById(id);
    const hh = Math.max(1, Math.round(168 * m.height / m.width));
    if (s.width !== 168 || s.height !== hh) { s.width = 168; s.height = hh; }
  }
}

function penWidth() {
  const c = canvas();
  return Math.max(2, Math.round(18 * Math.min(c.width, c.height) / 280));
}

function penColour() {
  return model && model.kind === 'image' && model.channels === 3 ? document.getElementById('pen-colour').value : '#000';
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
    ctx.strokeStyle = penColour();
    ctx.lineWidth = penWidth();
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
  document.getElementById('picture-file').addEventListener('change', ev => uploadPicture(ev.target));
  document.getElementById('csv-file').addEventListener('change', ev => uploadCsv(ev.target));
  document.getElementById('row-form').addEventListener('submit', ev => { ev.preventDefault(); sendRow(); });
  clearCanvas();
}

function dot(ctx, p) {
  ctx.fillStyle = penColour();
  ctx.beginPath();
  ctx.arc(p[0], p[1], penWidth() / 2, 0, 2 * Math.PI);
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
      await postPicture(id, png);
    } finally {
      inFlight = false;
      if (dirty) sendPrediction(); else pending();
    }
  })();
}

// JSON, from this page's own origin, as the drawing: the server refuses anything else
function postJson(path, id, body) {
  return getJson(path + '?id=' + encodeURIComponent(id),
    {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
}

async function postPicture(id, base64) {
  try {
    const a = await postJson('/api/predict', id, {png: base64});
    if (a.error) showError(a.error); else { showError(''); showAnalysis(a); }
  } catch (e) {
    showError('cannot reach the server: ' + e.message);
  }
}

// a picture file goes as it is (the server prepares it as predict prepares the file); the canvas shows it
function uploadPicture(input) {
  const f = input.files && input.files[0];
  input.value = '';
  if (!f) return;
  if (!selected) { showError('no finished run yet'); return; }
  if (f.size > MAX_PICTURE) {
    showError(f.name + ': the picture is larger than ' + MAX_PICTURE + ' bytes');
    return;
  }
  const reader = new FileReader();
  reader.onload = () => {
    const url = String(reader.result);
    const img = new Image();
    img.onload = () => {
      const c = canvas();
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(img, 0, 0, c.width, c.height);
      inked = true;
    };
    img.src = url;
    inFlight = true;
    pending();
    postPicture(selected, url.substring(url.indexOf(',') + 1)).finally(() => { inFlight = false; pending(); });
  };
  reader.readAsDataURL(f);
}

// ---- table models ----
function buildForm(m) {
  const box = document.getElementById('row-inputs');
  if (box.dataset.model === m.id + '@' + m.version) return;
  box.dataset.model = m.id + '@' + m.version;
  box.replaceChildren();
  for (const input of m.inputs || []) {
    const id = 'col-' + box.childElementCount;
    let field;
    if (input.values) {
      field = el('select', {id: id, 'data-column': input.name});
      for (const v of input.values) field.append(el('option', {value: v}, v));
    } else {
      field = el('input', {id: id, type: 'number', step: 'any', required: 'required', 'data-column': input.name});
    }
    box.append(el('label', {for: id}, input.name), field);
  }
  document.getElementById('row-answer').textContent = '';
  document.getElementById('row-top').replaceChildren();
  document.getElementById('rows-answers').replaceChildren();
  document.getElementById('stages').replaceChildren();
  showRowsError('');
}

async function sendRow() {
  const id = selected;
  const row = {};
  for (const f of document.querySelectorAll('#row-inputs [data-column]')) row[f.dataset.column] = f.value;
  const answer = document.getElementById('row-answer');
  answer.dataset.pending = '1';
  try {
    const a = await postJson('/api/rows', id, {row: row});
    if (a.error) { showRowsError(a.error); answer.textContent = ''; } else { showRowsError(''); showRowAnalysis(a); }
  } catch (e) {
    showRowsError('cannot reach the server: ' + e.message);
  } finally {
    answer.dataset.pending = '0';
  }
}

function showRowAnalysis(a) {
  const answer = document.getElementById('row-answer');
  answer.textContent = a.values ? a.values.map(v => v.name + ' = ' + num(v.value)).join(', ') : a.predictedName;
  document.getElementById('row-top').replaceChildren(...(a.top || []).map(t =>
    el('li', {'data-class': String(t.label)}, t.name + '  ' + (100 * t.probability).toFixed(1) + '%')));
  // the saliency over the columns: D_x h_c(x), one entry per feature (one-hot categories each their own)
  const sal = document.getElementById('row-saliency');
  const names = (model && model.features) || null;
  sal.replaceChildren(el('tr', {}, el('th', {}, 'input'), el('th', {}, 'x (scaled)'),
    el('th', {}, 'D_x h' + (a.values ? '_0' : '_c'))));
  for (let i = 0; i < a.saliency.length; i++) {
    sal.append(el('tr', {}, el('td', {}, names ? names[i] : String(i)), el('td', {}, num(a.input[i])),
      el('td', {}, num(a.saliency[i]))));
  }
  sal.hidden = false;
  showStages(a.stages);
}

function showRowsError(msg) {
  const p = document.getElementById('rows-error');
  p.textContent = msg;
  p.hidden = !msg;
}

function uploadCsv(input) {
  const f = input.files && input.files[0];
  input.value = '';
  if (!f) return;
  const box = document.getElementById('rows-answers');
  box.replaceChildren();
  if (f.size > MAX_CSV) {
    showRowsError(f.name + ': the CSV is larger than 1 MiB (' + MAX_CSV + ' bytes); send fewer rows at a time, '
      + 'or use runner predict RUN rows.csv, which takes any size');
    return;
  }
  const id = selected;
  f.text().then(async text => {
    try {
      const a = await postJson('/api/rows', id, {csv: text, name: f.name});
      if (a.error) { showRowsError(a.error); return; }
      showRowsError('');
      showRows(a);
    } catch (e) {
      showRowsError('cannot reach the server: ' + e.message);
    }
  });
}

function showRows(a) {
  const t = el('table', {'class': 'epochs', id: 'rows-table'});
  if (a.regression) {
    const names = a.rows.length ? a.rows[0].values.map(v => v.name) : [];
    t.append(el('tr', {}, el('th', {}, 'row'), ...names.map(n => el('th', {}, n))));
    for (const r of a.rows) t.append(el('tr', {}, el('td', {}, r.where), ...r.values.map(v => el('td', {}, num(v.value)))));
  } else {
    t.append(el('tr', {}, el('th', {}, 'row'), el('th', {}, 'predicted'), el('th', {}, 'probability'),
      el('th', {}, 'then')));
    for (const r of a.rows) {
      t.append(el('tr', {}, el('td', {}, r.where), el('td', {}, r.name), el('td', {}, pct(r.top[0].probability)),
        el('td', {}, r.top.slice(1).map(x => x.name + ' ' + pct(x.probability)).join(', '))));
    }
  }
  document.getElementById('rows-answers').replaceChildren(el('p', {}, a.rows.length + ' row'
    + (a.rows.length === 1 ? '' : 's') + ' answered'), t);
}

function showError(msg) {
  const p = document.getElementById('draw-error');
  p.textContent = msg;
  p.hidden = !msg;
}

function showAnalysis(a) {
  document.getElementById('predicted').textContent = a.values
    ? a.values.map(v => v.name + ' = ' + num(v.value)).join(', ') : String(a.predictedName);
  const top = document.getElementById('top');
  top.replaceChildren(...(a.top || []).map(t => el('li', {'data-class': String(t.label)},
    t.name + '  ' + (100 * t.probability).toFixed(1) + '%')));
  if (a.kind === 'image') {
    drawPicture(document.getElementById('input'), a.input, a.channels, a.height, a.width);
    drawPicture(document.getElementById('saliency'), a.input, a.channels, a.height, a.width);
    // one value a pixel: the channels' entries summed
    const plane = a.height * a.width;
    const sal = new Array(plane).fill(0);
    for (let i = 0; i < a.saliency.length; i++) sal[i % plane] += a.saliency[i];
    drawHeat(document.getElementById('saliency'), sal, a.height, a.width, 0.75);
  } else {
    drawInput(document.getElementById('input'), a.input, a.side);
    drawInput(document.getElementById('saliency'), a.input, a.side);
    drawHeat(document.getElementById('saliency'), a.saliency, a.side, a.side, 0.75);
  }
  showStages(a.stages);
}

// an entry of a Jacobian: 3 significant digits, an exponent for the very small or large, 0 as 0
function entry(v) {
  if (typeof v !== 'number' || !isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e4 ? v.toExponential(1) : String(+v.toPrecision(3));
}

// at most this many entries (a 10×10 softmax block, a 12-entry diagonal) are shown as numbers
const NUMBERS_MAX = 144;

function numbersTable(rows, label) {
  let max = 0;
  for (const r of rows) for (const v of r) max = Math.max(max, Math.abs(v));
  const t = el('table', {'class': 'numbers', title: label});
  for (const r of rows) {
    const tr = el('tr', {});
    for (const v of r) {
      const td = el('td', {}, entry(v));
      const a = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
      td.style.backgroundColor = v >= 0 ? 'rgba(255,0,0,' + (0.35 * a).toFixed(3) + ')'
        : 'rgba(0,0,255,' + (0.35 * a).toFixed(3) + ')';
      tr.append(td);
    }
    t.append(tr);
  }
  return t;
}

// a heat map of cells (rows × cols of values); each cell stands for rs × cs entries of the Jacobian.
// Hover names the entry (or block) and its value; a click opens it large.
function heatMap(cells, rs, cs, m, n, title, where) {
  const rows = cells.length;
  const cols = rows ? cells[0].length : 0;
  const c = el('canvas', {width: String(cols), height: String(rows), title: title + ' (click to enlarge)'});
  drawHeat(c, cells.flat(), rows, cols, 1);
  const describe = (ev, canvas, out) => {
    const r = canvas.getBoundingClientRect();
    const j = Math.min(cols - 1, Math.floor((ev.clientX - r.left) * cols / r.width));
    const i = Math.min(rows - 1, Math.floor((ev.clientY - r.top) * rows / r.height));
    if (i < 0 || j < 0) return;
    const v = cells[i][j];
    out.textContent = rs === 1 && cs === 1 ? 'D[' + i + ', ' + j + '] = ' + entry(v)
      : 'rows ' + i * rs + '–' + (Math.min(m, (i + 1) * rs) - 1) + ', columns ' + j * cs + '–' + (Math.min(n, (j + 1) * cs) - 1)
        + ': largest |entry| ' + entry(v);
  };
  c.addEventListener('mousemove', ev => describe(ev, c, where));
  c.addEventListener('click', () => {
    const big = el('canvas', {width: String(cols), height: String(rows)});
    drawHeat(big, cells.flat(), rows, cols, 1);
    big.addEventListener('mousemove', ev => describe(ev, big, document.getElementById('zoom-hover')));
    openZoom(title, big);
  });
  // the displayed height: the matrix's aspect, but never thinner than 96 pixels (24 for a diagonal's strip) nor
  // taller than 240
  c.dataset.aspect = String(rows / Math.max(1, cols));
  return c;
}

function sizeHeat(c) {
  const w = c.clientWidth || 480;
  c.style.height = Math.round(Math.max(c.height === 1 ? 24 : 96, Math.min(240, w * Number(c.dataset.aspect || 1)))) + 'px';
}

function showStages(list) {
  const stages = document.getElementById('stages');
  stages.replaceChildren();
  for (const s of list) {
    const div = el('div', {'class': 'stage', 'data-stage': String(s.index)},
      el('h4', {}, '[' + s.index + '] ' + s.type + ' ' + s.inputSize + '→' + s.outputSize + ': ' + s.shape + ', '
        + s.structure + ' (' + s.kind + ')'));
    const where = el('p', {'class': 'where'});
    const label = 'D_x f' + s.index + ' = ' + s.shape;
    let view = null;
    if (s.diagonal) {
      // only the diagonal: every other entry is 0, so a square map would be nearly blank
      div.append(el('p', {'class': 'muted'}, 'diagonal: ' + s.diagonal.length + ' entries, all others 0'));
      view = s.diagonal.length <= 16 ? numbersTable([s.diagonal], label + ', diagonal')
        : heatMap([s.diagonal], 1, 1, 1, s.diagonal.length, label + ', its diagonal', where);
      if (view.tagName === 'CANVAS') {
        view.dataset.kind = 'diagonal';
        view.addEventListener('mousemove', () => {
          where.textContent = where.textContent.replace(/^D\[0, (\d+)\]/, 'D[$1, $1]');
        });
      }
    } else if (s.dense && s.dense.length * (s.dense.length ? s.dense[0].length : 0) <= NUMBERS_MAX) {
      view = numbersTable(s.dense, label);
    } else if (s.dense) {
      view = heatMap(s.dense, 1, 1, s.inputSize, s.outputSize, label, where);
      view.dataset.kind = 'dense';
    } else if (s.downsampled) {
      const d = s.downsampled;
      div.append(el('p', {'class': 'muted'}, 'downsampled: each cell is the entry of largest magnitude in a block of '
        + d.rowStep + '×' + d.colStep + ' entries'));
      view = heatMap(d.cells, d.rowStep, d.colStep, s.outputSize, s.inputSize, label + ', downsampled', where);
      view.dataset.kind = 'downsampled';
    } else if (s.kind === 'IdentityJacobian') {
      div.append(el('p', {'class': 'muted'}, 'the identity: no map needed'));
    } else {
      div.append(el('p', {'class': 'muted'}, 'too large to draw here (' + s.shape + ')'));
    }
    if (view) div.append(view.tagName === 'TABLE' ? el('div', {'class': 'numbers-box'}, view) : view, where);
    div.append(el('details', {}, el('summary', {}, 'what explain says'), el('pre', {}, s.text)));
    stages.append(div);
    if (view && view.tagName === 'CANVAS') sizeHeat(view);
  }
}

// a picture's pixels in [0, 1], channel-major (C×H×W), light as light
function drawPicture(c, x, channels, h, w) {
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(w, h);
  const plane = h * w;
  const v = i => Math.max(0, Math.min(255, Math.round(255 * i)));
  for (let i = 0; i < plane; i++) {
    const r = v(x[i]);
    img.data.set(channels === 3 ? [r, v(x[plane + i]), v(x[2 * plane + i]), 255] : [r, r, r, 255], 4 * i);
  }
  paint(ctx, img, c);
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
  document.getElementById('smoothing').addEventListener('input', redrawCharts);
  window.addEventListener('resize', () => {
    resizeCharts();
    for (const c of document.querySelectorAll('#stages canvas')) sizeHeat(c);
  });
  poll();
});
