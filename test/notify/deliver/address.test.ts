import t from 'tap'
import { isPublicAddress } from '../../../src/notify/deliver/address.ts'

t.test('public unicast addresses pass', async t => {
  for (const a of ['8.8.8.8', '1.1.1.1', '52.84.12.3', '2606:4700::1111', '[2a00:1450::1]', '64:ff9b::808:808', '2002:808:808::1']) {
    t.ok(isPublicAddress(a), a)
  }
})

t.test('loopback, private, link-local, CGNAT, multicast and reserved are refused', async t => {
  for (const a of [
    '127.0.0.1', '127.9.9.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.10', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1',
    '::1', '::', 'fe80::1', 'fe80::1%eth0', 'fd12:3456::1', 'ff02::1', '[::1]'
  ]) {
    t.notOk(isPublicAddress(a), a)
  }
})

t.test('IPv6 forms carrying a private IPv4 address are refused', async t => {
  for (const a of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:a00:1::1', '::127.0.0.1']) {
    t.notOk(isPublicAddress(a), a)
  }
})

t.test('IPv6 ranges whose IPv4 inside cannot be trusted are refused whole, public IPv4 inside or not', async t => {
  for (const a of [
    '::ffff:8.8.8.8', '::ffff:808:808', '0:0:0:0:0:ffff:808:808', '::ffff:0:808:808', '::ffff:0:7f00:1', '::8.8.8.8',
    '64:ff9b:1::808:808', '64:ff9b:1:ffff::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:2::1', '2001:10::1', '3fff::1', '5f00::1'
  ]) {
    t.notOk(isPublicAddress(a), a)
  }
})

t.test('anything that is not an IP literal is refused', async t => {
  for (const a of ['localhost', 'example.com', '', '1.2.3', '::g']) t.notOk(isPublicAddress(a), JSON.stringify(a))
})
