/**
 * A process whose one BullMQ job never ends, closed with closeWorker: it must then exit by itself.
 * Prints "forced" when the grace ran out. argv: prefix.
 */
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { closeWorker } from '../../src/worker-close.ts'
import { closeRedis } from '../../src/store/redis-client.ts'
import { REDIS_URL } from './redis.ts'

const prefix = process.argv[2]
const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null })
const queue = new Queue('stuck', { connection, prefix })
let started: () => void = () => {}
const running = new Promise<void>(resolve => { started = resolve })
const worker = new Worker('stuck', async () => { started(); await new Promise(() => {}) }, { connection, prefix, lockDuration: 1000 })
await queue.add('forever', {})
await running
await closeWorker(worker, () => console.log('forced'), 500)
await queue.close()
await closeRedis(connection)
console.log('closed')
