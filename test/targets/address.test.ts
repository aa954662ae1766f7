import { isIP } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { nonPublicRange, type AddressRange } from '../../src/targets/address.js';

const table: [string, AddressRange | undefined][] = [
  // IPv4
  ['8.8.8.8', undefined],
  ['203.0.113.7', undefined],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.5', 'private'],
  ['172.15.255.255', undefined],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.1', undefined],
  ['192.168.1.1', 'private'],
  ['192.169.0.1', undefined],
  ['169.254.169.254', 'link-local'],
  ['100.63.255.255', undefined],
  ['100.64.0.1', 'shared'],
  ['100.127.255.255', 'shared'],
  ['100.128.0.1', undefined],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['240.0.0.1', undefined],
  // IPv6
  ['2606:4700:4700::1111', undefined],
  ['2001:db8::1', undefined],
  ['::', 'unspecified'],
  ['0:0:0:0:0:0:0:0', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['fec0::1', undefined],
  ['fc00::1', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  ['FD00::1', 'unique-local'],
  ['fe00::1', undefined],
  ['ff02::1', 'multicast'],
  // IPv4 inside IPv6: mapped (dotted and hex, as WHATWG URLs write it), compatible, NAT64
  ['::ffff:10.0.0.5', 'private'],
  ['::ffff:a00:5', 'private'],
  ['[::ffff:7f00:1]', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['0:0:0:0:0:ffff:169.254.1.1', 'link-local'],
  ['::ffff:8.8.8.8', undefined],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['::127.0.0.1', 'loopback'],
  ['::7f00:1', 'loopback'],
  ['64:ff9b::10.1.2.3', 'private'],
  ['64:ff9b::8.8.8.8', undefined],
  // not addresses at all: refused rather than guessed
  ['', 'unrecognized'],
  ['localhost', 'unrecognized'],
  ['256.0.0.1', 'unrecognized'],
  ['1.2.3', 'unrecognized'],
  ['1::2::3', 'unrecognized'],
  ['1:2:3:4:5:6:7:8:9', 'unrecognized'],
  ['1:2:3:4:5:6:7', 'unrecognized'],
  ['1:2:3:4::5:6:7:8', 'unrecognized'],
  ['10.0.0.5::1', 'unrecognized'],
  ['::12345', 'unrecognized'],
];

describe('nonPublicRange', () => {
  it.each(table)('%s -> %s', (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it('recognizes exactly what node:net calls an IP address', () => {
    for (const [address] of table) {
      const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
      expect([address, nonPublicRange(address) === 'unrecognized']).toEqual([address, isIP(bare) === 0]);
    }
  });
});
