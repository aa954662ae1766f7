import { describe, expect, it } from '@jest/globals';
import { describeProbeFailure, dnsFailure, requestFailure, seconds, statusFailure } from '../../src/targets/failures.js';
import type { ProbeFailure } from '../../src/targets/types.js';

/** An error as node:net, node:tls or node:dns raise it. */
function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('requestFailure', () => {
  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', 'tls', 'has a TLS certificate problem: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)'],
    ['CERT_HAS_EXPIRED', 'certificate has expired', 'tls', 'has a TLS certificate problem: certificate has expired (CERT_HAS_EXPIRED)'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate', 'tls', 'has a TLS certificate problem: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: Host: a.example.com. is not in the cert's altnames: DNS:b.example.com", 'tls', "has a TLS certificate problem: Hostname/IP does not match certificate's altnames: Host: a.example.com. is not in the cert's altnames: DNS:b.example.com (ERR_TLS_CERT_ALTNAME_INVALID)"],
    ['EPROTO', 'write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl3_record.c:350:\n', 'tls', 'failed the TLS handshake: wrong version number (EPROTO)'],
    ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tlsv1 alert protocol version', 'tls', 'failed the TLS handshake: tlsv1 alert protocol version (ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION)'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 203.0.113.7:443', 'network', 'refused the connection (ECONNREFUSED)'],
    ['ECONNRESET', 'socket hang up', 'network', 'closed the connection without answering (ECONNRESET)'],
    ['EHOSTUNREACH', 'connect EHOSTUNREACH 203.0.113.7:443', 'network', 'is unreachable (EHOSTUNREACH)'],
    ['HPE_INVALID_CONSTANT', 'Parse Error: Expected HTTP/', 'network', 'answered something that is not HTTP (HPE_INVALID_CONSTANT)'],
    ['EMFILE', 'connect EMFILE 203.0.113.7:443', 'network', 'could not be reached: connect EMFILE 203.0.113.7:443'],
    ['ENOBUFS', 'no buffer \u001b[2Jspace', 'network', 'could not be reached: no buffer space (ENOBUFS)'],
  ])('%s', (code, message, kind, detail) => {
    expect(requestFailure(nodeError(code, message))).toEqual({ ok: false, kind, detail });
  });

  it('an error without a code', () => {
    expect(requestFailure('boom')).toEqual({ ok: false, kind: 'network', detail: 'could not be reached: boom' });
  });
});

describe('dnsFailure', () => {
  it.each([
    ['ENOTFOUND', 'host not found (ENOTFOUND)'],
    ['ENODATA', 'host not found (ENODATA)'],
    ['EAI_AGAIN', 'host lookup failed: getaddrinfo EAI_AGAIN x.example.com'],
  ])('%s', (code, detail) => {
    expect(dnsFailure(nodeError(code, `getaddrinfo ${code} x.example.com`))).toEqual({ ok: false, kind: 'dns', detail });
  });
});

describe('statusFailure', () => {
  it.each([
    [500, 'Internal Server Error', undefined, 'answered 500 Internal Server Error'],
    [500, '', undefined, 'answered 500 Internal Server Error'],
    [599, '', undefined, 'answered 599'],
    [418, 'Short and \u001b[1mstout\u001b[0m', undefined, "answered 418 Short and stout"],
    [404, 'x'.repeat(500), undefined, `answered 404 ${'x'.repeat(199)}…`],
    [302, 'Found', '/login?next=%2F&sid=abc', 'answered 302 Found, redirecting to /login?next=%2F&sid=abc'],
    [307, 'Temporary Redirect', 'https://user:pw@b.example.com/x?t=1', 'answered 307 Temporary Redirect, redirecting to https://***:***@b.example.com/x?t=***'],
    [500, 'Error', 'https://ignored.example.com/', 'answered 500 Error'],
  ])('%s %j %j', (status, reason, location, detail) => {
    expect(statusFailure(status, reason, location)).toEqual({ ok: false, kind: 'status', status, detail });
  });
});

describe('seconds', () => {
  it.each([
    [5000, '5 s'],
    [200, '0.2 s'],
    [1500, '1.5 s'],
    [1, '0.001 s'],
  ])('%s ms', (ms, text) => expect(seconds(ms)).toBe(text));
});

describe('describeProbeFailure', () => {
  const failure = (overrides: Partial<ProbeFailure>): ProbeFailure => ({
    url: 'https://hooks.example.com/x',
    ok: false,
    kind: 'status',
    status: 500,
    detail: 'answered 500 Internal Server Error',
    ...overrides,
  });

  it.each([
    [failure({}), 'https://hooks.example.com/x answered 500 Internal Server Error'],
    [failure({ kind: 'timeout', detail: 'did not answer within 5 s' }), 'https://hooks.example.com/x did not answer within 5 s'],
    [
      failure({ kind: 'private', address: '10.0.0.5', detail: 'resolves to 10.0.0.5, a private address' }),
      'https://hooks.example.com/x resolves to 10.0.0.5, a private address; set targets: {allow_private: true} in the manifest to allow it',
    ],
    [
      failure({ status: 301, detail: 'answered 301 Moved Permanently, redirecting to https://hooks.example.com/y' }),
      'https://hooks.example.com/x answered 301 Moved Permanently, redirecting to https://hooks.example.com/y; redirects are not followed: point the webhook at the final address',
    ],
    // credentials and control characters never reach a message, whoever built the result
    [
      failure({ url: 'https://rd:s3cret@hooks.example.com/x?token=abc\u001b[2J', kind: 'dns', detail: 'host not found (ENOTFOUND)' }),
      'https://***:***@hooks.example.com/x?token=*** host not found (ENOTFOUND)',
    ],
    [
      failure({ detail: 'answered 500 \u001b]8;;https://evil.example.com\u0007see https://u:p@x.example.com/?k=v' }),
      'https://hooks.example.com/x answered 500 see https://***:***@x.example.com/?k=***',
    ],
  ])('%#', (result, message) => {
    expect(describeProbeFailure(result)).toBe(message);
  });
});
