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
  const me = async (key) => JSON.parse((await raw(server.base, 'GET', '/auth/users/me/', [['Authorization', `Token ${key}`]])).text).id;
  const id = await me(token);
  state[server.name] = { token, staffToken, pid: JSON.parse(created.text).id, id, sid: await me(staffToken), uid: Buffer.from(String(id)).toString('base64url') };
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
  // djoser at /auth/ (both servers get the same random names; ids are per server).
  ['auth root', 'GET', '/auth/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['auth root no token', 'GET', '/auth/', [], undefined],
  ['auth root OPTIONS', 'OPTIONS', '/auth/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['users list', 'GET', '/auth/users/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['users list no token', 'GET', '/auth/users/', [], undefined],
  ['users list bad token', 'GET', '/auth/users/', [['Authorization', 'Token 0000000000000000000000000000000000000000']], undefined],
  ['users OPTIONS', 'OPTIONS', '/auth/users/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['users DELETE', 'DELETE', '/auth/users/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['sign-up empty', 'POST', '/auth/users/', J, '{}'],
  ['sign-up list body', 'POST', '/auth/users/', J, '[1]'],
  ['sign-up bad values', 'POST', '/auth/users/', J, JSON.stringify({ username: 'a b'.repeat(60), password: '', email: 'nope' })],
  ['sign-up null values', 'POST', '/auth/users/', J, '{"username": null, "password": null, "email": null}'],
  ['sign-up numbers', 'POST', '/auth/users/', J, '{"username": 12, "password": 12345678, "email": 5}'],
  ['sign-up taken', 'POST', '/auth/users/', J, JSON.stringify({ username: user, password: 'x' })],
  ['sign-up common numeric', 'POST', '/auth/users/', J, JSON.stringify({ username: `${user}x`, password: '12345678' })],
  ['sign-up similar', 'POST', '/auth/users/', J, JSON.stringify({ username: `${user}y`, password: `${user}y1`, email: `${user}@example.com` })],
  ['sign-up similar email', 'POST', '/auth/users/', J, JSON.stringify({ username: 'someone', password: 'cmpexamplecom', email: 'cmp@example.com' })],
  ['sign-up ok', 'POST', '/auth/users/', J, JSON.stringify({ username: `${user}_new`, password: 'Sturdy-Pass-42', email: `${user}_new@example.com` })],
  ['sign-up ok no email', 'POST', '/auth/users/', J, JSON.stringify({ username: `${user}_ne`, password: 'Sturdy-Pass-42' })],
  ['sign-up form', 'POST', '/auth/users/', [['Content-Type', 'application/x-www-form-urlencoded']], `username=${user}_f&password=Sturdy-Pass-42&email=`],
  ['sign-up spaces', 'POST', '/auth/users/', J, JSON.stringify({ username: ` ${user}_sp `, password: '  Sturdy-Pass-42  ', email: ` ${user}_sp@example.com ` })],
  ['sign-up bad token', 'POST', '/auth/users/', [...J, ['Authorization', 'Token 0000000000000000000000000000000000000000']], '{}'],
  ['me', 'GET', '/auth/users/me/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['me HEAD', 'HEAD', '/auth/users/me/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['me no token', 'GET', '/auth/users/me/', [], undefined],
  ['me OPTIONS', 'OPTIONS', '/auth/users/me/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['me PATCH bad email', 'PATCH', '/auth/users/me/', [['Authorization', 'Token {TOKEN}'], ...J], '{"email": "x"}'],
  ['me PUT username ignored', 'PUT', '/auth/users/me/', [['Authorization', 'Token {TOKEN}'], ...J], '{"username": "zzz", "id": 5}'],
  ['me DELETE no password', 'DELETE', '/auth/users/me/', [['Authorization', 'Token {TOKEN}'], ...J], '{}'],
  ['me DELETE wrong password', 'DELETE', '/auth/users/me/', [['Authorization', 'Token {TOKEN}'], ...J], '{"current_password": "wrong"}'],
  ['me POST', 'POST', '/auth/users/me/', [['Authorization', 'Token {TOKEN}'], ...J], '{}'],
  ['user self', 'GET', '/auth/users/{ID}/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['user other', 'GET', '/auth/users/{SID}/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['user other PATCH', 'PATCH', '/auth/users/{SID}/', [['Authorization', 'Token {TOKEN}'], ...J], '{}'],
  ['user other DELETE', 'DELETE', '/auth/users/{SID}/', [['Authorization', 'Token {TOKEN}'], ...J], '{}'],
  ['user missing', 'GET', '/auth/users/999999/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['user abc', 'GET', '/auth/users/abc/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['user by staff', 'GET', '/auth/users/{ID}/', [['Authorization', 'Token {STAFF}']], undefined],
  ['user no token', 'GET', '/auth/users/{ID}/', [], undefined],
  ['activation GET', 'GET', '/auth/users/activation/', [], undefined],
  ['activation empty', 'POST', '/auth/users/activation/', J, '{}'],
  ['activation blank', 'POST', '/auth/users/activation/', J, '{"uid": " ", "token": ""}'],
  ['activation bad uid', 'POST', '/auth/users/activation/', J, '{"uid": "!!", "token": "x"}'],
  ['activation non-utf8 uid', 'POST', '/auth/users/activation/', J, '{"uid": "_w", "token": "x"}'],
  ['activation missing user', 'POST', '/auth/users/activation/', J, '{"uid": "OTk5OTk5", "token": "x"}'],
  ['activation bad token', 'POST', '/auth/users/activation/', J, '{"uid": "{UID}", "token": "dixmdk-495b3c063967c06e1f4d2131f6ab6d8c"}'],
  ['activation spaced uid', 'POST', '/auth/users/activation/', J, '{"uid": " {UID} ", "token": "x-y"}'],
  ['activation numbers', 'POST', '/auth/users/activation/', J, '{"uid": 1, "token": 2}'],
  ['activation OPTIONS', 'OPTIONS', '/auth/users/activation/', [], undefined],
  ['resend empty', 'POST', '/auth/users/resend_activation/', J, '{}'],
  ['resend bad email', 'POST', '/auth/users/resend_activation/', J, '{"email": "x"}'],
  ['resend unknown', 'POST', '/auth/users/resend_activation/', J, '{"email": "nobody-here@example.com"}'],
  ['resend blank', 'POST', '/auth/users/resend_activation/', J, '{"email": ""}'],
  ['set_password no token', 'POST', '/auth/users/set_password/', J, '{}'],
  ['set_password empty', 'POST', '/auth/users/set_password/', [['Authorization', 'Token {TOKEN}'], ...J], '{}'],
  ['set_password wrong current', 'POST', '/auth/users/set_password/', [['Authorization', 'Token {TOKEN}'], ...J], '{"new_password": "1", "current_password": "wrong"}'],
  ['set_password weak', 'POST', '/auth/users/set_password/', [['Authorization', 'Token {TOKEN}'], ...J], JSON.stringify({ new_password: user, current_password: password })],
  ['set_password missing new, wrong current', 'POST', '/auth/users/set_password/', [['Authorization', 'Token {TOKEN}'], ...J], '{"current_password": "wrong"}'],
  ['reset empty', 'POST', '/auth/users/reset_password/', J, '{}'],
  ['reset bad', 'POST', '/auth/users/reset_password/', J, '{"email": "bad"}'],
  ['reset unknown', 'POST', '/auth/users/reset_password/', J, '{"email": "nobody-here@example.com"}'],
  ['reset confirm empty', 'POST', '/auth/users/reset_password_confirm/', J, '{}'],
  ['reset confirm weak first', 'POST', '/auth/users/reset_password_confirm/', J, '{"uid": "xx", "token": "t", "new_password": "123"}'],
  ['reset confirm bad uid', 'POST', '/auth/users/reset_password_confirm/', J, '{"uid": "xx", "token": "t", "new_password": "Sturdy-Pass-42"}'],
  ['reset confirm bad token', 'POST', '/auth/users/reset_password_confirm/', J, '{"uid": "{UID}", "token": "t", "new_password": "Sturdy-Pass-42"}'],
  ['set_username empty', 'POST', '/auth/users/set_username/', [['Authorization', 'Token {TOKEN}'], ...J], '{}'],
  ['set_username own name', 'POST', '/auth/users/set_username/', [['Authorization', 'Token {TOKEN}'], ...J], JSON.stringify({ new_username: user, current_password: password })],
  ['set_username bad and wrong', 'POST', '/auth/users/set_username/', [['Authorization', 'Token {TOKEN}'], ...J], JSON.stringify({ new_username: 'a b', current_password: 'wrong' })],
  ['token login GET', 'GET', '/auth/token/login/', [], undefined],
  ['token login empty', 'POST', '/auth/token/login/', J, '{}'],
  ['token login blank', 'POST', '/auth/token/login/', J, '{"username": "", "password": ""}'],
  ['token login wrong', 'POST', '/auth/token/login/', J, JSON.stringify({ username: user, password: 'wrong' })],
  ['token login inactive', 'POST', '/auth/token/login/', J, JSON.stringify({ username: inactive, password })],
  ['token login ok', 'POST', '/auth/token/login/', J, JSON.stringify({ username: user, password })],
  ['token login form', 'POST', '/auth/token/login/', [['Content-Type', 'application/x-www-form-urlencoded']], `username=${user}&password=${password}`],
  ['token login OPTIONS', 'OPTIONS', '/auth/token/login/', [], undefined],
  ['token logout no token', 'POST', '/auth/token/logout/', [], undefined],
  ['token logout GET', 'GET', '/auth/token/logout/', [['Authorization', 'Token {TOKEN}']], undefined],
  ['token login no slash', 'POST', '/auth/token/login', J, '{}'],
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
    const fill = (v) => (typeof v === 'string' ? v.replaceAll('{TOKEN}', s.token).replaceAll('{STAFF}', s.staffToken).replaceAll('{PID}', s.pid).replaceAll('{SID}', s.sid).replaceAll('{UID}', s.uid).replaceAll('{ID}', s.id) : v);
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
