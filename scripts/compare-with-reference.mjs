#!/usr/bin/env node
// Differential check: sends the same requests to the DRF reference and to Tessera and
// prints every difference in status, body or contract headers. A development tool (it
// needs the reference running, see ../shared/reference/README.md), not part of npm test.
//
//   node scripts/compare-with-reference.mjs --reference http://127.0.0.1:8001 \
//     --reference-adduser 'DJANGO_DB_PATH=/tmp/ref.sqlite3 ../shared/reference/drf_seed/adduser.sh {username} {password} {flags}' \
//     --tessera http://127.0.0.1:8111 --tessera-adduser 'node bin/tessera.js user set {username} --password {password} --reset-flags {flags}'
import { randomBytes } from 'node:crypto';
import { addUser, raw } from './raw-http.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const servers = [
  { name: 'reference', base: args.reference, adduser: args['reference-adduser'] },
  { name: 'tessera', base: args.tessera, adduser: args['tessera-adduser'] },
];
const HEADERS = ['content-type', 'allow', 'vary', 'www-authenticate', 'access-control-allow-origin', 'access-control-allow-methods',
  'access-control-allow-headers', 'access-control-max-age', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'location'];

function normalize(text) {
  return text
    .replace(/[0-9a-f]{40}/g, '<KEY>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<TS>')
    .replace(/"id":\d+/g, '"id":<ID>')
    .replace(/127\.0\.0\.1:\d+/g, '<HOST>');
}

const password = `pw-${randomBytes(6).toString('hex')}`;
const user = `cmp_${randomBytes(5).toString('hex')}`;
const inactive = `cmpi_${randomBytes(5).toString('hex')}`;
const staff = `cmps_${randomBytes(5).toString('hex')}`;
const state = {};
for (const server of servers) {
  addUser(server, user, password);
  addUser(server, inactive, password);
  addUser(server, staff, password, '--staff');
  const login = await raw(server.base, 'POST', '/api/token-auth/', [['Content-Type', 'application/json']], JSON.stringify({ username: user, password }));
  const token = JSON.parse(login.text).token;
  const loginInactive = await raw(server.base, 'POST', '/api/token-auth/', [['Content-Type', 'application/json']], JSON.stringify({ username: staff, password }));
  const staffToken = JSON.parse(loginInactive.text).token;
  const created = await raw(server.base, 'POST', '/api/products/', [['Content-Type', 'application/json'], ['Authorization', `Token ${token}`]], JSON.stringify({ name: 'Cmp', price: '1.00' }));
  state[server.name] = { token, staffToken, pid: JSON.parse(created.text).id };
}

const J = [['Content-Type', 'application/json']];
const cases = [
  // [label, method, path, headers (with {TOKEN}), body]
  ['login form', 'POST', '/api/token-auth/', [['Content-Type', 'application/x-www-form-urlencoded']], `username=${user}&password=${password}`],
  ['login username spaces', 'POST', '/api/token-auth/', J, JSON.stringify({ username: `  ${user} `, password })],
  ['login password spaces', 'POST', '/api/token-auth/', J, JSON.stringify({ username: user, password: ` ${password}` })],
  ['login inactive', 'POST', '/api/token-auth/', J, JSON.stringify({ username: inactive, password })],
  ['login numbers', 'POST', '/api/token-auth/', J, '{"username": 5, "password": 5.0}'],
  ['login bool list obj', 'POST', '/api/token-auth/', J, '{"username": [], "password": {}}'],
  ['login null', 'POST', '/api/token-auth/', J, '{"username": null, "password": null}'],
  ['login blank', 'POST', '/api/token-auth/', J, '{"username": "  ", "password": ""}'],
  ['login NUL', 'POST', '/api/token-auth/', J, '{"username": "a\\u0000b", "password": "x\\u0000"}'],
  ['login list body', 'POST', '/api/token-auth/', J, '[1,2]'],
  ['login string body', 'POST', '/api/token-auth/', J, '"x"'],
  ['login null body', 'POST', '/api/token-auth/', J, 'null'],
  ['login number body', 'POST', '/api/token-auth/', J, '1.5'],
  ['login GET', 'GET', '/api/token-auth/', [], undefined],
  ['login PUT', 'PUT', '/api/token-auth/', J, '{}'],
  ['login OPTIONS', 'OPTIONS', '/api/token-auth/', [], undefined],
  ['login text/plain', 'POST', '/api/token-auth/', [['Content-Type', 'text/plain']], 'hi'],
  ['login accept xml', 'POST', '/api/token-auth/', [...J, ['Accept', 'application/xml']], '{}'],
  ['login accept html', 'POST', '/api/token-auth/', [...J, ['Accept', 'text/html']], '{}'],
  ['login bad json', 'POST', '/api/token-auth/', J, '{"username": "a",}'],
  ['login empty body', 'POST', '/api/token-auth/', J, ''],
  ['login no content type', 'POST', '/api/token-auth/', [], '{"username":"a"}'],
  ['login multipart', 'POST', '/api/token-auth/', [['Content-Type', 'multipart/form-data; boundary=XyZ']], `--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\n${user}\r\n--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\n${password}\r\n--XyZ--\r\n`],
  ['auth bearer', 'GET', '/api/products/', [['Authorization', 'Bearer {TOKEN}']], undefined],
  ['auth lower keyword', 'GET', '/api/products/', [['Authorization', 'token {TOKEN}']], undefined],
  ['auth upper keyword', 'GET', '/api/products/', [['Authorization', 'TOKEN {TOKEN}']], undefined],
  ['auth tab', 'GET', '/api/products/', [['Authorization', 'Token\t{TOKEN}']], undefined],
  ['auth many spaces', 'GET', '/api/products/', [['Authorization', 'Token    {TOKEN}']], undefined],
  ['auth keyword only', 'GET', '/api/products/', [['Authorization', 'Token']], undefined],
  ['auth keyword space', 'GET', '/api/products/', [['Authorization', 'Token ']], undefined],
  ['auth three parts', 'GET', '/api/products/', [['Authorization', 'Token a b']], undefined],
  ['auth latin1', 'GET', '/api/products/', [['Authorization', Buffer.from([0x54, 0x6f, 0x6b, 0x65, 0x6e, 0x20, 0xff, 0xfe])]], undefined],
  ['auth utf8', 'GET', '/api/products/', [['Authorization', Buffer.from('Token é', 'utf8')]], undefined],
  ['auth glued', 'GET', '/api/products/', [['Authorization', 'Token{TOKEN}']], undefined],
  ['auth bare key', 'GET', '/api/products/', [['Authorization', '{TOKEN}']], undefined],
  ['auth empty', 'GET', '/api/products/', [['Authorization', '']], undefined],
  ['auth invalid', 'GET', '/api/products/', [['Authorization', 'Token 0000000000000000000000000000000000000000']], undefined],
  ['list accept xml no token', 'GET', '/api/products/', [['Accept', 'application/xml']], undefined],
  ['list accept json indent', 'GET', '/api/products/{PID}/', [['Authorization', 'Token {TOKEN}'], ['Accept', 'application/json; indent=2']], undefined],
  ['list format=json', 'GET', '/api/products/?format=json', [['Authorization', 'Token {TOKEN}']], undefined],
  ['list format=xml', 'GET', '/api/products/?format=xml', [['Authorization', 'Token {TOKEN}']], undefined],
  ['list format=xml no token', 'GET', '/api/products/?format=xml', [], undefined],
  ['unsupported method no token', 'DELETE', '/api/products/', [], undefined],
  ['unsupported method', 'DELETE', '/api/products/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['trace', 'TRACE', '/api/products/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['products OPTIONS', 'OPTIONS', '/api/products/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['products OPTIONS no token', 'OPTIONS', '/api/products/', [], undefined],
  ['detail OPTIONS', 'OPTIONS', '/api/products/{PID}/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['detail OPTIONS missing', 'OPTIONS', '/api/products/999999/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['logout OPTIONS', 'OPTIONS', '/api/logout/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['logout GET', 'GET', '/api/logout/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['root', 'GET', '/api/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['root no token', 'GET', '/api/', [], undefined],
  ['HEAD detail', 'HEAD', '/api/products/{PID}/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['detail abc', 'GET', '/api/products/abc/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['put missing invalid', 'PUT', '/api/products/999999/', [['Authorization', 'Token {TOKEN}'], ...J], '{bad'],
  ['put invalid body', 'PUT', '/api/products/{PID}/', [['Authorization', 'Token {TOKEN}'], ...J], '{bad'],
  ['put partial', 'PUT', '/api/products/{PID}/', [['Authorization', 'Token {TOKEN}'], ...J], '{"price": "2"}'],
  ['patch empty', 'PATCH', '/api/products/{PID}/', [['Authorization', 'Token {TOKEN}'], ...J], '{}'],
  ['patch text/plain', 'PATCH', '/api/products/{PID}/', [['Authorization', 'Token {TOKEN}'], ['Content-Type', 'text/plain']], 'x'],
  ['create many errors', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], JSON.stringify({ name: 'x'.repeat(256), description: null, price: '123456789.123' })],
  ['create name 255', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], JSON.stringify({ name: 'é'.repeat(255), price: '1' })],
  ['create name NUL long', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], JSON.stringify({ name: `\u0000${'x'.repeat(300)}`, price: '1' })],
  ['create price digits', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"12345678901"}'],
  ['create price places', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"1.230"}'],
  ['create price whole', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"123456789"}'],
  ['create price float whole', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":1234567890}'],
  ['create price float total', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":1234567890.0}'],
  ['create price 1e2', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"1e2"}'],
  ['create price num 1e2', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":1e2}'],
  ['create price num 1.230', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":1.230}'],
  ['create price tiny', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":1e-7}'],
  ['create price spaces', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":" 7.5 "}'],
  ['create price true', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":true}'],
  ['create price empty', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":""}'],
  ['create price nan', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"NaN"}'],
  ['create price inf', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"-Infinity"}'],
  ['create price 0e9', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"0e9"}'],
  ['create price .5', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":".5"}'],
  ['create price 5.', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"5."}'],
  ['create price negative', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"-99999999.99"}'],
  ['create price long', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], `{"name":"a","price":"${'1'.repeat(1001)}"}`],
  ['create name number', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":1e16,"price":"1"}'],
  ['create name float', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":0.00001,"price":"1"}'],
  ['create unknown fields', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a","price":"1","id":5,"created_at":"x","foo":1}'],
  ['create form', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ['Content-Type', 'application/x-www-form-urlencoded']], 'name=Pen+x&price=1.5&description=a%20b'],
  ['create form blank', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ['Content-Type', 'application/x-www-form-urlencoded']], 'name=&price='],
  ['create u2028', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"a\\u2028b\\u2029","price":"1","description":"<>&\'\\"é😀"}'],
  ['create ws name', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"name":"\\u00a0x\\u3000","price":"1"}'],
  ['json errors 1', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"a" 1}'],
  ['json errors 2', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '  '],
  ['json errors 3', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"a":1} x'],
  ['json errors 4', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '\n\n  {"é": [1, 2,]}'],
  ['json errors 5', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], Buffer.from([0x7b, 0x22, 0xe2, 0x82])],
  ['json errors 6', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])],
  ['json errors 7', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"a": Infinity}'],
  ['json errors 8', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"a": -}'],
  ['json errors 9', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"a": 01}'],
  ['json errors 10', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ...J], '{"a": "\\ud800"}'],
  ['json charset', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ['Content-Type', 'application/json; charset=utf-8']], '{"name":"cs","price":"1"}'],
  ['json vendor type', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ['Content-Type', 'application/vnd.api+json']], '{}'],
  ['json wildcard type', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ['Content-Type', 'application/*']], '{"name":"w","price":"1"}'],
  ['multipart no boundary', 'POST', '/api/products/', [['Authorization', 'Token {TOKEN}'], ['Content-Type', 'multipart/form-data']], 'x'],
  ['logout bad body', 'POST', '/api/logout/', [['Authorization', 'Token {STAFF}'], ...J], '{bad'],
  ['after logout', 'GET', '/api/products/', [['Authorization', 'Token {STAFF}']], undefined],
  ['cors preflight', 'OPTIONS', '/api/products/', [['Origin', 'http://localhost:5173'], ['Access-Control-Request-Method', 'POST'], ['Access-Control-Request-Headers', 'authorization']], undefined],
  ['cors preflight evil', 'OPTIONS', '/api/products/', [['Origin', 'http://evil.example'], ['Access-Control-Request-Method', 'POST']], undefined],
  ['cors get', 'GET', '/api/products/', [['Origin', 'http://127.0.0.1:5173']], undefined],
  ['cors login', 'POST', '/api/token-auth/', [...J, ['Origin', 'http://localhost:5173']], '{}'],
  ['host bad', 'GET', '/api/products/', [['Host', 'evil.example']], undefined],
  ['host localhost port', 'GET', '/api/products/', [['Host', 'localhost:1234']], undefined],
  ['host upper', 'GET', '/api/products/', [['Host', 'LOCALHOST']], undefined],
  ['unknown path', 'GET', '/api/nothing/', [], undefined],
  ['unknown root', 'GET', '/nothing', [], undefined],
];

let differences = 0;
for (const [label, method, path, headers, body] of cases) {
  const results = [];
  for (const server of servers) {
    const s = state[server.name];
    const fill = (v) => (typeof v === 'string' ? v.replaceAll('{TOKEN}', s.token).replaceAll('{STAFF}', s.staffToken).replaceAll('{PID}', s.pid) : v);
    results.push(await raw(server.base, method, fill(path), headers.map(([k, v]) => [k, fill(v)]), fill(body)));
  }
  const [a, b] = results;
  const problems = [];
  if (a.status !== b.status) problems.push(`status ${a.status} vs ${b.status}`);
  const na = normalize(a.text);
  const nb = normalize(b.text);
  if (na !== nb && !(a.headers.get('content-type') || '').includes('text/html')) problems.push(`body\n      ref: ${na.slice(0, 300)}\n      tes: ${nb.slice(0, 300)}`);
  for (const h of HEADERS) {
    const va = a.headers.get(h) ?? null;
    const vb = b.headers.get(h) ?? null;
    if (va !== vb) problems.push(`${h}: ${va} vs ${vb}`);
  }
  if (problems.length > 0) {
    differences++;
    console.log(`DIFF ${label}: ${problems.join('; ')}`);
  } else {
    console.log(`same ${label}`);
  }
}
console.log(`${cases.length - differences} same, ${differences} different`);
