'use strict';
// The floor the peer benchmark's client sets (scripts/peerbench runs it after the real servers):
// a "server" that does the least any sync server must — parse each push and list its ops as
// accepted, nothing stored to disk — and answers pulls with pages serialised in advance, so a
// pull costs it only the sending. Whatever time huitou.js takes against it is the client's own
// (building, sending and reading JSON, one request at a time): no server can be faster.
const http = require('node:http');
// Pull pages are serialised as the pushes arrive, so a pull costs the stub only the sending.
let pending = [], pages = [], seq = 0;
const flush = () => { while (pending.length) { const part = pending.splice(0, 5000); pages.push(part.map((c) => JSON.stringify(c)).join(',')); } };
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = '{}';
    if (req.url.startsWith('/api/v1/auth/login')) body = JSON.stringify({ token: 't', server_time_ms: Date.now(), user: { id: 'u' } });
    else if (req.url.startsWith('/api/v1/sync/push')) {
      const p = JSON.parse(Buffer.concat(chunks).toString());
      for (const c of p.changes) { c.seq = ++seq; pending.push(c); }
      body = JSON.stringify({ accepted: p.changes.map((c) => c.op), rejected: [], cursor: 'x' });
    } else if (req.url.startsWith('/api/v1/sync/pull')) {
      flush();
      const cur = +(new URL(req.url, 'http://x').searchParams.get('cursor') || 0);
      body = `{"changes":[${pages[cur] || ''}],"cursor":"${cur + 1}","has_more":${cur + 1 < pages.length},"revoked":[]}`;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
}).listen(+process.env.PORT || 18099, '127.0.0.1');
