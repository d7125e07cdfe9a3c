// Follows one user's bookings channel and prints what happens, one JSON line each, until killed:
// {"status": "SUBSCRIBED"} on every (re)join, {"event": ..., "id": ...} on every broadcast.
// The transport is the `ws` package: Node 20's built-in WebSocket never reports a refused
// reconnect as closed, so the client's retry would stop while the server is down.
import { createClient } from '@supabase/supabase-js'
import WebSocket from 'ws'

const [base, token] = [process.env.MOCK_URL, process.env.MINBIL_TOKEN]
const config = await (await fetch(`${base}/api/co/realtime/config`, { headers: { Authorization: `Bearer ${token}` } })).json()
const supabase = createClient(config.supabase_url, config.anon_key, {
  accessToken: async () => token,
  realtime: { vsn: process.env.VSN || '2.0.0', reconnectAfterMs: () => 200, transport: WebSocket },
})
await supabase.realtime.setAuth()
const say = (line) => process.stdout.write(JSON.stringify(line) + '\n')
supabase
  .channel(config.channels.bookings, { config: { private: true } })
  .on('broadcast', { event: '*' }, ({ event, payload }) => say({ event, id: payload.id }))
  .subscribe((status, error) => say({ status, error: error?.message }))
setTimeout(() => process.exit(0), 120000)
