#!/usr/bin/env node
// Differential check of the notes resource (examples/notes against the DRF reference's
// drf_seed/notes): sends the same requests to both and prints every difference in status,
// body or contract headers. A development tool (it needs the reference running, see
// ../shared/reference/README.md), not part of npm test. Same flags as compare-with-reference.mjs:
//
//   node scripts/compare-notes-with-reference.mjs --reference http://127.0.0.1:8301 \
//     --reference-adduser 'DJANGO_DB_PATH=/tmp/cmpnotes-ref.sqlite3 ../shared/reference/drf_seed/adduser.sh {username} {password} {flags}' \
//     --tessera http://127.0.0.1:8302 \
//     --tessera-adduser 'cd examples/notes && DATABASE_URL=/tmp/cmpnotes-tessera.sqlite3 node dist/manage.js user set {username} --password {password} --reset-flags {flags}'
//
// Left out on purpose (Tessera differs by design): the 500 of a negative estimate_minutes,
// `/api/notes` without a slash (a 301 in Django), HEAD bodies, and text/html answers.
import { addUser, raw } from './raw-http.mjs';
import { randomBytes } from 'node:crypto';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const servers = [
  { name: 'reference', base: args.reference, adduser: args['reference-adduser'] },
  { name: 'tessera', base: args.tessera, adduser: args['tessera-adduser'] },
];
if (servers.some((s) => !s.base || !s.adduser)) {
  console.error('usage: compare-notes-with-reference.mjs --reference URL --reference-adduser CMD --tessera URL --tessera-adduser CMD');
  process.exit(2);
}
const HEADERS = ['content-type', 'allow', 'vary', 'www-authenticate', 'location'];

// DRF writes datetimes with microseconds (".123456Z"); another precision is a difference.
function normalize(text) {
  return text
    .replace(/[0-9a-f]{40}/g, '<KEY>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z/g, '<TS>')
    .replace(/"id":\d+/g, '"id":<ID>')
    .replace(/127\.0\.0\.1:\d+/g, '<HOST>');
}

const J = ['Content-Type', 'application/json'];
const FORM = ['Content-Type', 'application/x-www-form-urlencoded'];
const MP = ['Content-Type', 'multipart/form-data; boundary=XyZ'];
const auth = (who) => ['Authorization', `Token {T:${who}}`];
const multipart = (pairs) => `${pairs.map(([k, v]) => `--XyZ\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')}--XyZ--\r\n`;

// --- setup: the same users and notes, in the same order, on both servers ----------------------
const rnd = randomBytes(4).toString('hex');
const password = `pw-${randomBytes(6).toString('hex')}`;
const U = {
  owner: `cno_${rnd}`, other: `cnb_${rnd}`, staff: `cns_${rnd}`, val: `cnv_${rnd}`,
  lister: `cnl_${rnd}`, many: `cnm_${rnd}`, inactive: `cni_${rnd}`,
};
const LISTER_NOTES = [
  { title: 'Alpha one', body: 'first note', priority: 'low', due: '2026-12-24', done: false },
  { title: 'beta two', body: '100% sure, a_b', priority: 'high', due: null, done: true },
  { title: 'Gamma', body: 'Äpfel und Birnen', priority: 'normal', due: '2026-01-05', done: false },
  { title: 'delta', body: '', priority: 'high', due: '2027-03-01', done: true, estimate_minutes: 30 },
  { title: 'ärger', body: 'plain words', priority: 'low', due: null, done: false },
];
const FULL = { title: 'Full', body: 'b', done: true, priority: 'high', due: '2026-12-24', estimate_minutes: 30 };
const NOTES = [ // [name, owner, fields]
  ['own', 'owner', { title: 'Own note', body: 'mine' }],
  ['full', 'owner', FULL],
  ['full2', 'owner', FULL],
  ['full3', 'owner', FULL],
  ['other', 'other', { title: 'Other note', body: 'theirs', priority: 'low' }],
  ['staff', 'staff', { title: 'Staff note', body: 'staff', done: true }],
  ['inactive', 'inactive', { title: 'Inactive note' }],
  ...LISTER_NOTES.map((n, i) => [`l${i}`, 'lister', n]),
  ...Array.from({ length: 105 }, (_, i) => [`m${i}`, 'many', { title: `m${String(i).padStart(3, '0')}` }]),
];

const state = {};
for (const server of servers) {
  const s = { T: {}, N: {} };
  for (const [key, name] of Object.entries(U)) addUser(server, name, password, key === 'staff' ? '--staff' : '');
  for (const [key, name] of Object.entries(U)) {
    const login = await raw(server.base, 'POST', '/api/token-auth/', [J], JSON.stringify({ username: name, password }));
    s.T[key] = JSON.parse(login.text).token;
  }
  for (const [name, who, fields] of NOTES) {
    const r = await raw(server.base, 'POST', '/api/notes/', [J, ['Authorization', `Token ${s.T[who]}`]], JSON.stringify(fields));
    if (r.status !== 201) throw new Error(`${server.name}: creating note ${name} gave ${r.status} ${r.text}`);
    s.N[name] = JSON.parse(r.text).id;
  }
  addUser(server, U.inactive, password, '--inactive'); // keeps the token
  state[server.name] = s;
}

// --- cases: [label, method, path, headers ({T:user}, {N:note}), body, opts] ----------------
const cases = [];
const add = (label, method, path, headers = [], body = undefined, opts = {}) => cases.push([label, method, path, headers, body, opts]);

// Auth and the API root
add('list no token', 'GET', '/api/notes/');
add('list bad token', 'GET', '/api/notes/', [['Authorization', 'Token nope']]);
add('list zero token', 'GET', '/api/notes/', [['Authorization', `Token ${'0'.repeat(40)}`]]);
add('list bearer', 'GET', '/api/notes/', [['Authorization', 'Bearer {T:owner}']]);
add('list lowercase keyword', 'GET', '/api/notes/', [['Authorization', 'token {T:owner}']]);
add('list keyword only', 'GET', '/api/notes/', [['Authorization', 'Token']]);
add('list token 3 parts', 'GET', '/api/notes/', [['Authorization', 'Token a b']]);
add('list inactive user token', 'GET', '/api/notes/', [auth('inactive')]);
add('detail no token', 'GET', '/api/notes/{N:own}/');
add('detail bad token', 'GET', '/api/notes/{N:own}/', [['Authorization', 'Token nope']]);
add('missing detail no token', 'GET', '/api/notes/999999/');
add('POST no token', 'POST', '/api/notes/', [J], '{"title":"x"}');
add('POST bad token', 'POST', '/api/notes/', [J, ['Authorization', 'Token nope']], '{"title":"x"}');
add('POST no token bad json', 'POST', '/api/notes/', [J], '{bad');
add('DELETE no token', 'DELETE', '/api/notes/{N:own}/');
add('PUT list no token', 'PUT', '/api/notes/', [J], '{}');
add('root', 'GET', '/api/', [auth('owner')]);
add('root staff', 'GET', '/api/', [auth('staff')]);
add('root no token', 'GET', '/api/');
add('root OPTIONS', 'OPTIONS', '/api/', [auth('owner')]);
add('root POST', 'POST', '/api/', [auth('owner'), J], '{}');

// OPTIONS
add('OPTIONS list', 'OPTIONS', '/api/notes/', [auth('owner')]);
add('OPTIONS list staff', 'OPTIONS', '/api/notes/', [auth('staff')]);
add('OPTIONS own detail', 'OPTIONS', '/api/notes/{N:own}/', [auth('owner')]);
add("OPTIONS other's detail", 'OPTIONS', '/api/notes/{N:other}/', [auth('owner')]);
add("OPTIONS staff on other's detail", 'OPTIONS', '/api/notes/{N:own}/', [auth('staff')]);
add('OPTIONS staff own detail', 'OPTIONS', '/api/notes/{N:staff}/', [auth('staff')]);
add('OPTIONS missing detail', 'OPTIONS', '/api/notes/999999/', [auth('owner')]);
add('OPTIONS detail abc', 'OPTIONS', '/api/notes/abc/', [auth('owner')]);
add('OPTIONS list anonymous', 'OPTIONS', '/api/notes/');
add('OPTIONS detail anonymous', 'OPTIONS', '/api/notes/{N:own}/');
add('OPTIONS list bad token', 'OPTIONS', '/api/notes/', [['Authorization', 'Token nope']]);
add('OPTIONS list with body', 'OPTIONS', '/api/notes/', [auth('owner'), J], '{bad');

// Staff (before validation runs add notes that staff would see)
add('staff list', 'GET', '/api/notes/?page_size=100', [auth('staff')]);
add('staff list count', 'GET', '/api/notes/?page_size=1', [auth('staff')]);
add("staff GET other's note", 'GET', '/api/notes/{N:own}/', [auth('staff')]);
add('staff ?owner= ignored', 'GET', '/api/notes/?owner=1&page_size=3', [auth('staff')]);
add("staff PUT other's note", 'PUT', '/api/notes/{N:own}/', [auth('staff'), J], '{"title":"staff"}');
add("staff PUT other's note invalid", 'PUT', '/api/notes/{N:own}/', [auth('staff'), J], '{"title":""}');
add("staff PUT other's note bad json", 'PUT', '/api/notes/{N:own}/', [auth('staff'), J], '{bad');
add("staff PATCH other's note", 'PATCH', '/api/notes/{N:own}/', [auth('staff'), J], '{"title":"staff"}');
add("staff DELETE other's note", 'DELETE', '/api/notes/{N:own}/', [auth('staff')]);
add("staff PATCH other's note text/plain", 'PATCH', '/api/notes/{N:own}/', [auth('staff'), ['Content-Type', 'text/plain']], 'x');
add('staff PATCH own note', 'PATCH', '/api/notes/{N:staff}/', [auth('staff'), J], '{"body":"patched"}');
add('staff GET missing', 'GET', '/api/notes/999999/', [auth('staff')]);
add('after staff attempts', 'GET', '/api/notes/{N:own}/', [auth('owner')]);

// 404s and odd ids
add('GET own detail', 'GET', '/api/notes/{N:own}/', [auth('owner')]);
add('GET missing', 'GET', '/api/notes/999999/', [auth('owner')]);
add("GET other's note", 'GET', '/api/notes/{N:other}/', [auth('owner')]);
add('GET abc', 'GET', '/api/notes/abc/', [auth('owner')]);
add('GET 0', 'GET', '/api/notes/0/', [auth('owner')]);
add('GET -1', 'GET', '/api/notes/-1/', [auth('owner')]);
add('GET 1.0 (dot not in lookup)', 'GET', '/api/notes/1.0/', [auth('owner')]);
add('GET id leading zeros', 'GET', '/api/notes/000{N:own}/', [auth('owner')]);
add('GET id +', 'GET', '/api/notes/+{N:own}/', [auth('owner')]);
add('GET id with space', 'GET', '/api/notes/%20{N:own}/', [auth('owner')]);
add('GET id non-ASCII digit', 'GET', '/api/notes/%D9%A3/', [auth('owner')]);
add('GET id huge', 'GET', '/api/notes/99999999999999999999/', [auth('owner')]);
add('GET id 2**63-1', 'GET', '/api/notes/9223372036854775807/', [auth('owner')]);
add('GET detail no slash', 'GET', '/api/notes/{N:own}', [auth('owner')]);
add('GET detail extra segment', 'GET', '/api/notes/{N:own}/x/', [auth('owner')]);
add('GET double slash', 'GET', '/api/notes//', [auth('owner')]);
add('GET unknown under api', 'GET', '/api/notesx/', [auth('owner')]);
add('PUT missing', 'PUT', '/api/notes/999999/', [auth('owner'), J], '{"title":"x"}');
add('PUT missing invalid', 'PUT', '/api/notes/999999/', [auth('owner'), J], '{"title":""}');
add('PUT missing bad json', 'PUT', '/api/notes/999999/', [auth('owner'), J], '{bad');
add('PATCH abc', 'PATCH', '/api/notes/abc/', [auth('owner'), J], '{}');
add('DELETE missing', 'DELETE', '/api/notes/999999/', [auth('owner')]);
add("PUT other's note invalid", 'PUT', '/api/notes/{N:other}/', [auth('owner'), J], '{"title":""}');
add("PATCH other's note", 'PATCH', '/api/notes/{N:other}/', [auth('owner'), J], '{"title":"x"}');
add("DELETE other's note", 'DELETE', '/api/notes/{N:other}/', [auth('owner')]);
add("PATCH other's note text/plain", 'PATCH', '/api/notes/{N:other}/', [auth('owner'), ['Content-Type', 'text/plain']], 'x');

// HEAD (status and headers only)
add('HEAD list', 'HEAD', '/api/notes/', [auth('owner')], undefined, { head: true });
add('HEAD detail', 'HEAD', '/api/notes/{N:own}/', [auth('owner')], undefined, { head: true });
add('HEAD missing', 'HEAD', '/api/notes/999999/', [auth('owner')], undefined, { head: true });
add('HEAD no token', 'HEAD', '/api/notes/', [], undefined, { head: true });
add('HEAD bad page', 'HEAD', '/api/notes/?page=9', [auth('owner')], undefined, { head: true });
add('HEAD root', 'HEAD', '/api/', [auth('owner')], undefined, { head: true });

// 405 and other methods
add('POST to detail', 'POST', '/api/notes/{N:own}/', [auth('owner'), J], '{"title":"x"}');
add('POST to missing detail', 'POST', '/api/notes/999999/', [auth('owner'), J], '{"title":"x"}');
add('PUT to list', 'PUT', '/api/notes/', [auth('owner'), J], '{"title":"x"}');
add('PATCH to list', 'PATCH', '/api/notes/', [auth('owner'), J], '{"title":"x"}');
add('DELETE list', 'DELETE', '/api/notes/', [auth('owner')]);
add('TRACE list', 'TRACE', '/api/notes/', [auth('owner')]);
add('FOO list', 'FOO', '/api/notes/', [auth('owner')]);
add('PUT to list bad json', 'PUT', '/api/notes/', [auth('owner'), J], '{bad');

// Accept headers (text/html answers are skipped)
add('Accept application/json', 'GET', '/api/notes/{N:own}/', [auth('owner'), ['Accept', 'application/json']]);
add('Accept */*', 'GET', '/api/notes/{N:own}/', [auth('owner'), ['Accept', '*/*']]);
add('Accept application/*', 'GET', '/api/notes/{N:own}/', [auth('owner'), ['Accept', 'application/*']]);
add('Accept json indent', 'GET', '/api/notes/{N:own}/', [auth('owner'), ['Accept', 'application/json; indent=2']]);
add('Accept json indent list', 'GET', '/api/notes/?page_size=1', [auth('lister'), ['Accept', 'application/json; indent=4']]);
add('Accept xml', 'GET', '/api/notes/', [auth('owner'), ['Accept', 'application/xml']]);
add('Accept text/plain', 'GET', '/api/notes/{N:own}/', [auth('owner'), ['Accept', 'text/plain']]);
add('Accept xml no token', 'GET', '/api/notes/', [['Accept', 'application/xml']]);
add('Accept xml POST', 'POST', '/api/notes/', [auth('val'), J, ['Accept', 'application/xml']], '{"title":""}');
add('Accept xml, json', 'GET', '/api/notes/{N:own}/', [auth('owner'), ['Accept', 'application/xml, application/json']]);
add('Accept json;q=0.5, xml', 'GET', '/api/notes/{N:own}/', [auth('owner'), ['Accept', 'application/json;q=0.5, application/xml']]);
add('Accept html then json', 'GET', '/api/notes/{N:own}/', [auth('owner'), ['Accept', 'text/html;q=0.1, application/json']], undefined, { skipIfRefHtml: true });
add('?format=json', 'GET', '/api/notes/{N:own}/?format=json', [auth('owner')]);
add('?format=xml', 'GET', '/api/notes/{N:own}/?format=xml', [auth('owner')]);
add('?format=json list links', 'GET', '/api/notes/?format=json&page_size=2', [auth('lister')]);
add('Accept xml OPTIONS', 'OPTIONS', '/api/notes/', [auth('owner'), ['Accept', 'application/xml']]);
add('Accept xml 404', 'GET', '/api/notes/999999/', [auth('owner'), ['Accept', 'application/xml']]);

// POST validation (user val), JSON
const V = (label, json) => add(`POST ${label}`, 'POST', '/api/notes/', [auth('val'), J], json);
V('{}', '{}');
V('title null', '{"title": null}');
V('title ""', '{"title": ""}');
V('title spaces', '{"title": "   "}');
V('title 101', JSON.stringify({ title: 'x'.repeat(101) }));
V('title 100', JSON.stringify({ title: 'y'.repeat(100) }));
V('title 100 non-ASCII', JSON.stringify({ title: 'é'.repeat(100) }));
V('title 101 non-ASCII', JSON.stringify({ title: 'é'.repeat(101) }));
V('title 100 astral', JSON.stringify({ title: '😀'.repeat(100) }));
V('title 123', '{"title": 123}');
V('title 1.5', '{"title": 1.5}');
V('title 1e2', '{"title": 1e2}');
V('title true', '{"title": true}');
V('title []', '{"title": []}');
V('title {}', '{"title": {}}');
V('title padded', '{"title": "  padded  "}');
V('title NUL', '{"title":"a\\u0000b"}');
V('title tabs/newlines', '{"title":"\\t\\na b\\n"}');
V('title nbsp', '{"title":"\\u00a0x\\u3000"}');
V('title u2028', '{"title":"a\\u2028b","body":"<>&\'\\"é😀"}');
V('title only', '{"title": "t"}');
V('body null', '{"title": "t", "body": null}');
V('body ""', '{"title": "t", "body": ""}');
V('body 5', '{"title": "t", "body": 5}');
V('body spaces', '{"title": "t", "body": "  x  "}');
V('body long', JSON.stringify({ title: 't', body: 'z'.repeat(5000) }));
for (const v of ['"maybe"', 'null', '"true"', '"yes"', '1', '0', '2', '""', '1.0', '"True"', '"on"', '"null"', '"off"', '"FALSE"', '"1"', '"0"', '[]', '0.0', '-1', '"t"', '"y"']) V(`done ${v}`, `{"title": "t", "done": ${v}}`);
for (const v of ['"urgent"', 'null', '""', '"HIGH"', '1', '"high"', '"low"', '" high"', '[]', '"Normal"']) V(`priority ${v}`, `{"title": "t", "priority": ${v}}`);
for (const v of ['"24/12/2026"', '"2026-02-30"', '""', 'null', '20261224', '"2026-12-24T10:00:00Z"', '"2026-1-5"', '"2026-12-24 "', '"+2026-12-24"', '"0000-01-01"', '"9999-12-31"', '"2026-12-24\\n"', '"12/24/2026"', '"2026-13-01"', '" 2026-12-24"', '"20261224"', '"2024-02-29"', '"2023-02-29"', '"0001-01-01"', '"2026-12-24T00:00:00"', 'true', '[]']) V(`due ${v}`, `{"title": "t", "due": ${v}}`);
for (const v of ['"abc"', '1.5', '"1.0"', '"10"', '1000.0', '99999999999', '2147483648', '""', 'null', 'true', 'false', '"  7 "', '0', '1e3', '"1.5"', '"1e3"', '9223372036854775808', '"-0"', '"7\\n"', '"1.000  "', '"+5"', '"0x10"', '[]', '{}', '"١٢"', '9223372036854775807', '1.0000000000000001']) V(`estimate_minutes ${v}`, `{"title":"t","estimate_minutes":${v}}`);
V('read-only fields', '{"title": "ro", "id": 12345, "owner": "alice", "created_at": "2000-01-01T00:00:00Z", "updated_at": "2000-01-01T00:00:00Z"}');
V('unknown field', '{"title": "unk", "nope": 1}');
V('several errors', '{"title": "", "done": "maybe", "priority": "x", "due": "x", "estimate_minutes": "x"}');
V('several errors 2', '{"done": null, "priority": null, "due": "2026-02-30", "estimate_minutes": 1.5, "body": null}');
V('full', JSON.stringify(FULL));
V('duplicate keys', '{"title": "first", "title": "second"}');
// odd bodies and JSON parse errors
V('list body', '[{"title": "a"}]');
V('string body', '"hello"');
V('null body', 'null');
V('number body', '1.5');
V('true body', 'true');
V('empty list body', '[]');
V('malformed', '{"title": ');
V('empty body', '');
V('whitespace body', '  ');
V('json missing colon', '{"a" 1}');
V('json trailing garbage', '{"title":"t"} x');
V('json trailing comma', '\n\n  {"é": [1, 2,]}');
V('json Infinity', '{"title": "t", "estimate_minutes": Infinity}');
V('json NaN', '{"title": "t", "estimate_minutes": NaN}');
V('json leading zero', '{"title": "t", "estimate_minutes": 01}');
V('json lone surrogate', '{"title": "\\ud800"}');
V('json single quotes', "{'title': 't'}");
add('POST json truncated utf8', 'POST', '/api/notes/', [auth('val'), J], Buffer.from([0x7b, 0x22, 0xe2, 0x82]));
add('POST json BOM', 'POST', '/api/notes/', [auth('val'), J], Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"title":"bom"}')]));
add('POST json latin1', 'POST', '/api/notes/', [auth('val'), J], Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]));
add('POST json charset', 'POST', '/api/notes/', [auth('val'), ['Content-Type', 'application/json; charset=utf-8']], '{"title":"cs"}');
add('POST json uppercase type', 'POST', '/api/notes/', [auth('val'), ['Content-Type', 'APPLICATION/JSON']], '{"title":"up"}');
add('POST vendor json type', 'POST', '/api/notes/', [auth('val'), ['Content-Type', 'application/vnd.api+json']], '{"title":"v"}');
add('POST wildcard type', 'POST', '/api/notes/', [auth('val'), ['Content-Type', 'application/*']], '{"title":"w"}');
// 415
add('POST text/plain', 'POST', '/api/notes/', [auth('val'), ['Content-Type', 'text/plain']], 'title=x');
add('POST application/xml', 'POST', '/api/notes/', [auth('val'), ['Content-Type', 'application/xml']], '<title>x</title>');
add('POST no content type', 'POST', '/api/notes/', [auth('val')], '{"title":"x"}');
add('POST no content type no body', 'POST', '/api/notes/', [auth('val')]);
add('POST multipart no boundary', 'POST', '/api/notes/', [auth('val'), ['Content-Type', 'multipart/form-data']], 'x');
add('POST bad content type', 'POST', '/api/notes/', [auth('val'), ['Content-Type', 'nonsense']], 'x');
add('PUT text/plain', 'PUT', '/api/notes/{N:full3}/', [auth('owner'), ['Content-Type', 'text/plain']], 'x');

// Form-encoded and multipart POSTs
const FORMS = [
  ['title only', [['title', 'f1']]],
  ['done=on', [['title', 'f2'], ['done', 'on']]],
  ['done= (empty)', [['title', 'f2b'], ['done', '']]],
  ['done=true', [['title', 'f2c'], ['done', 'true']]],
  ['done=false', [['title', 'f2d'], ['done', 'false']]],
  ['done=maybe', [['title', 'f2e'], ['done', 'maybe']]],
  ['done=off', [['title', 'f2f'], ['done', 'off']]],
  ['due= (empty)', [['title', 'f3'], ['due', '']]],
  ['due=bad', [['title', 'f3b'], ['due', 'bad']]],
  ['due=2026-12-24', [['title', 'f3c'], ['due', '2026-12-24']]],
  ['estimate_minutes= (empty)', [['title', 'f4'], ['estimate_minutes', '']]],
  ['estimate_minutes=abc', [['title', 'f4b'], ['estimate_minutes', 'abc']]],
  ['estimate_minutes=15', [['title', 'f4c'], ['estimate_minutes', '15']]],
  ['estimate_minutes= 7 ', [['title', 'f4d'], ['estimate_minutes', ' 7 ']]],
  ['priority= (empty)', [['title', 'f5'], ['priority', '']]],
  ['priority=urgent', [['title', 'f5b'], ['priority', 'urgent']]],
  ['priority=low', [['title', 'f5c'], ['priority', 'low']]],
  ['body= (empty)', [['title', 'f6'], ['body', '']]],
  ['title= (empty)', [['title', '']]],
  ['title spaces', [['title', '   ']]],
  ['title 101', [['title', 'x'.repeat(101)]]],
  ['no fields', []],
  ['repeated title', [['title', 'first'], ['title', 'second']]],
  ['unknown field', [['title', 'f7'], ['nope', '1']]],
  ['read-only fields', [['title', 'f8'], ['owner', 'alice'], ['id', '5'], ['created_at', 'x']]],
  ['all fields', [['title', 'f9'], ['body', 'b b'], ['done', 'on'], ['priority', 'high'], ['due', '2026-12-24'], ['estimate_minutes', '30']]],
  ['several errors', [['title', ''], ['priority', 'x'], ['due', 'x'], ['estimate_minutes', 'x']]],
];
const enc = (pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
for (const [label, pairs] of FORMS) add(`POST form ${label}`, 'POST', '/api/notes/', [auth('val'), FORM], enc(pairs));
for (const [label, pairs] of FORMS) add(`POST multipart ${label}`, 'POST', '/api/notes/', [auth('val'), MP], multipart(pairs));
add('POST form plus and percent', 'POST', '/api/notes/', [auth('val'), FORM], 'title=a+b%20c&body=%C3%A4%26');
add('POST form charset', 'POST', '/api/notes/', [auth('val'), ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8']], 'title=cs');
add('POST form empty body', 'POST', '/api/notes/', [auth('val'), FORM], '');
add('POST form key without =', 'POST', '/api/notes/', [auth('val'), FORM], 'title');
add('POST form bad percent', 'POST', '/api/notes/', [auth('val'), FORM], 'title=%zz');
add('POST form json text', 'POST', '/api/notes/', [auth('val'), FORM], '{"title":"x"}');
add('POST multipart empty', 'POST', '/api/notes/', [auth('val'), MP], '--XyZ--\r\n');
add('POST multipart file part', 'POST', '/api/notes/', [auth('val'), MP], '--XyZ\r\nContent-Disposition: form-data; name="title"; filename="t.txt"\r\nContent-Type: text/plain\r\n\r\nfile title\r\n--XyZ--\r\n');
add('POST multipart unterminated', 'POST', '/api/notes/', [auth('val'), MP], '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nx');

// PUT / PATCH / DELETE on a populated note (owner, note "full"), JSON
const F = '/api/notes/{N:full}/';
add('PUT missing title', 'PUT', F, [auth('owner'), J], '{"body": "x", "done": false}');
add('PUT {}', 'PUT', F, [auth('owner'), J], '{}');
add('PUT only title', 'PUT', F, [auth('owner'), J], '{"title": "Renamed"}');
add('GET after PUT only title', 'GET', F, [auth('owner')]);
add('PATCH {}', 'PATCH', F, [auth('owner'), J], '{}');
add('PATCH owner (read-only)', 'PATCH', F, [auth('owner'), J], '{"owner": "bob"}');
add('PATCH id (read-only)', 'PATCH', F, [auth('owner'), J], '{"id": 1, "created_at": "2000-01-01T00:00:00Z"}');
add('PATCH title ""', 'PATCH', F, [auth('owner'), J], '{"title": ""}');
add('PATCH title null', 'PATCH', F, [auth('owner'), J], '{"title": null}');
add('PATCH done null', 'PATCH', F, [auth('owner'), J], '{"done": null}');
add('PATCH priority null', 'PATCH', F, [auth('owner'), J], '{"priority": null}');
add('PATCH due/estimate null', 'PATCH', F, [auth('owner'), J], '{"due": null, "estimate_minutes": null}');
add('PATCH list body', 'PATCH', F, [auth('owner'), J], '[1]');
add('PATCH null body', 'PATCH', F, [auth('owner'), J], 'null');
add('PATCH empty body', 'PATCH', F, [auth('owner'), J], '');
add('PATCH bad json', 'PATCH', F, [auth('owner'), J], '{"title": ');
add('PATCH several errors', 'PATCH', F, [auth('owner'), J], '{"done": "maybe", "priority": "x", "due": "x", "estimate_minutes": -0.5}');
add('PATCH valid fields', 'PATCH', F, [auth('owner'), J], '{"done": "true", "priority": "low", "due": "2026-1-5", "estimate_minutes": "45"}');
add('GET after PATCH', 'GET', F, [auth('owner')]);
add('PUT full JSON', 'PUT', F, [auth('owner'), J], JSON.stringify({ ...FULL, title: 'Put full' }));
add('PUT form done absent', 'PUT', F, [auth('owner'), FORM], 'title=FormPut');
add('GET after PUT form', 'GET', F, [auth('owner')]);
add('PATCH form done absent', 'PATCH', F, [auth('owner'), FORM], 'title=FormPatch');
add('PUT list URL', 'PUT', '/api/notes/', [auth('owner'), J], '{"title": "x"}');
add('POST detail URL', 'POST', F, [auth('owner'), J], '{"title": "x"}');
add('DELETE own note', 'DELETE', F, [auth('owner')]);
add('DELETE it again', 'DELETE', F, [auth('owner')]);
add('GET deleted', 'GET', F, [auth('owner')]);
add('PATCH deleted', 'PATCH', F, [auth('owner'), J], '{"title": "x"}');
add('PUT deleted bad json', 'PUT', F, [auth('owner'), J], '{bad');
add('OPTIONS deleted', 'OPTIONS', F, [auth('owner')]);
// form-encoded and multipart PUT/PATCH on a populated note ("full2", then "full3")
const F2 = '/api/notes/{N:full2}/';
add('PATCH form title only', 'PATCH', F2, [auth('owner'), FORM], 'title=FormPatch');
add('PUT form title only (done -> false)', 'PUT', F2, [auth('owner'), FORM], 'title=FormPut');
add('PATCH JSON restore done', 'PATCH', F2, [auth('owner'), J], '{"done": true}');
add('PUT form empty due/estimate/body', 'PUT', F2, [auth('owner'), FORM], 'title=FormPut2&due=&estimate_minutes=&body=&done=on');
add('PUT form empty priority', 'PUT', F2, [auth('owner'), FORM], 'title=FormPut3&priority=');
add('PATCH form empty priority', 'PATCH', F2, [auth('owner'), FORM], 'priority=');
add('PATCH form empty due', 'PATCH', F2, [auth('owner'), FORM], 'due=');
add('PATCH form done=', 'PATCH', F2, [auth('owner'), FORM], 'done=');
add('PATCH form empty body', 'PATCH', F2, [auth('owner'), FORM], '');
add('PATCH JSON title only', 'PATCH', F2, [auth('owner'), J], '{"title": "J"}');
add('PUT JSON title only', 'PUT', F2, [auth('owner'), J], '{"title": "OnlyTitle"}');
add('PUT JSON empty strings', 'PUT', F2, [auth('owner'), J], '{"title": "x", "due": "", "estimate_minutes": "", "priority": "", "done": ""}');
add('GET after form sequence', 'GET', F2, [auth('owner')]);
const F3 = '/api/notes/{N:full3}/';
add('PATCH multipart title only', 'PATCH', F3, [auth('owner'), MP], multipart([['title', 'MpPatch']]));
add('GET after PATCH multipart', 'GET', F3, [auth('owner')]);
add('PUT multipart title only', 'PUT', F3, [auth('owner'), MP], multipart([['title', 'MpPut']]));
add('PUT multipart empty values', 'PUT', F3, [auth('owner'), MP], multipart([['title', 'MpPut2'], ['due', ''], ['estimate_minutes', ''], ['priority', ''], ['done', 'on']]));
add('PUT multipart invalid', 'PUT', F3, [auth('owner'), MP], multipart([['title', ''], ['due', 'x']]));
add('GET after multipart sequence', 'GET', F3, [auth('owner')]);

// List query parameters (user lister: 5 notes; user many: 105 notes)
const L = (label, query, extraHeaders = []) => add(`list ${label}`, 'GET', `/api/notes/${query}`, [auth('lister'), ...extraHeaders]);
const M = (label, query) => add(`many ${label}`, 'GET', `/api/notes/${query}`, [auth('many')]);
L('default', '');
for (const q of ['page=0', 'page=abc', 'page=last', 'page=2', 'page=1', 'page=-1', 'page=1.0', 'page=', 'page=LAST', 'page=%201', 'page=01', 'page=%2B1',
  'page_size=0', 'page_size=-1', 'page_size=abc', 'page_size=1000', 'page_size=', 'page_size=2', 'page_size=2&page=2', 'page=2&page_size=2', 'page_size=2&page=3',
  'page_size=2&page=4', 'page_size=2&page=last', 'search=a&page_size=2', 'search=a&page_size=2&page=2', 'ordering=title&page=2', 'ordering=title&page=2&page_size=2',
  'ordering=title&page_size=2', 'page=1&page_size=2', 'search=e%20a&page_size=1', 'page_size=2&foo=bar', 'page_size=%202', 'page_size=%2B2', 'page_size=2.0',
  'page_size=2&page_size=3', 'page_size=2&search=%C3%A4%20x', 'page_size=2&search=a%26b', 'page_size=1&search=a+b', 'page_size=1&zeta=1&alpha=%C3%A4&page=2',
  'page_size=1&x=%2F%3F%26%3D', 'page_size=1&flag', 'page_size=1&a=1&a=2', 'page_size=1&page=2&page=3', 'page_size=1&Page=2', 'page_size=1&ordering=-title&page=3',
  'page_size=2&search=&page=2']) L(q, `?${q}`);
L('links Host localhost', '?page_size=2', [['Host', 'localhost:1234']]);
L('links Host localhost page 2', '?page_size=2&page=2', [['Host', 'localhost:1234']]);
L('bad Host', '?page_size=2', [['Host', 'evil.example']]);
for (const q of ['page_size=1000', 'page_size=100', 'page_size=101&page=2', 'page=11', 'page=last', 'page=2', 'page=%202', 'page=02', 'page=LAST', 'page=%2B2',
  'page=2&page=3', 'page=12', 'page=10', 'page_size=99&page=2', 'page_size=100&page=2', 'page_size=1000&page=2', 'page_size=50&page=3', 'page_size=101&page=1']) M(q, `?${q}`);
// filters
for (const q of ['done=maybe', 'done=True', 'done=true', 'done=1', 'done=False', 'done=0', 'done=yes', 'done=', 'done=TRUE', 'done=%20true', 'done=no', 'done=on',
  'priority=urgent', 'priority=HIGH', 'priority=high', 'priority=', 'priority=low&priority=high', 'priority=%20high', 'priority=low,high',
  'due=bad', 'due=2026-12-24', 'due=', 'due=%20', 'due=2026-1-5', 'due=12/24/2026', 'due=2026-02-30', 'due=24/12/2026', 'due=2026-12-24T00:00', 'due=20261224',
  'due=12/24/26', 'due=2026-12-24%20', 'due=2026/12/24', 'due=Dec%2024%202026',
  'done=maybe&priority=urgent&due=bad', 'priority=urgent&due=bad', 'due=bad&priority=urgent', 'foo=bar', 'owner=bob', 'estimate_minutes=30', 'title=Gamma', 'id=1',
  'done=true&priority=high', 'done=false&due=2026-12-24', 'priority=urgent&page=abc', 'priority=urgent&page_size=abc', 'due=bad&ordering=title', 'priority=urgent&search=a']) L(q, `?${q}`);
// ordering
for (const q of ['unknown', '-due,title', 'due', '-due', 'priority', '-priority', 'owner', 'title', '-title', 'id', '-id', '-title,unknown', '', '%20title%20', 'created_at',
  '-created_at', 'title,title', 'TITLE', '--title', 'due,-title', '-due,-title', 'priority,title', '-priority,-title', 'priority,-due', 'updated_at', '-estimate_minutes',
  'title,', ',title', 'title,,due', '+title', 'title%20desc', '-', 'owner__username', 'body', 'done', 'due,unknown,-priority', 'pk']) L(`ordering=${q}`, `?ordering=${q}`);
L('ordering repeated', '?ordering=title&ordering=-due');
// search
for (const q of ['two%20words', 'alpha%20first', 'alpha,first', ',alpha,,first,', '%25', '100%25', '_', 'a_b', '%C3%84', '%C3%A4', '%C3%84RGER', 'ALPHA', '', '%20%20',
  'zzz', '%22alpha%20one%22', 'e&ordering=title', 'a&done=true', 'A', 'pfel', '%C3%84pfel', '%C3%A4pfel', 'sure,%20100', '%5C', 'a%5Cb', "'", '*', 'GAMMA%20birnen',
  'first%09note', 'first%0Anote', 'a%2Bb', 'a+b', 'alpha&search=gamma', 'note&priority=low', 'e&ordering=-due&page_size=2&page=2', '%00', 'x'.repeat(300)]) L(`search=${q.slice(0, 40)}`, `?search=${q}`);
// repeated and odd query strings
L('odd: ?&&', '?&&');
L('odd: bare ?', '?');
L('odd: ?=x', '?=x');
L('odd: bad percent', '?search=%zz');
L('odd: latin1 percent', '?search=%E4');
L('odd: semicolon', '?page_size=2;page=2');

// Python/Django coercions that are easy to miss: int() and \d accept Unicode digits and '_',
// the "input" of a choice error is Python's str() of the value, odd methods and media types.
for (const v of ['true', '{}', '["high"]', '{"a": 1}', '1.5', '1e2', '1.0', '1e16', '0.00001', '-0.0', '12345678901234567890', '[1, "a", null, true]', '"hi\\"gh"', '"é"']) V(`priority ${v}`, `{"title": "t", "priority": ${v}}`);
for (const v of ['"1_000"', '"1_0"', '"_1"', '"١٢.0"', '1e400', '-0', '-0.0', '"0"', '" 0 "', '"00012"', '"1 2"', '"１２"']) V(`estimate_minutes ${v}`, `{"title":"t","estimate_minutes":${v}}`);
for (const v of ['"٢٠٢٦-١٢-٢٤"', '"２０２６-１２-２４"', '"2026-12-24\\u0000"']) V(`due ${v}`, `{"title": "t", "due": ${v}}`);
add('POST form estimate_minutes=1_5', 'POST', '/api/notes/', [auth('val'), FORM], 'title=u&estimate_minutes=1_5');
add('GET id fullwidth digit', 'GET', '/api/notes/%EF%BC%93/', [auth('owner')]);
for (const q of ['page=%D9%A2', 'page_size=%D9%A2', 'page_size=0_2', 'due=%D9%A2%D9%A0%D9%A2%D9%A6-%D9%A1%D9%A2-%D9%A2%D9%A4', 'page_size=2&page=0_2']) L(q, `?${q}`);
for (const q of ['page=1_0', 'page=%EF%BC%92', 'page_size=1_00']) M(q, `?${q}`);
for (const m of ['PURGE', 'PROPFIND', 'LINK', 'SEARCH', 'REPORT', 'MKCOL', 'COPY', 'LOCK']) add(`${m} list`, m, '/api/notes/', [auth('owner')]);
add('PURGE detail', 'PURGE', '/api/notes/{N:own}/', [auth('owner')]);
add('PURGE no token', 'PURGE', '/api/notes/');
for (const ct of ['application/', 'application', ';', 'text/plain; charset=', 'application/json-patch+json', 'application/x-www-form-urlencoded-x', 'multipart/mixed; boundary=XyZ', 'application/jsonx'])
  add(`POST content type ${ct}`, 'POST', '/api/notes/', [auth('val'), ['Content-Type', ct]], '{"title":"ct"}');
add('POST empty content type', 'POST', '/api/notes/', [auth('val'), ['Content-Type', '']], '{"title":"ct"}');
for (const acc of ['application/json; indent=abc', 'application/json; indent=20', 'application/json; indent=0', 'application/json; indent=-3', 'application/json; indent=1.5',
  'application/json; indent=2, */*', 'application/json; q=0', 'application/json;charset=latin1', '', 'nonsense', 'application/xml;q=0.9, */*;q=0.1', 'APPLICATION/JSON'])
  add(`Accept ${acc || '(empty)'}`, 'GET', '/api/notes/{N:own}/', [auth('owner'), ['Accept', acc]]);
add('Accept indent on error', 'POST', '/api/notes/', [auth('val'), J, ['Accept', 'application/json; indent=2']], '{"title":""}');
add('Accept indent on 401', 'GET', '/api/notes/', [['Accept', 'application/json; indent=2']]);
add('Accept indent OPTIONS', 'OPTIONS', '/api/notes/{N:other}/', [auth('owner'), ['Accept', 'application/json; indent=2']]);

// after everything: the lists of users whose notes changed
add('owner list at end', 'GET', '/api/notes/', [auth('owner')]);
add('val list at end', 'GET', '/api/notes/?page_size=100', [auth('val')]);
add('val list count at end', 'GET', '/api/notes/?page_size=1&page=last', [auth('val')]);
add('staff list at end', 'GET', '/api/notes/?page_size=1', [auth('staff')]);

// --- run -------------------------------------------------------------------------------------
let differences = 0;
let skipped = 0;
for (const [label, method, path, headers, body, opts] of cases) {
  const results = [];
  for (const server of servers) {
    const s = state[server.name];
    const fill = (v) => (typeof v === 'string'
      ? v.replace(/\{T:(\w+)\}/g, (_, k) => s.T[k]).replace(/\{N:(\w+)\}/g, (_, k) => s.N[k])
      : v);
    results.push(await raw(server.base, method, fill(path), headers.map(([k, v]) => [k, fill(v)]), fill(body)));
  }
  const [a, b] = results;
  const refHtml = (a.headers.get('content-type') || '').includes('text/html');
  if (opts.skipIfRefHtml && refHtml) { skipped++; console.log(`skip ${label} (reference answered text/html)`); continue; }
  const problems = [];
  if (a.status !== b.status) problems.push(`status ${a.status} vs ${b.status}`);
  const na = normalize(a.text);
  const nb = normalize(b.text);
  if (!opts.head && na !== nb && !refHtml) problems.push(`body\n      ref: ${na.slice(0, 600)}\n      tes: ${nb.slice(0, 600)}`);
  for (const h of [...HEADERS, ...(method === 'DELETE' ? ['content-length'] : [])]) {
    const va = a.headers.get(h) ?? null;
    const vb = b.headers.get(h) ?? null;
    if (va !== vb) problems.push(`${h}: ${va} vs ${vb}`);
  }
  if (problems.length > 0) {
    differences++;
    console.log(`DIFF ${label} [${method} ${path}]: ${problems.join('; ')}`);
  } else {
    console.log(`same ${label}`);
  }
}
console.log(`${cases.length} cases: ${cases.length - differences - skipped} same, ${differences} different, ${skipped} skipped`);
