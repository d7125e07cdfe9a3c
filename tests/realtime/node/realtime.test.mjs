// The real @supabase/supabase-js against the mock's Realtime server, under both serializers.
// MOCK_URL names a running mock started with a short --realtime-idle-timeout (IDLE_TIMEOUT_S).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { createClient } from '@supabase/supabase-js'

const BASE = process.env.MOCK_URL
const IDLE_TIMEOUT_S = Number(process.env.IDLE_TIMEOUT_S || '2')
const WITHIN_MS = 1000

async function call(method, path, token, body) {
  const headers = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  const answer = await fetch(BASE + path, { method, headers, body: body && JSON.stringify(body) })
  const text = await answer.text()
  return { status: answer.status, body: text ? JSON.parse(text) : null }
}

async function sandbox(scenario) {
  const made = await call('POST', '/__mock/sandboxes', null, { scenario })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  const token = made.body.token
  const config = (await call('GET', '/api/co/realtime/config', token)).body
  return { token, config, userId: config.channels.bookings.split(':')[1] }
}

async function client(config, token, vsn, options = {}) {
  const supabase = createClient(config.supabase_url, options.key ?? config.anon_key, {
    accessToken: async () => token,
    realtime: { vsn, ...(options.realtime || {}) },
  })
  await supabase.realtime.setAuth() // the first join then carries the token
  return supabase
}

// A channel whose every broadcast and row change is kept, in order, with when it came.
function listen(supabase, name, bindings = [], config = {}, before = () => {}) {
  const seen = []
  const channel = supabase.channel(name, { config: { private: true, ...config } })
  before(channel)
  channel.on('broadcast', { event: '*' }, (message) => seen.push({ kind: 'broadcast', at: Date.now(), ...message }))
  for (const binding of bindings) {
    channel.on('postgres_changes', binding, (change) => seen.push({ kind: 'change', at: Date.now(), ...change }))
  }
  const subscribed = new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve(status)
      else if (status !== 'CLOSED') reject(error || new Error(status))
    })
  })
  return { channel, seen, subscribed }
}

function status(supabase, name, config = { private: true }) {
  return new Promise((resolve) => {
    supabase.channel(name, { config }).subscribe((state, error) => resolve({ state, message: error?.message }))
  })
}

async function arrival(seen, predicate, since) {
  const deadline = since + WITHIN_MS
  for (;;) {
    const found = seen.find(predicate)
    if (found) {
      assert.ok(found.at - since <= WITHIN_MS, `arrived after ${found.at - since} ms`)
      return found
    }
    if (Date.now() >= deadline) break
    await new Promise((r) => setTimeout(r, 10))
  }
  assert.fail(`nothing matching arrived within ${WITHIN_MS} ms; seen: ${JSON.stringify(seen.map((s) => s.event || s.eventType + ' ' + s.table))}`)
}

// The websocket upgrade as a plain HTTP request, to read the refusal's status and body.
function upgrade(path) {
  return new Promise((resolve, reject) => {
    const request = http.get(BASE + path, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    })
    request.on('response', (response) => {
      let body = ''
      response.on('data', (chunk) => { body += chunk })
      response.on('end', () => resolve({ status: response.statusCode, body }))
    })
    request.on('upgrade', () => reject(new Error('the upgrade was accepted')))
    request.on('error', reject)
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

for (const vsn of ['1.0.0', '2.0.0']) {
  test(`vsn ${vsn}: every workshop event arrives live, as a broadcast and as a row change`, async () => {
    const owner = await sandbox('family-three-cars')
    const other = await sandbox('family-three-cars')
    const supabase = await client(owner.config, owner.token, vsn)
    const stranger = await client(other.config, other.token, vsn)
    const mine = `user_id=eq.${owner.userId}`
    const bookings = listen(supabase, owner.config.channels.bookings, [
      { event: '*', schema: 'public', table: 'bookings', filter: mine },
      { event: 'INSERT', schema: 'public', table: 'service_log' },
    ])
    const notifications = listen(supabase, owner.config.channels.notifications, [
      { event: 'INSERT', schema: 'public', table: 'notifications', filter: 'channel=eq.push' },
    ])
    const messages = listen(supabase, owner.config.channels.messages, [
      { event: 'INSERT', schema: 'public', table: 'messages' },
    ])
    const theirs = [
      listen(stranger, other.config.channels.bookings, [{ event: '*', schema: 'public', table: 'bookings' }]),
      listen(stranger, other.config.channels.notifications),
      listen(stranger, other.config.channels.messages),
    ]
    await Promise.all([bookings, notifications, messages, ...theirs].map((l) => l.subscribed))
    const plate = (await call('GET', '/api/co/vehicles', owner.token)).body.data[0].registration_number

    let at = Date.now()
    const requested = await call('POST', '/__mock/sandbox/workshop-events', owner.token, {
      type: 'booking.requested', registration_number: plate,
    })
    assert.equal(requested.status, 201, JSON.stringify(requested.body))
    const bookingId = requested.body.booking.id
    const asked = await arrival(bookings.seen, (m) => m.event === 'booking.requested', at)
    assert.equal(asked.payload.id, bookingId)
    assert.equal(asked.payload.status, 'requested')
    assert.equal(asked.payload.registration_number, plate)
    assert.equal(asked.payload.user_id, owner.userId)
    const row = await arrival(bookings.seen, (m) => m.kind === 'change' && m.eventType === 'INSERT', at)
    assert.equal(row.table, 'bookings')
    assert.equal(row.schema, 'public')
    assert.equal(row.new.id, bookingId)
    const pushed = await arrival(notifications.seen, (m) => m.event === 'booking.requested', at)
    assert.equal(pushed.payload.booking_id, bookingId)
    assert.ok(pushed.payload.title.length > 0)
    await arrival(notifications.seen, (m) => m.kind === 'change' && m.new.event === 'booking.requested', at)

    for (const [type, extra, state] of [
      ['booking.accepted', {}, 'accepted'],
      ['booking.updated', { description: 'Service og dekkskift' }, 'accepted'],
      ['booking.completed', {}, 'completed'],
    ]) {
      at = Date.now()
      const sent = await call('POST', '/__mock/sandbox/workshop-events', owner.token, { type, booking_id: bookingId, ...extra })
      assert.ok([200, 201].includes(sent.status), JSON.stringify(sent.body))
      const got = await arrival(bookings.seen, (m) => m.event === type, at)
      assert.equal(got.payload.status, state)
      const change = await arrival(bookings.seen, (m) => m.kind === 'change' && m.table === 'bookings' && m.at >= at, at)
      assert.equal(change.eventType, 'UPDATE')
      assert.equal(change.new.status, state)
      assert.deepEqual(change.old, { id: bookingId })
      await arrival(notifications.seen, (m) => m.event === type, at)
    }
    const entry = await arrival(bookings.seen, (m) => m.kind === 'change' && m.table === 'service_log', Date.now())
    assert.equal(entry.new.booking_id, bookingId)
    const serviceLogId = entry.new.id

    at = Date.now()
    const wrote = await call('POST', '/__mock/sandbox/workshop-events', owner.token, {
      type: 'message.new', service_log_id: serviceLogId, body: 'Bilen er klar til henting.',
    })
    assert.ok([200, 201].includes(wrote.status), JSON.stringify(wrote.body))
    const said = await arrival(messages.seen, (m) => m.event === 'message.new', at)
    assert.equal(said.payload.body, 'Bilen er klar til henting.')
    assert.equal(said.payload.service_log_id, serviceLogId)
    assert.equal(said.payload.sender, 'workshop')
    await arrival(messages.seen, (m) => m.kind === 'change' && m.new.body === 'Bilen er klar til henting.', at)
    await arrival(notifications.seen, (m) => m.event === 'message.new', at)

    at = Date.now()
    assert.equal((await call('POST', '/__mock/sandbox/clock', owner.token, { days: 2 })).status, 200)
    const reminder = await arrival(notifications.seen, (m) => m.event === 'rating.reminder', at)
    assert.equal(reminder.payload.service_log_id, serviceLogId)

    // An EU-kontroll notice falls due as the clock passes the deadline (a car ten days from it).
    const due = await sandbox('eu-control-due')
    const dueClient = await client(due.config, due.token, vsn)
    const dueFeed = listen(dueClient, due.config.channels.notifications)
    await dueFeed.subscribed
    at = Date.now()
    assert.equal((await call('POST', '/__mock/sandbox/clock', due.token, { days: 11 })).status, 200)
    const overdue = await arrival(dueFeed.seen, (m) => m.event === 'eu_control.overdue', at)
    assert.equal(overdue.payload.registration_number, 'KT30303')
    assert.ok(overdue.payload.title.length > 0)
    await dueClient.removeAllChannels()

    // A second booking, declined.
    at = Date.now()
    const second = await call('POST', '/__mock/sandbox/workshop-events', owner.token, { type: 'booking.requested', registration_number: plate })
    await call('POST', '/__mock/sandbox/workshop-events', owner.token, { type: 'booking.declined', booking_id: second.body.booking.id, reason: 'Fullt' })
    const declined = await arrival(bookings.seen, (m) => m.event === 'booking.declined', at)
    assert.equal(declined.payload.decline_reason, 'Fullt')

    // The push filter kept e-mail records out of the notification rows.
    assert.ok(notifications.seen.filter((m) => m.kind === 'change').every((m) => m.new.channel === 'push'))
    await sleep(200)
    for (const listener of theirs) assert.deepEqual(listener.seen, [], 'another user received something')
    await supabase.removeAllChannels()
    await stranger.removeAllChannels()
  })

  test(`vsn ${vsn}: the owner's own changes reach a second device`, async () => {
    const owner = await sandbox('family-three-cars')
    const device = await client(owner.config, owner.token, vsn)
    const feed = listen(device, owner.config.channels.notifications, [
      { event: '*', schema: 'public', table: 'vehicles', filter: `user_id=eq.${owner.userId}` },
      { event: 'UPDATE', schema: 'public', table: 'notification_settings' },
    ])
    await feed.subscribed
    const cars = (await call('GET', '/api/co/vehicles', owner.token)).body.data
    const [first, second] = cars.map((car) => car.registration_number)

    let at = Date.now()
    assert.equal((await call('PUT', `/api/co/vehicles/${second}`, owner.token, { nickname: 'Hytta' })).status, 200)
    const renamed = await arrival(feed.seen, (m) => m.event === 'vehicle.updated', at)
    assert.equal(renamed.payload.nickname, 'Hytta')
    const renamedRow = await arrival(feed.seen, (m) => m.kind === 'change' && m.eventType === 'UPDATE' && m.new.nickname === 'Hytta', at)
    assert.equal(renamedRow.new.registration_number, second)

    at = Date.now()
    assert.equal((await call('POST', '/api/co/vehicles/set-primary', owner.token, { registration_number: second })).status, 200)
    const primary = await arrival(feed.seen, (m) => m.event === 'vehicle.primary_changed' && m.payload.is_primary, at)
    assert.equal(primary.payload.registration_number, second)

    at = Date.now()
    assert.equal((await call('DELETE', `/api/co/vehicles?registration_number=${first}`, owner.token)).status, 200)
    const gone = await arrival(feed.seen, (m) => m.event === 'vehicle.unlinked', at)
    assert.equal(gone.payload.registration_number, first)
    const deleted = await arrival(feed.seen, (m) => m.kind === 'change' && m.eventType === 'DELETE', at)
    assert.deepEqual(deleted.old, { user_id: owner.userId, registration_number: first })

    at = Date.now()
    const linked = await call('POST', '/api/co/vehicles', owner.token, { registration_number: first })
    assert.ok([200, 201].includes(linked.status), JSON.stringify(linked.body))
    const back = await arrival(feed.seen, (m) => m.event === 'vehicle.linked', at)
    assert.equal(back.payload.registration_number, first)
    await arrival(feed.seen, (m) => m.kind === 'change' && m.eventType === 'INSERT' && m.table === 'vehicles', at)

    at = Date.now()
    const prefs = await call('PUT', '/api/co/settings/notifications', owner.token, { 'booking.accepted': { email: false } })
    assert.equal(prefs.status, 200, JSON.stringify(prefs.body))
    const changed = await arrival(feed.seen, (m) => m.event === 'preferences.changed', at)
    assert.equal(changed.payload.preferences['booking.accepted'].email, false)
    await arrival(feed.seen, (m) => m.kind === 'change' && m.table === 'notification_settings', at)

    // Preferences decide the notification broadcasts, as the outbox does: push off, none comes.
    await call('PUT', '/api/co/settings/notifications', owner.token, { 'booking.requested': { push: false } })
    at = Date.now()
    await call('POST', '/__mock/sandbox/workshop-events', owner.token, { type: 'booking.requested', registration_number: second })
    await sleep(300)
    assert.equal(feed.seen.filter((m) => m.event === 'booking.requested').length, 0)
    await device.removeAllChannels()
  })

  test(`vsn ${vsn}: another user's channel, a token that is no one's and a wrong key are refused`, async () => {
    const owner = await sandbox('empty')
    const other = await sandbox('empty')
    const intruder = await client(owner.config, other.token, vsn)
    const refused = await status(intruder, owner.config.channels.bookings)
    assert.equal(refused.state, 'CHANNEL_ERROR')
    assert.equal(refused.message, `Unauthorized: You do not have permissions to read from this Channel topic: ${owner.config.channels.bookings}`)
    const forged = await client(owner.config, 'not-a-token', vsn)
    const malformed = await status(forged, owner.config.channels.bookings)
    assert.equal(malformed.state, 'CHANNEL_ERROR')
    assert.equal(malformed.message, 'MalformedJWT: The token provided is not a valid JWT')
    const answer = await upgrade(`/realtime/v1/websocket?apikey=wrong&vsn=${vsn}`)
    assert.equal(answer.status, 401)
    assert.deepEqual(JSON.parse(answer.body), { error: 'The token provided is not a valid JWT' })
    assert.deepEqual(JSON.parse((await upgrade(`/realtime/v1/websocket?vsn=${vsn}`)).body), { error: 'API key is missing' })
    const wrongKey = await client(owner.config, owner.token, vsn, { key: 'wrong' })
    const outcome = await Promise.race([status(wrongKey, owner.config.channels.bookings), sleep(2000).then(() => ({ state: 'none' }))])
    assert.notEqual(outcome.state, 'SUBSCRIBED')
    for (const c of [intruder, forged, wrongKey]) { c.realtime.disconnect() }
  })

  test(`vsn ${vsn}: heartbeats keep an idle socket alive past the server's idle timeout`, async () => {
    const owner = await sandbox('family-three-cars')
    const supabase = await client(owner.config, owner.token, vsn, { realtime: { heartbeatIntervalMs: 300 } })
    const feed = listen(supabase, owner.config.channels.bookings)
    await feed.subscribed
    await sleep(IDLE_TIMEOUT_S * 1000 * 2.5)
    assert.equal(supabase.realtime.isConnected(), true)
    const plate = (await call('GET', '/api/co/vehicles', owner.token)).body.data[0].registration_number
    const at = Date.now()
    await call('POST', '/__mock/sandbox/workshop-events', owner.token, { type: 'booking.requested', registration_number: plate })
    await arrival(feed.seen, (m) => m.event === 'booking.requested', at)
    supabase.realtime.disconnect()
  })

  test(`vsn ${vsn}: broadcast with self and ack, presence, and the REST broadcast endpoint`, async () => {
    const owner = await sandbox('empty')
    const phone = await client(owner.config, owner.token, vsn)
    const laptop = await client(owner.config, owner.token, vsn)
    const name = owner.config.channels.messages
    const onPhone = listen(phone, name, [], { broadcast: { self: true, ack: true } })
    let joinedNow
    const joined = new Promise((resolve) => { joinedNow = resolve })
    const onLaptop = listen(laptop, name, [], { presence: { key: 'laptop' } }, (channel) =>
      channel.on('presence', { event: 'join' }, (p) => joinedNow(p)))
    await Promise.all([onPhone.subscribed, onLaptop.subscribed])

    let at = Date.now()
    const result = await onPhone.channel.send({ type: 'broadcast', event: 'typing', payload: { who: 'phone' } })
    assert.equal(result, 'ok')
    assert.deepEqual((await arrival(onLaptop.seen, (m) => m.event === 'typing', at)).payload, { who: 'phone' })
    await arrival(onPhone.seen, (m) => m.event === 'typing', at) // self: the sender hears itself

    assert.equal(await onLaptop.channel.track({ online_at: 'now' }), 'ok')
    const presence = await Promise.race([joined, sleep(WITHIN_MS).then(() => null)])
    assert.ok(presence, 'no presence join within a second')
    assert.equal(presence.key, 'laptop')
    assert.equal(onLaptop.channel.presenceState().laptop[0].online_at, 'now')

    if (vsn === '2.0.0') {
      // Raw bytes travel as binary frames both ways (kind 3 from the client, kind 4 to the others).
      at = Date.now()
      await onPhone.channel.send({ type: 'broadcast', event: 'bytes', payload: new Uint8Array([1, 2, 3]).buffer })
      const bytes = await arrival(onLaptop.seen, (m) => m.event === 'bytes', at)
      assert.deepEqual([...new Uint8Array(bytes.payload)], [1, 2, 3])
    }

    at = Date.now()
    const rest = await fetch(`${BASE}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: owner.config.anon_key, Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: name, event: 'from-server', payload: { n: 1 }, private: true }] }),
    })
    assert.equal(rest.status, 202)
    assert.deepEqual((await arrival(onLaptop.seen, (m) => m.event === 'from-server', at)).payload, { n: 1 })
    await phone.removeAllChannels()
    await laptop.removeAllChannels()
  })
}
