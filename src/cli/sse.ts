/**
 * A reader of server-sent events (text/event-stream, per the HTML standard): `event:`, `data:`
 * (several joined by newlines), `id:`, comment lines (`: ping`) and any of the three line endings.
 */
export interface ServerEvent { event: string, data: string, id: string | undefined }

/** Yields each event; `onActivity` is called on every chunk, pings included (for a liveness watchdog). */
export async function * readEvents (body: ReadableStream<Uint8Array>, onActivity: () => void = () => {}): AsyncGenerator<ServerEvent> {
  const decoder = new TextDecoder()
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | undefined
  let pendingCR = false
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    onActivity()
    let text = decoder.decode(chunk, { stream: true })
    // A \r that ended the last chunk and a \n that starts this one are one line ending.
    if (pendingCR && text.startsWith('\n')) text = text.slice(1)
    pendingCR = text.endsWith('\r')
    buffer += text
    const lines = buffer.split(/\r\n|\r|\n/)
    buffer = lines.pop() ?? ''
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) yield { event: event === '' ? 'message' : event, data: data.join('\n'), id }
        event = ''
        data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
      else if (field === 'id' && !value.includes('\0')) id = value
    }
  }
}
