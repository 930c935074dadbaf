// What both differential scripts share: the user command and a raw HTTP/1.1 request over a
// socket (exact bytes out, every header back), so that nothing in between rewrites either.
import { execSync } from 'node:child_process';
import net from 'node:net';

export const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
export function addUser(server, username, password, flags = '') {
  execSync(server.adduser.replaceAll('{username}', shq(username)).replaceAll('{password}', shq(password)).replaceAll('{flags}', flags), { stdio: 'ignore', shell: '/bin/sh' });
}

export function raw(base, method, path, headers, body) {
  const u = new URL(base);
  return new Promise((resolve) => {
    const chunks = [];
    const sock = net.connect({ host: u.hostname, port: Number(u.port) });
    sock.on('connect', () => {
      const parts = [Buffer.from(`${method} ${path} HTTP/1.1\r\n`, 'latin1')];
      if (!headers.some(([k]) => k.toLowerCase() === 'host')) parts.push(Buffer.from(`Host: ${u.host}\r\n`));
      for (const [k, v] of headers) parts.push(Buffer.from(`${k}: `), Buffer.isBuffer(v) ? v : Buffer.from(v, 'latin1'), Buffer.from('\r\n'));
      const b = body === undefined ? null : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
      if (b) parts.push(Buffer.from(`Content-Length: ${b.length}\r\n`));
      parts.push(Buffer.from('Connection: close\r\n\r\n'));
      if (b) parts.push(b);
      sock.write(Buffer.concat(parts));
    });
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (e) => resolve({ status: 0, headers: new Map(), text: String(e) }));
    sock.on('close', () => {
      const buf = Buffer.concat(chunks);
      const sep = buf.indexOf('\r\n\r\n');
      const head = buf.subarray(0, sep).toString('latin1').split('\r\n');
      const map = new Map();
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).trim().toLowerCase();
        map.set(k, map.has(k) ? `${map.get(k)}, ${line.slice(i + 1).trim()}` : line.slice(i + 1).trim());
      }
      let bodyBuf = buf.subarray(sep + 4);
      if ((map.get('transfer-encoding') || '').includes('chunked')) {
        const out = []; let p = 0;
        for (;;) { const e = bodyBuf.indexOf('\r\n', p); if (e < 0) break; const n = parseInt(bodyBuf.subarray(p, e).toString(), 16); if (!n) break; out.push(bodyBuf.subarray(e + 2, e + 2 + n)); p = e + 2 + n + 2; }
        bodyBuf = Buffer.concat(out);
      }
      resolve({ status: Number(head[0]?.split(' ')[1]), headers: map, text: bodyBuf.toString('utf8') });
    });
  });
}
