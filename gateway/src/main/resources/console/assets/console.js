'use strict';
// Switchboard console. Keeps a map of the gateway's entries (router:*, pool:*, model:*, worker:*, gateway) from
// the server-sent events of /console/events (one snapshot, then patches), and renders it into stable DOM nodes:
// a node is created once per key and updated in place, so focus and open dialogs survive updates.
// Actions go to the worker API (PATCH/DELETE/POST /workers) with the admin key this tab holds.
(function () {
  const KEY_STORE = 'switchboard.adminKey';
  const MAX_ERRORS = 50;
  const entries = new Map();
  let order = [];
  let errors = [];
  let source = null;

  const $ = (id) => document.getElementById(id);

  function el(tag, props, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children || []) e.append(c);
    return e;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function setPill(node, text, tone) {
    setText(node, text);
    const cls = 'pill pill-' + tone;
    if (node.className !== cls) node.className = cls;
  }

  /** Makes parent's children exactly one node per item, in order, reusing nodes by key. */
  function sync(parent, items, keyOf, create, update) {
    const existing = new Map();
    for (const c of Array.from(parent.children)) existing.set(c.dataset.key, c);
    const wanted = new Set();
    let prev = null;
    for (const item of items) {
      const key = keyOf(item);
      wanted.add(key);
      let node = existing.get(key);
      if (!node) {
        node = create(item);
        node.dataset.key = key;
      }
      update(node, item);
      const at = prev ? prev.nextSibling : parent.firstChild;
      if (node !== at) parent.insertBefore(node, at);
      prev = node;
    }
    for (const [key, c] of existing) if (!wanted.has(key)) c.remove();
  }

  function ofKind(kind) {
    const out = [];
    for (const k of order) if (k.startsWith(kind + ':') && entries.has(k)) out.push(entries.get(k));
    return out;
  }

  // ---- the stream -------------------------------------------------------------------------------------------

  function connect() {
    source = new EventSource('/console/events');
    source.addEventListener('snapshot', (e) => {
      const d = JSON.parse(e.data);
      entries.clear();
      order = Object.keys(d.entries);
      for (const k of order) entries.set(k, d.entries[k]);
      errors = d.errors.slice(-MAX_ERRORS);
      setPill($('stream'), 'live', 'ok');
      render();
    });
    source.addEventListener('patch', (e) => {
      const d = JSON.parse(e.data);
      for (const [k, v] of Object.entries(d.set)) entries.set(k, v);
      for (const k of d.deleted) entries.delete(k);
      if (d.order) order = d.order;
      if (d.errors.length) errors = errors.concat(d.errors).slice(-MAX_ERRORS);
      render();
    });
    source.onopen = () => setPill($('stream'), 'live', 'ok');
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        setPill($('stream'), 'disconnected', 'bad');
        // Refused (401: the key changed) shows the login page again; anything else: try again shortly.
        fetch('/console/state', { credentials: 'same-origin' }).then((r) => {
          if (r.status === 401) location.reload();
          else setTimeout(connect, 2000);
        }, () => setTimeout(connect, 2000));
      } else {
        setPill($('stream'), 'reconnecting…', 'warn');
      }
    };
  }

  // ---- rendering --------------------------------------------------------------------------------------------

  function render() {
    const g = entries.get('gateway');
    if (g) {
      setPill($('readiness'), g.ready ? 'ready' : 'not ready', g.ready ? 'ok' : 'bad');
      setText($('worker-count'), g.workers + (g.workers === 1 ? ' worker, ' : ' workers, ') + g.healthy_workers + ' healthy');
    }
    renderModels();
    renderRouters();
    renderErrors();
  }

  function renderModels() {
    sync($('models'), ofKind('model'), (m) => m.model, (m) => {
      return el('li', { 'data-model': m.model }, [
        el('strong', { text: m.model }), document.createTextNode(' '),
        el('span', { class: 'pill', 'data-field': 'routable' }),
        el('span', { class: 'reason', 'data-field': 'reason' })]);
    }, (node, m) => {
      setPill(node.querySelector('[data-field=routable]'), m.routable ? 'routable' : 'not routable', m.routable ? 'ok' : 'bad');
      setText(node.querySelector('[data-field=reason]'), 'on ' + m.routers.join(', ') + (m.routable ? '' : ' — ' + m.reason));
    });
  }

  const ROUTER_TITLES = {
    'http-regular': 'HTTP · regular', 'http-pd': 'HTTP · prefill/decode',
    'grpc-regular': 'gRPC · regular', 'grpc-pd': 'gRPC · prefill/decode',
  };

  function renderRouters() {
    sync($('routers'), ofKind('router'), (r) => r.id, (r) => {
      const titleId = 'router-' + r.id + '-title';
      return el('article', { class: 'router', 'data-router': r.id, 'aria-labelledby': titleId }, [
        el('div', { class: 'router-head' }, [
          el('h3', { id: titleId, text: r.id }),
          el('span', { class: 'muted', text: ROUTER_TITLES[r.id] || '' }),
          el('span', { class: 'pill', 'data-field': 'state' })]),
        el('p', { class: 'empty', text: 'No workers of this kind: the router does not exist.' }),
        el('div', { class: 'pools' })]);
    }, (node, r) => {
      const state = r.live ? 'serving' : r.planned ? 'planned, not running' : 'not in use';
      setPill(node.querySelector('[data-field=state]'), state, r.live ? 'ok' : 'info');
      node.classList.toggle('idle', !r.live);
      node.querySelector('.empty').hidden = r.models.length > 0;
      const pools = r.models.map((m) => entries.get('pool:' + r.id + ':' + m)).filter(Boolean);
      sync(node.querySelector('.pools'), pools, (p) => p.model, (p) => createPool(r, p), updatePool);
    });
  }

  function createPool(r, p) {
    const head = el('div', { class: 'pool-head' }, [
      el('h4', { text: p.model }),
      el('span', { class: 'pill', 'data-field': 'routable' }),
      el('span', { class: 'policy', 'data-field': 'policy' }),
      el('span', { class: 'reason', 'data-field': 'reason' })]);
    const section = el('section', { class: 'pool', 'data-pool': r.id + ':' + p.model, 'aria-label': p.model + ' on ' + r.id }, [head]);
    if (r.pd) {
      section.append(el('div', { class: 'pd' }, [
        el('div', {}, [el('p', { class: 'role-title', text: 'Prefill' }), workerTable('prefill', p.model + ' prefill workers')]),
        el('div', { class: 'arrow', 'aria-hidden': 'true', text: '↓ each request: one prefill worker, then one decode worker' }),
        el('div', {}, [el('p', { class: 'role-title', text: 'Decode' }), workerTable('decode', p.model + ' decode workers')])]));
    } else {
      section.append(workerTable('regular', p.model + ' workers'));
    }
    return section;
  }

  const COLUMNS = ['Worker', 'Health', 'Breaker', 'In flight', 'Req/s', 'Errors', 'TTFT p50 / p99', 'Prefix hits', 'Actions'];

  function workerTable(role, label) {
    const head = el('tr', {}, COLUMNS.map((c) => el('th', { scope: 'col', text: c })));
    return el('div', { class: 'table-wrap' }, [
      el('table', { class: 'workers', 'aria-label': label }, [el('thead', {}, [head]), el('tbody', { 'data-role': role })])]);
  }

  function updatePool(node, p) {
    setPill(node.querySelector('[data-field=routable]'), p.routable ? 'routable' : 'not routable', p.routable ? 'ok' : 'bad');
    const policy = p.policy !== undefined
      ? 'policy ' + (p.policy || '–')
      : 'prefill ' + (p.prefill_policy || '–') + ' · decode ' + (p.decode_policy || '–');
    setText(node.querySelector('[data-field=policy]'), policy);
    setText(node.querySelector('[data-field=reason]'), p.routable ? '' : p.reason);
    const workers = p.workers.map((id) => entries.get('worker:' + id)).filter(Boolean);
    for (const body of node.querySelectorAll('tbody')) {
      const role = body.dataset.role;
      sync(body, workers.filter((w) => w.type === role), (w) => w.id, createWorkerRow, updateWorkerRow);
    }
  }

  function cell(label, field, cls) {
    return el('td', { 'data-label': label, 'data-field': field, class: cls || '' });
  }

  function createWorkerRow(w) {
    const drain = el('button', { type: 'button', class: 'btn btn-small', 'data-action': 'drain' });
    const remove = el('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'remove', text: 'Remove',
      'aria-label': 'Remove worker ' + w.url });
    drain.addEventListener('click', () => drainWorker(entries.get('worker:' + w.id) || w));
    remove.addEventListener('click', () => removeWorker(entries.get('worker:' + w.id) || w));
    return el('tr', { 'data-worker-id': w.id, 'data-url': w.url }, [
      el('td', { class: 'url', 'data-label': 'Worker' }, [el('span', { class: 'mono', text: w.url })]),
      el('td', { 'data-label': 'Health', 'data-field': 'health' }, [el('span', { class: 'pill' }), el('span', { class: 'drain-note' })]),
      cell('Breaker', 'breaker'), cell('In flight', 'in_flight', 'num'), cell('Req/s', 'requests_per_sec', 'num'),
      cell('Errors', 'error_rate', 'num'), cell('TTFT p50 / p99', 'ttft', 'num'), cell('Prefix hits', 'prefix_hit_share', 'num'),
      el('td', { class: 'act', 'data-label': 'Actions' }, [drain, remove])]);
  }

  function pct(x) {
    return (x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0) + '%';
  }

  function updateWorkerRow(row, w) {
    const healthCell = row.querySelector('[data-field=health]');
    const tone = w.health === 'healthy' ? 'ok' : w.health === 'unhealthy' ? 'bad' : 'wait';
    setPill(healthCell.querySelector('.pill'), w.health, tone);
    const note = healthCell.querySelector('.drain-note');
    setText(note, w.draining ? ' draining' : '');
    note.className = w.draining ? 'drain-note pill pill-warn' : 'drain-note';
    row.classList.toggle('down', w.health === 'unhealthy');
    row.classList.toggle('draining', !!w.draining);
    const f = (name) => row.querySelector('[data-field=' + name + ']');
    setText(f('breaker'), w.breaker == null ? 'n/a' : w.breaker.replace('_', '-'));
    setText(f('in_flight'), String(w.in_flight));
    setText(f('requests_per_sec'), w.requests_per_sec.toFixed(1));
    setText(f('error_rate'), pct(w.error_rate));
    setText(f('ttft'), w.ttft_p50_ms == null ? '–' : Math.round(w.ttft_p50_ms) + ' / ' + Math.round(w.ttft_p99_ms) + ' ms');
    setText(f('prefix_hit_share'), w.prefix_hit_share == null ? '–' : pct(w.prefix_hit_share));
    const drain = row.querySelector('[data-action=drain]');
    setText(drain, w.draining ? 'Resume' : 'Drain');
    drain.setAttribute('aria-label', (w.draining ? 'Resume worker ' : 'Drain worker ') + w.url);
  }

  function renderErrors() {
    const table = $('errors');
    table.hidden = errors.length === 0;
    $('no-errors').hidden = errors.length > 0;
    const newestFirst = errors.slice().reverse();
    sync(table.querySelector('tbody'), newestFirst, (e) => String(e.seq), (e) => el('tr', {}, [
      el('td', { class: 'num', text: new Date(e.at).toLocaleTimeString() }),
      el('td', { class: 'num', text: e.status ? String(e.status) : '–' }),
      el('td', { text: e.model }),
      el('td', { class: 'url' }, [el('span', { class: 'mono', text: e.url })]),
      el('td', { text: e.router }),
      el('td', { class: 'msg', text: e.message })]), () => {});
  }

  // ---- actions ----------------------------------------------------------------------------------------------

  function storedKey() {
    try { return sessionStorage.getItem(KEY_STORE); } catch (e) { return null; }
  }

  /** 'admin' or 'gateway' when the worker API wants a key for changes, else null. */
  function actionKey() {
    const g = entries.get('gateway');
    return g ? g.action_key : null;
  }

  /** Asks; resolves to true when confirmed. Asks for the admin key too when this tab has none. */
  function confirmAction(title, text, okLabel) {
    const dialog = $('confirm');
    setText($('confirm-title'), title);
    setText($('confirm-text'), text);
    setText($('confirm-ok'), okLabel);
    const needKey = !!actionKey() && !storedKey();
    setText($('confirm-key-label'), actionKey() === 'gateway' ? 'API key' : 'Admin key');
    $('confirm-key-row').hidden = !needKey;
    $('confirm-key').required = needKey;
    $('confirm-key').value = '';
    const returnFocus = document.activeElement;
    return new Promise((resolve) => {
      const form = $('confirm-form');
      const done = (ok) => {
        form.removeEventListener('submit', onSubmit);
        $('confirm-cancel').removeEventListener('click', onCancel);
        dialog.removeEventListener('cancel', onCancel);
        if (dialog.open) dialog.close();
        // Back to the button that asked (it still exists unless its worker went away).
        if (returnFocus && returnFocus.isConnected && returnFocus !== document.body) returnFocus.focus();
        resolve(ok);
      };
      const onSubmit = (e) => {
        e.preventDefault();
        if (needKey) {
          try { sessionStorage.setItem(KEY_STORE, $('confirm-key').value); } catch (err) { /* storage off */ }
        }
        done(true);
      };
      const onCancel = (e) => { e.preventDefault(); done(false); };
      form.addEventListener('submit', onSubmit);
      $('confirm-cancel').addEventListener('click', onCancel);
      dialog.addEventListener('cancel', onCancel);
      dialog.showModal();
      (needKey ? $('confirm-key') : $('confirm-ok')).focus();
    });
  }

  async function workerApi(method, path, body) {
    const headers = { accept: 'application/json' };
    const key = storedKey();
    if (key) headers.authorization = 'Bearer ' + key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const r = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
      let json = null;
      try { json = await r.json(); } catch (e) { /* empty body */ }
      if (r.status === 401) {
        try { sessionStorage.removeItem(KEY_STORE); } catch (e) { /* storage off */ }
      }
      return { ok: r.ok, status: r.status, json };
    } catch (e) {
      return { ok: false, status: 0, json: { error: { message: 'the gateway did not answer: ' + e.message } } };
    }
  }

  function showResult(text, ok) {
    const p = $('result');
    p.hidden = false;
    p.className = 'result ' + (ok ? 'ok' : 'bad');
    p.textContent = text;
  }

  function failure(what, r) {
    const msg = r.json && r.json.error && r.json.error.message ? r.json.error.message : 'no details';
    return what + ' failed' + (r.status ? ' (' + r.status + ')' : '') + ': ' + msg;
  }

  async function drainWorker(w) {
    const resume = !!w.draining;
    const ok = await confirmAction(resume ? 'Resume worker?' : 'Drain worker?',
      resume ? w.url + ' will take new requests again.'
        : w.url + ' will take no new requests; the requests it has in flight finish.',
      resume ? 'Resume' : 'Drain');
    if (!ok) return;
    const r = await workerApi('PATCH', '/workers/' + encodeURIComponent(w.id), { draining: !resume });
    showResult(r.ok ? (resume ? 'Resumed ' : 'Draining ') + w.url + ' (' + r.status + ').' : failure(resume ? 'Resume' : 'Drain', r), r.ok);
  }

  async function removeWorker(w) {
    const ok = await confirmAction('Remove worker?',
      w.url + ' (' + w.model + ', ' + w.type + ', ' + w.connection + ') leaves the gateway once its in-flight requests finish.', 'Remove');
    if (!ok) return;
    const r = await workerApi('DELETE', '/workers/' + encodeURIComponent(w.id));
    showResult(r.ok ? 'Removing ' + w.url + ' (' + r.status + ').' : failure('Remove', r), r.ok);
  }

  function addWorkerBody(form) {
    const v = (name) => form.elements[name].value.trim();
    const body = { url: v('url'), type: v('type') };
    if (v('model')) body.model = v('model');
    if (v('connection')) body.connection = v('connection');
    if (v('bootstrap_port')) body.bootstrap_port = Number(v('bootstrap_port'));
    if (v('priority')) body.priority = Number(v('priority'));
    return body;
  }

  function setUpAddDialog() {
    const dialog = $('add');
    const form = $('add-form');
    $('add-worker').addEventListener('click', () => {
      form.reset();
      dialog.showModal();
      $('add-url').focus();
    });
    $('add-cancel').addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = addWorkerBody(form);
      dialog.close();
      const ok = await confirmAction('Add worker?', 'Add ' + body.url + ' (' + (body.model || 'model asked of the worker') + ', ' + body.type
        + (body.connection ? ', ' + body.connection : '') + ') to the gateway.', 'Add');
      if (!ok) return;
      const r = await workerApi('POST', '/workers', body);
      showResult(r.ok ? 'Added ' + body.url + ' (' + r.status + ').' : failure('Add', r), r.ok);
    });
  }

  setUpAddDialog();
  connect();
})();
