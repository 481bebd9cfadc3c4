import { BlockList, isIP } from 'node:net'

/**
 * Ranges a webhook must never reach: loopback, private, link-local (cloud
 * metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved and
 * documentation blocks. A webhook URL is user input; without this list a
 * rollout could make gonogo POST into the internal network (SSRF).
 * IPv6 ranges whose IPv4 inside cannot be trusted to be where packets go are
 * blocked whole: IPv4-mapped (::ffff:0:0/96: the OS connects to the IPv4 inside,
 * and every spelling of 127.0.0.1 has one), IPv4-translated (::ffff:0:0:0/96),
 * the deprecated IPv4-compatible ::/96, NAT64 local use (64:ff9b:1::/48: the
 * operator's own prefix, mapping to anything), and 2001::/23 (Teredo, whose
 * IPv4 is obfuscated, benchmarking, ORCHID).
 */
const BLOCKED = new BlockList()
// Apart: a BlockList matches IPv4 addresses against IPv6 rules through their mapped form, so
// ::ffff:0:0/96 in the same list would block every IPv4 address.
const BLOCKED6 = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4]
] as const) BLOCKED.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [
  ['::', 96], ['::ffff:0:0', 96], ['::ffff:0:0:0', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23],
  ['2001:db8::', 32], ['3fff::', 20], ['5f00::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8]
] as const) BLOCKED6.addSubnet(net, bits, 'ipv6')

/** Strips the brackets URL.hostname keeps around IPv6 literals. */
export function bareHost (hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
}

/**
 * True when `address` (an IPv4 or IPv6 literal) is a public unicast address.
 * The IPv6 forms that carry an IPv4 address by a published rule (NAT64
 * 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4 address inside, since
 * that is where the packets end up; the others are blocked whole (BLOCKED6).
 * A zone id (fe80::1%eth0) is ignored: the address decides.
 */
export function isPublicAddress (address: string): boolean {
  const ip = bareHost(address).toLowerCase().replace(/%.*$/, '')
  const family = isIP(ip)
  if (family === 4) return !BLOCKED.check(ip, 'ipv4')
  if (family !== 6) return false
  if (BLOCKED6.check(ip, 'ipv6')) return false
  const embedded = embeddedIpv4(ip)
  return embedded === undefined || isPublicAddress(embedded)
}

/** The IPv4 address inside a NAT64 (well-known prefix) or 6to4 IPv6 address, if any. */
function embeddedIpv4 (ip: string): string | undefined {
  const words = expandIpv6(ip)
  if (words === undefined) return undefined
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  const zeros = (from: number, to: number) => words.slice(from, to).every(w => w === 0)
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return v4(words[6], words[7])
  if (words[0] === 0x2002) return v4(words[1], words[2])
  return undefined
}

/** Eight 16-bit words of an IPv6 literal (dotted IPv4 tail allowed), or undefined. */
function expandIpv6 (ip: string): number[] | undefined {
  let text = ip
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted !== null) {
    const [a, b, c, d] = dotted[1].split('.').map(Number)
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parse = (s: string) => s === '' ? [] : s.split(':').map(h => parseInt(h, 16))
  const head = parse(halves[0])
  const tail = halves.length === 2 ? parse(halves[1]) : []
  const fill = 8 - head.length - tail.length
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined
  const words = [...head, ...new Array<number>(fill).fill(0), ...tail]
  return words.some(w => Number.isNaN(w)) ? undefined : words
}
