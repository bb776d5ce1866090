// Shared helpers of the node UI: fetch JSON from this node, escape text, draw the header.
'use strict';
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]);

async function api(path) {
  const r = await fetch(path, {headers: {Accept: 'application/json'}});
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

async function header(current) {
  const pages = [['index.html', 'Compliance'], ['map.html', 'Map'], ['log.html', 'Log explorer'],
                 ['inspections.html', 'Inspections']];
  const h = document.createElement('header');
  h.innerHTML = '<strong>moratorium</strong>' + pages.map(([href, name]) =>
    `<a href="${href}" class="${href === current ? 'current' : ''}">${name}</a>`).join('') + '<span class="node"></span>';
  document.body.prepend(h);
  const info = await api('/v1/node');
  h.querySelector('.node').textContent = `${info.party} node · treaty ${info.treaty} · key ${info.key_id}`;
  return info;
}

function evidenceLink(ev) {
  return `<a href="log.html?party=${encodeURIComponent(ev.party)}&seq=${ev.seq}" title="${esc(ev.summary ?? '')}">` +
    `${esc(ev.party)}#${ev.seq}</a>`;
}
