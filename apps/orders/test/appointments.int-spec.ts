import { businessDay, requestJson } from '#libs/testing';
import { OrdersHarness, OrdersInstance, startOrdersHarness, TestUser } from './orders-test-harness';

/** YYYY-MM-DD of an instant in the business's time zone (+08:00 by default). */
const inHours = (hours: number) => new Date(Math.ceil((Date.now() + hours * 3600 * 1000) / 60000) * 60000);

describe('appointments: resources, slots with capacity, bookings never over capacity (real orders service, MariaDB)', () => {
  let h: OrdersHarness;
  let second: OrdersInstance;
  let alice: TestUser;
  let bob: TestUser;
  const admin = (method: string, path: string, body?: unknown) => requestJson(`${h.url}/api/appointments/admin${path}`, { method, token: h.staffToken, body });
  const book = (user: TestUser, slotId: string, url = h.url, key?: string) =>
    requestJson(`${url}/api/appointments`, {
      token: user.token,
      body: { slotId, contact: { name: 'Alice', phone: '13800138000' }, remark: 'first visit' },
      headers: key ? { 'idempotency-key': key } : {},
    });
  const newResource = async (name = 'Dr. Li') => (await admin('POST', '/resources', { name, kind: 'doctor', description: 'Dentist' })).body as { id: string };
  const newSlots = async (resourceId: string, slots: { startsAt: Date; minutes?: number; capacity: number }[]) => {
    const reply = await admin('POST', '/slots', {
      resourceId,
      slots: slots.map((slot) => ({
        startsAt: slot.startsAt.toISOString(),
        endsAt: new Date(slot.startsAt.getTime() + (slot.minutes ?? 30) * 60000).toISOString(),
        capacity: slot.capacity,
      })),
    });
    expect(reply.status).toBe(201);
    return reply.body.items as { id: string; startsAt: string; capacity: number; remaining: number; booked: number; open: boolean }[];
  };

  beforeAll(async () => {
    h = await startOrdersHarness();
    second = await h.startReplica();
    [alice, bob] = await Promise.all([h.login('patient-alice'), h.login('patient-bob')]);
  }, 60000);
  afterAll(() => h?.close());

  it('lets staff create resources and slots, and anyone list the bookable slots of a day with the places left', async () => {
    const resource = await admin('POST', '/resources', { name: 'Massage room', kind: 'room' });
    expect(resource.status).toBe(201);
    expect(resource.body).toEqual({ id: expect.any(String), name: 'Massage room', kind: 'room', description: null, active: true });
    const start = inHours(30);
    const slots = await newSlots(resource.body.id, [
      { startsAt: start, capacity: 3 },
      { startsAt: new Date(start.getTime() + 3600000), capacity: 1 },
    ]);
    expect(slots.map((slot) => [slot.capacity, slot.remaining, slot.booked, slot.open])).toEqual([
      [3, 3, 0, true],
      [1, 1, 0, true],
    ]);

    const listed = await requestJson(`${h.url}/api/appointments/slots?resourceId=${resource.body.id}&date=${businessDay(start)}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.filter((slot: { id: string }) => slots.some((s) => s.id === slot.id))).toHaveLength(
      slots.filter((s) => businessDay(new Date(s.startsAt)) === businessDay(start)).length,
    );
    expect(listed.body.items[0]).toEqual({
      id: slots[0].id,
      resourceId: resource.body.id,
      startsAt: start.toISOString(),
      endsAt: expect.any(String),
      capacity: 3,
      remaining: 3,
    });
    const resources = await requestJson(`${h.url}/api/appointments/resources`);
    expect(resources.body.items.map((r: { id: string }) => r.id)).toContain(resource.body.id);

    await book(alice, slots[0].id);
    const after = await requestJson(`${h.url}/api/appointments/slots?resourceId=${resource.body.id}&date=${businessDay(start)}`);
    expect(after.body.items.find((slot: { id: string }) => slot.id === slots[0].id).remaining).toBe(2);
  });

  it('books a place and shows it to its owner only', async () => {
    const resource = await newResource();
    const [slot] = await newSlots(resource.id, [{ startsAt: inHours(5), capacity: 2 }]);
    const booked = await book(alice, slot.id);
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({
      slotId: slot.id,
      resourceId: resource.id,
      resourceName: 'Dr. Li',
      status: 'booked',
      startsAt: slot.startsAt,
      contact: { name: 'Alice', phone: '13800138000' },
      remark: 'first visit',
      userId: alice.id,
    });
    const mine = await requestJson(`${h.url}/api/appointments`, { token: alice.token });
    expect(mine.body.items.map((a: { id: string }) => a.id)).toContain(booked.body.id);
    expect((await requestJson(`${h.url}/api/appointments`, { token: bob.token })).body.items.map((a: { id: string }) => a.id)).not.toContain(booked.body.id);
    expect((await requestJson(`${h.url}/api/appointments/${booked.body.id}`, { token: bob.token })).status).toBe(404);
    const cancelByOther = await requestJson(`${h.url}/api/appointments/${booked.body.id}/cancel`, { method: 'POST', token: bob.token });
    expect(cancelByOther.status).toBe(404);
    expect(cancelByOther.body.code).toBe('APPOINTMENT_NOT_FOUND');
  });

  it('never books a 10-place slot more than 10 times under 50 concurrent bookings on two replicas', async () => {
    const resource = await newResource('Yoga class');
    const [slot] = await newSlots(resource.id, [{ startsAt: inHours(48), capacity: 10 }]);
    const users = await Promise.all(Array.from({ length: 50 }, (_, i) => h.login(`yogi-${i}`)));
    const replies = await Promise.all(users.map((user, i) => book(user, slot.id, i % 2 ? h.url : second.url)));
    expect(replies.filter((reply) => reply.status === 201)).toHaveLength(10);
    expect(new Set(replies.filter((reply) => reply.status !== 201).map((reply) => `${reply.status} ${reply.body.code}`))).toEqual(new Set(['409 SLOT_FULL']));
    const [row] = await h.query<{ booked: number; capacity: number }>('SELECT booked, capacity FROM appointment_slots WHERE id = ?', [slot.id]);
    expect(row).toEqual({ booked: 10, capacity: 10 });
    const [count] = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM appointments WHERE slot_id = ? AND status = 'booked'", [slot.id]);
    expect(Number(count.n)).toBe(10);
  });

  it('gives the place back on cancellation, once, and refuses a second cancellation', async () => {
    const resource = await newResource();
    const [slot] = await newSlots(resource.id, [{ startsAt: inHours(6), capacity: 1 }]);
    const booked = await book(alice, slot.id);
    expect((await book(bob, slot.id)).body.code).toBe('SLOT_FULL');
    const cancels = await Promise.all(
      [1, 2, 3].map(() => requestJson(`${h.url}/api/appointments/${booked.body.id}/cancel`, { method: 'POST', token: alice.token })),
    );
    expect(cancels.map((reply) => reply.status).sort()).toEqual([200, 409, 409]);
    expect(cancels.find((reply) => reply.status === 200)!.body).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(String), cancelledBy: 'user' });
    expect(cancels.find((reply) => reply.status === 409)!.body.code).toBe('APPOINTMENT_STATE_CONFLICT');
    const [row] = await h.query<{ booked: number }>('SELECT booked FROM appointment_slots WHERE id = ?', [slot.id]);
    expect(row.booked).toBe(0);
    expect((await book(bob, slot.id)).status).toBe(201);
    // Alice may book again once her booking is cancelled.
    await admin('PATCH', `/slots/${slot.id}`, { capacity: 2 });
    expect((await book(alice, slot.id)).status).toBe(201);
  });

  it('refuses a second booking of the same slot by the same user: 409 ALREADY_BOOKED', async () => {
    const resource = await newResource();
    const [slot] = await newSlots(resource.id, [{ startsAt: inHours(7), capacity: 5 }]);
    expect((await book(alice, slot.id)).status).toBe(201);
    const again = await book(alice, slot.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_BOOKED');
    const [row] = await h.query<{ booked: number }>('SELECT booked FROM appointment_slots WHERE id = ?', [slot.id]);
    expect(row.booked).toBe(1);
  });

  it('refuses past, closed, unknown slots and inactive resources with clear errors, writing nothing', async () => {
    const resource = await newResource();
    const [soon, closed] = await newSlots(resource.id, [
      { startsAt: new Date(Date.now() + 1500), capacity: 5 },
      { startsAt: inHours(9), capacity: 5 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const past = await book(alice, soon.id);
    expect([past.status, past.body.code]).toEqual([409, 'SLOT_IN_PAST']);
    expect((await admin('PATCH', `/slots/${closed.id}`, { open: false })).body.open).toBe(false);
    expect((await book(alice, closed.id)).body.code).toBe('SLOT_CLOSED');
    const unknown = await book(alice, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'SLOT_NOT_FOUND']);
    await admin('PATCH', `/slots/${closed.id}`, { open: true });
    await admin('PATCH', `/resources/${resource.id}`, { active: false });
    expect((await book(alice, closed.id)).body.code).toBe('SLOT_CLOSED');
    expect((await requestJson(`${h.url}/api/appointments/slots?resourceId=${resource.id}&date=${businessDay(inHours(9))}`)).status).toBe(404);
    const [count] = await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM appointments WHERE resource_id = ?', [resource.id]);
    expect(Number(count.n)).toBe(0);
    // The user cannot cancel a booking whose slot has started; staff can.
    const later = await newResource();
    const [startsSoon] = await newSlots(later.id, [{ startsAt: new Date(Date.now() + 1500), capacity: 1 }]);
    const booking = await book(alice, startsSoon.id);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await requestJson(`${h.url}/api/appointments/${booking.body.id}/cancel`, { method: 'POST', token: alice.token })).body.code).toBe(
      'APPOINTMENT_STATE_CONFLICT',
    );
    const staffCancel = await admin('POST', `/bookings/${booking.body.id}/cancel`);
    expect(staffCancel.body).toMatchObject({ status: 'cancelled', cancelledBy: 'staff' });
  });

  it('lets staff manage capacity (never below what is booked), list bookings with filters, and see closed slots', async () => {
    const resource = await newResource();
    const start = inHours(26);
    const [slot] = await newSlots(resource.id, [{ startsAt: start, capacity: 3 }]);
    await book(alice, slot.id);
    await book(bob, slot.id);
    const tooSmall = await admin('PATCH', `/slots/${slot.id}`, { capacity: 1 });
    expect([tooSmall.status, tooSmall.body.code]).toEqual([409, 'SLOT_CAPACITY_CONFLICT']);
    expect((await admin('PATCH', `/slots/${slot.id}`, { capacity: 2 })).body).toMatchObject({ capacity: 2, booked: 2, remaining: 0 });
    await admin('PATCH', `/slots/${slot.id}`, { open: false });
    const staffSlots = await admin('GET', `/slots?resourceId=${resource.id}&date=${businessDay(start)}`);
    expect(staffSlots.body.items).toEqual([expect.objectContaining({ id: slot.id, open: false, booked: 2 })]);
    expect((await requestJson(`${h.url}/api/appointments/slots?resourceId=${resource.id}&date=${businessDay(start)}`)).body.items).toEqual([]);

    const bySlot = await admin('GET', `/bookings?slotId=${slot.id}`);
    expect(bySlot.body.items.map((a: { userId: string }) => a.userId).sort()).toEqual([alice.id, bob.id].sort());
    const byUser = await admin('GET', `/bookings?resourceId=${resource.id}&userId=${bob.id}&status=booked&date=${businessDay(start)}`);
    expect(byUser.body.items).toHaveLength(1);
    const paged = await admin('GET', `/bookings?resourceId=${resource.id}&limit=1`);
    expect(paged.body.items).toHaveLength(1);
    expect((await admin('GET', `/bookings?resourceId=${resource.id}&limit=1&cursor=${paged.body.nextCursor}`)).body.items).toHaveLength(1);
  });

  it('refuses slots that end before they start, start in the past, or repeat a start time', async () => {
    const resource = await newResource();
    const start = inHours(50);
    const bad = [
      { startsAt: start.toISOString(), endsAt: start.toISOString(), capacity: 1 },
      { startsAt: new Date(Date.now() - 3600000).toISOString(), endsAt: new Date(Date.now() - 1800000).toISOString(), capacity: 1 },
    ];
    for (const slot of bad) expect((await admin('POST', '/slots', { resourceId: resource.id, slots: [slot] })).body.code).toBe('VALIDATION_FAILED');
    const slot = { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 1800000).toISOString(), capacity: 1 };
    expect((await admin('POST', '/slots', { resourceId: resource.id, slots: [slot, slot] })).body.code).toBe('VALIDATION_FAILED');
    expect((await admin('POST', '/slots', { resourceId: resource.id, slots: [slot] })).status).toBe(201);
    const repeat = await admin('POST', '/slots', {
      resourceId: resource.id,
      slots: [{ ...slot, startsAt: new Date(start.getTime() + 7200000).toISOString(), endsAt: new Date(start.getTime() + 9000000).toISOString() }, slot],
    });
    expect([repeat.status, repeat.body.code]).toEqual([409, 'SLOT_EXISTS']);
    const [count] = await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM appointment_slots WHERE resource_id = ?', [resource.id]);
    expect(Number(count.n)).toBe(1);
    expect((await admin('POST', '/slots', { resourceId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', slots: [slot] })).body.code).toBe('RESOURCE_NOT_FOUND');
  });

  it('keeps the staff routes from users (403) and anonymous callers (401); booking needs a user', async () => {
    expect((await requestJson(`${h.url}/api/appointments/admin/resources`, { token: alice.token })).status).toBe(403);
    expect((await requestJson(`${h.url}/api/appointments/admin/resources`, { method: 'POST', body: { name: 'x', kind: 'room' } })).status).toBe(401);
    expect((await requestJson(`${h.url}/api/appointments`)).status).toBe(401);
    expect(
      (
        await requestJson(`${h.url}/api/appointments`, {
          token: h.staffToken,
          body: { slotId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', contact: { name: 'S', phone: '13800138000' } },
        })
      ).status,
    ).toBe(403);
  });
});
