/** Which IP addresses a target must not resolve to: this machine, its networks, and addresses no host owns. */

/** Why an address is not public; `unrecognized` is text that is no IP address (refused, not guessed at). */
export type AddressRange =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'unique-local'
  | 'unspecified'
  | 'multicast'
  | 'unrecognized';

/** How a message names each range: "10.0.0.5, a private address". */
export const RANGE_NAMES: Readonly<Record<AddressRange, string>> = {
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  shared: 'a shared (CGNAT) address',
  'unique-local': 'a unique-local address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  unrecognized: 'not an IP address',
};

/** The non-public range `address` (IPv4 or IPv6, with or without brackets or a zone) falls in; undefined when public. */
export function nonPublicRange(address: string): AddressRange | undefined {
  const text = address.replace(/^\[|\]$/g, '').replace(/%.*$/s, '');
  const v4 = parseIpv4(text);
  if (v4) return ipv4Range(v4);
  const v6 = parseIpv6(text);
  return v6 ? ipv6Range(v6) : 'unrecognized';
}

function ipv4Range([a = 0, b = 0]: readonly number[]): AddressRange | undefined {
  if (a === 0) return 'unspecified'; // 0.0.0.0/8: "this network"; connecting to 0.0.0.0 reaches this machine
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && b >= 64 && b <= 127) return 'shared';
  if (a >= 224 && a <= 239) return 'multicast';
  return undefined;
}

// Prefixes (first 12 bytes) whose last 4 bytes are an IPv4 address a connection may end up at: IPv4-mapped
// (::ffff:0:0/96), IPv4-compatible (::/96, deprecated) and NAT64 (64:ff9b::/96).
const EMBEDS_IPV4 = ['00000000000000000000ffff', '000000000000000000000000', '0064ff9b0000000000000000'];

function ipv6Range(bytes: readonly number[]): AddressRange | undefined {
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  if (hex === '0'.repeat(32)) return 'unspecified';
  if (hex === `${'0'.repeat(31)}1`) return 'loopback';
  if (EMBEDS_IPV4.includes(hex.slice(0, 24))) return ipv4Range(bytes.slice(12));
  const [first = 0, second = 0] = bytes;
  if (first === 0xff) return 'multicast';
  if (first === 0xfe && (second & 0xc0) === 0x80) return 'link-local';
  if ((first & 0xfe) === 0xfc) return 'unique-local';
  return undefined;
}

/** The four bytes of a dotted-quad IPv4 address, or undefined. */
function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

/** The sixteen bytes of an IPv6 address (`::` compression and a dotted IPv4 tail allowed), or undefined. */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  // Each group as two bytes; only the address's last group may be a dotted IPv4 address (two groups' worth).
  const groups = (half: string | undefined, holdsEnd: boolean): number[][] | undefined => {
    if (!half) return [];
    const out: number[][] = [];
    const parts = half.split(':');
    for (const [i, p] of parts.entries()) {
      const tail = holdsEnd && i === parts.length - 1 ? parseIpv4(p) : undefined;
      if (tail) out.push(tail.slice(0, 2), tail.slice(2));
      else if (/^[0-9a-f]{1,4}$/i.test(p)) out.push([parseInt(p, 16) >> 8, parseInt(p, 16) & 0xff]);
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0], halves.length === 1);
  const rest = groups(halves[1], true);
  if (!head || !rest) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const zeros = Array.from({ length: missing }, () => [0, 0]);
  return [...head, ...zeros, ...rest].flat();
}
